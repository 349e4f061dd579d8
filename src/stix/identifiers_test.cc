#include "stix/identifiers.h"

#include <gtest/gtest.h>

#include <string>

namespace entente::stix {
namespace {

TEST(IdentifiersTest, UuidForm) {
  EXPECT_TRUE(IsUuidForm("6ba7b810-9dad-11d1-80b4-00c04fd430c8"));
  EXPECT_TRUE(IsUuidForm("6BA7B810-9DAD-11D1-80B4-00C04FD430C8"));
  EXPECT_FALSE(IsUuidForm("6ba7b8109dad11d180b400c04fd430c8"));
  EXPECT_FALSE(IsUuidForm("6ba7b810-9dad-11d1-80b4-00c04fd430c"));
  EXPECT_FALSE(IsUuidForm("6ba7b810-9dad-11d1-80b4-00c04fd430cg"));
  EXPECT_FALSE(IsUuidForm(""));
}

TEST(IdentifiersTest, VariantAndVersion) {
  EXPECT_TRUE(IsRfc4122Variant("6ba7b810-9dad-11d1-80b4-00c04fd430c8"));
  EXPECT_TRUE(IsRfc4122Variant("6ba7b810-9dad-41d1-b0b4-00c04fd430c8"));
  EXPECT_FALSE(IsRfc4122Variant("6ba7b810-9dad-41d1-c0b4-00c04fd430c8"));  // Microsoft variant
  EXPECT_FALSE(IsRfc4122Variant("00000000-0000-0000-0000-000000000000"));  // nil
  EXPECT_EQ(UuidVersion("6ba7b810-9dad-41d1-b0b4-00c04fd430c8"), 4);
  EXPECT_EQ(UuidVersion("6ba7b810-9dad-51d1-b0b4-00c04fd430c8"), 5);
  EXPECT_EQ(UuidVersion("nope"), -1);
}

TEST(IdentifiersTest, TypeNames) {
  EXPECT_TRUE(IsValidTypeName("indicator"));
  EXPECT_TRUE(IsValidTypeName("x-mitre-tactic"));
  EXPECT_TRUE(IsValidTypeName("ipv4-addr"));
  EXPECT_FALSE(IsValidTypeName("ab"));
  EXPECT_FALSE(IsValidTypeName("Indicator"));
  EXPECT_FALSE(IsValidTypeName("x--y"));
  EXPECT_FALSE(IsValidTypeName("x_mitre"));
  EXPECT_TRUE(IsValidTypeName(std::string(250, 'a')));
  EXPECT_FALSE(IsValidTypeName(std::string(251, 'a')));
  // Section 3.1: "Type names and property names MUST begin with a letter character".
  EXPECT_FALSE(IsValidTypeName("9x-example"));
  EXPECT_FALSE(IsValidTypeName("-x-example"));
}

TEST(IdentifiersTest, PropertyNames) {
  EXPECT_TRUE(IsValidPropertyName("id"));
  EXPECT_TRUE(IsValidPropertyName("x_mitre_version"));
  EXPECT_TRUE(IsValidPropertyName("src_ref"));
  EXPECT_FALSE(IsValidPropertyName("xy"));
  EXPECT_FALSE(IsValidPropertyName("x-foo"));
  EXPECT_FALSE(IsValidPropertyName("xFoo"));
  EXPECT_FALSE(IsValidPropertyName(std::string(251, 'a')));
  // Section 3.1: property names begin with a letter.
  EXPECT_FALSE(IsValidPropertyName("9ome_custom_stuff"));
  EXPECT_FALSE(IsValidPropertyName("_x_custom"));
}

TEST(IdentifiersTest, SplitAndCheck) {
  auto parts = SplitIdentifier("indicator--6ba7b810-9dad-41d1-b0b4-00c04fd430c8");
  ASSERT_TRUE(parts.has_value());
  EXPECT_EQ(parts->type, "indicator");
  EXPECT_EQ(parts->uuid, "6ba7b810-9dad-41d1-b0b4-00c04fd430c8");
  EXPECT_FALSE(SplitIdentifier("indicator-6ba7b810-9dad-41d1-b0b4-00c04fd430c8"));
  EXPECT_FALSE(SplitIdentifier("--6ba7b810-9dad-41d1-b0b4-00c04fd430c8"));
  EXPECT_FALSE(SplitIdentifier("indicator--"));
  EXPECT_EQ(CheckIdentifier("indicator--6ba7b810-9dad-41d1-b0b4-00c04fd430c8"), IdProblem::kOk);
  EXPECT_EQ(CheckIdentifier("indicator--6ba7b810-9dad-41d1-00b4-00c04fd430c8"),
            IdProblem::kUuidVariant);
  EXPECT_EQ(CheckIdentifier("indicator"), IdProblem::kForm);
}

}  // namespace
}  // namespace entente::stix
