#include "common/country.h"

#include <gtest/gtest.h>

namespace entente {
namespace {

TEST(CountryTest, AcceptsAssignedCodes) {
  EXPECT_TRUE(IsAssignedCountryCode("FR"));
  EXPECT_TRUE(IsAssignedCountryCode("DE"));
  EXPECT_TRUE(IsAssignedCountryCode("AD"));
  EXPECT_TRUE(IsAssignedCountryCode("ZW"));
  EXPECT_TRUE(IsAssignedCountryCode("GB"));
}

TEST(CountryTest, RejectsWrongShape) {
  EXPECT_FALSE(IsAssignedCountryCode(""));
  EXPECT_FALSE(IsAssignedCountryCode("F"));
  EXPECT_FALSE(IsAssignedCountryCode("FRA"));
  EXPECT_FALSE(IsAssignedCountryCode("fr"));
  EXPECT_FALSE(IsAssignedCountryCode("Fr"));
  EXPECT_FALSE(IsAssignedCountryCode("F1"));
}

TEST(CountryTest, RejectsReservedAndUnassigned) {
  EXPECT_FALSE(IsAssignedCountryCode("UK"));  // exceptionally reserved
  EXPECT_FALSE(IsAssignedCountryCode("EU"));  // exceptionally reserved
  EXPECT_FALSE(IsAssignedCountryCode("XK"));  // user-assigned
  EXPECT_FALSE(IsAssignedCountryCode("AA"));
  EXPECT_FALSE(IsAssignedCountryCode("ZZ"));
}

TEST(CountryTest, ListHasAllAssignedCodes) { EXPECT_EQ(AssignedCountryCodeCount(), 249u); }

}  // namespace
}  // namespace entente
