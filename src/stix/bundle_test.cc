// Bundles (what a document carries, validation) and KeyOf.
#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>
#include <string>
#include <tuple>
#include <vector>

#include "stix/bundle.h"
#include "stix/stix.h"
#include "stix/test_util.h"

namespace entente::stix {
namespace {

using testing::Describe;
using testing::Obj;
using testing::Rules;

constexpr char kBundle[] = R"({
  "type": "bundle", "id": "bundle--5d0092c5-5f74-4287-9642-33f4c354e56d",
  "objects": [
    {"type": "identity", "spec_version": "2.1",
     "id": "identity--311b2d2d-f010-4473-83ec-1edf84858f4c",
     "created": "2015-12-21T19:59:11.000Z", "modified": "2015-12-21T19:59:11.000Z",
     "name": "Cole Ltd"},
    {"type": "url", "id": "url--6ba7b810-9dad-51d1-b0b4-00c04fd430c8", "value": "http://x.example/"}
  ]
})";

TEST(BundleTest, ValidBundle) {
  auto v = ParseJson(kBundle);
  ASSERT_TRUE(v.ok());
  const auto f = ValidateBundle(*v);
  EXPECT_TRUE(f.empty()) << Describe(f);
}

TEST(BundleTest, BundleRules) {
  auto v = ParseJson(R"({"type": "bundel", "id": "bundle-1", "spec_version": "2.0",
                         "objects": [3, {"type": "url", "id": "url--6ba7b810-9dad-51d1-b0b4-00c04fd430c8"}]})");
  ASSERT_TRUE(v.ok());
  const auto f = ValidateBundle(*v);
  const std::vector<std::string> want = {"bundle-type", "identifier-format", "bundle-spec-version",
                                         "type-object", "required-property"};
  EXPECT_EQ(Rules(f), want) << Describe(f);
  // Findings about an inner object name that object.
  ASSERT_EQ(f.size(), want.size());
  EXPECT_EQ(f.back().object_id, "url--6ba7b810-9dad-51d1-b0b4-00c04fd430c8");
  EXPECT_EQ(f.back().property, "value");
  EXPECT_EQ(f[3].property, "objects[0]");

  EXPECT_EQ(Rules(ValidateBundle(boost::json::value(3))), std::vector<std::string>{"type-object"});
  auto no_id = ParseJson(R"({"type": "bundle", "objects": []})");
  ASSERT_TRUE(no_id.ok());
  EXPECT_EQ(Rules(ValidateBundle(*no_id)),
            (std::vector<std::string>{"required-property", "empty-list"}));
  auto wrong_prefix =
      ParseJson(R"({"type": "bundle", "id": "report--5d0092c5-5f74-4287-9642-33f4c354e56d"})");
  ASSERT_TRUE(wrong_prefix.ok());
  EXPECT_EQ(Rules(ValidateBundle(*wrong_prefix)), std::vector<std::string>{"id-type-mismatch"});
}

// Every reader of STIX content splits a document this way (stix/bundle.h).
TEST(BundleTest, ItemsOfEachShape) {
  auto items_of = [](const char* text) {
    auto v = ParseJson(text);
    EXPECT_TRUE(v.ok());
    DocumentItems d = ItemsOf(*v);
    std::vector<std::string> out;
    for (const boost::json::value& item : d.items) out.push_back(boost::json::serialize(item));
    return std::make_tuple(d.shape, out, d.objects_not_a_list);
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(items_of(R"({"type":"bundle","id":"b","objects":[{"type":"url"},3]})"),
            std::make_tuple(DocumentShape::kBundle, V{R"({"type":"url"})", "3"}, false));
  // "objects" may come first; the bundle's other members are not items.
  EXPECT_EQ(items_of(R"({"objects":[],"type":"bundle"})"),
            std::make_tuple(DocumentShape::kBundle, V{}, false));
  EXPECT_EQ(items_of(R"({"type":"bundle"})"), std::make_tuple(DocumentShape::kBundle, V{}, false));
  EXPECT_EQ(items_of(R"({"type":"bundle","objects":{"0":{}}})"),
            std::make_tuple(DocumentShape::kBundle, V{}, true));
  EXPECT_EQ(items_of(R"([{"type":"url"},[]])"),
            std::make_tuple(DocumentShape::kArray, V{R"({"type":"url"})", "[]"}, false));
  // Any other object is its own item, "objects" member or not.
  EXPECT_EQ(
      items_of(R"({"type":"bundles","objects":[1]})"),
      std::make_tuple(DocumentShape::kObject, V{R"({"type":"bundles","objects":[1]})"}, false));
  EXPECT_EQ(items_of(R"({"type":["bundle"]})"),
            std::make_tuple(DocumentShape::kObject, V{R"({"type":["bundle"]})"}, false));
  EXPECT_EQ(items_of("7"), std::make_tuple(DocumentShape::kUnknown, V{}, false));
  EXPECT_EQ(items_of(R"("bundle")"), std::make_tuple(DocumentShape::kUnknown, V{}, false));
}

TEST(KeyOfTest, UsesModifiedThenCreated) {
  auto key = KeyOf(Obj(R"({"type": "campaign", "spec_version": "2.1",
      "id": "campaign--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061",
      "created": "2016-05-12T08:17:27.000Z", "modified": "2016-05-12T08:17:27.123456Z"})"));
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  EXPECT_EQ(key->id, "campaign--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061");
  EXPECT_EQ(key->type, "campaign");
  EXPECT_EQ(key->spec_version, "2.1");
  EXPECT_EQ(key->version, "2016-05-12T08:17:27.123456Z");
  EXPECT_EQ(key->version_us, 1463041047123456);

  auto marking = KeyOf(Obj(R"({"type": "marking-definition",
      "id": "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da",
      "created": "2017-01-20T00:00:00.000Z"})"));
  ASSERT_TRUE(marking.ok());
  EXPECT_EQ(marking->spec_version, "2.0");
  EXPECT_EQ(marking->version, "2017-01-20T00:00:00.000Z");

  auto sco = KeyOf(Obj(R"({"type": "url", "id": "url--6ba7b810-9dad-51d1-b0b4-00c04fd430c8"})"));
  ASSERT_TRUE(sco.ok());
  EXPECT_EQ(sco->version, "");
  EXPECT_EQ(sco->version_us, 0);
}

TEST(KeyOfTest, ErrorNamesTheVersionProperty) {
  auto key = KeyOf(Obj(R"({"type": "marking-definition",
      "id": "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da", "created": "2017"})"));
  ASSERT_FALSE(key.ok());
  EXPECT_EQ(key.status().message().rfind("created: timestamp-format", 0), 0u)
      << key.status().message();
}

TEST(KeyOfTest, Errors) {
  EXPECT_EQ(KeyOf(Obj(R"({"id": "url--6ba7b810-9dad-51d1-b0b4-00c04fd430c8"})")).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(KeyOf(Obj(R"({"type": "url"})")).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(KeyOf(Obj(R"({"type": "url", "id": "url--1"})")).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(KeyOf(Obj(R"({"type": "file", "id": "url--6ba7b810-9dad-51d1-b0b4-00c04fd430c8"})"))
                .status()
                .code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(
      KeyOf(Obj(R"({"type": "campaign", "id": "campaign--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061",
                          "modified": "last tuesday"})"))
          .status()
          .code(),
      StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace entente::stix
