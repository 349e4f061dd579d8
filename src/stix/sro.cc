// STIX Relationship Objects (spec section 5): relationship and sighting.
#include "stix/checks.h"

namespace entente::stix::detail {
namespace {

constexpr std::string_view kObservedData[] = {"observed-data"};
constexpr std::string_view kWhereSighted[] = {"identity", "location"};

bool IsRelationshipTypeName(std::string_view s) {
  if (s.empty()) return false;
  for (char ch : s) {
    if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-')) return false;
  }
  return true;
}

void Relationship(Checker& c) {
  if (const json::value* v = c.Require("relationship_type")) {
    const json::string* s = ExpectString(c, Prop("relationship_type"), *v);
    if (s && !IsRelationshipTypeName(*s)) {
      c.Report(Prop("relationship_type"), "relationship-type-format",
               "relationship_type is limited to a-z, 0-9 and '-'");
    }
  }
  // Form and target checks of *_ref happen in the generic reference rule.
  c.Require("source_ref");
  c.Require("target_ref");
  for (std::string_view end : {"source_ref", "target_ref"}) {
    ForbidRefCategories(c, end,
                        {Category::kSro, Category::kMarkingDefinition, Category::kLanguageContent,
                         Category::kExtensionDefinition},
                        "an SDO or SCO");
  }
  TimestampProperty(c, "start_time", false);
  TimestampProperty(c, "stop_time", false);
  CheckOrder(c, "start_time", "stop_time", true, "stop-time-before-start-time");
}

void Sighting(Checker& c) {
  c.Require("sighting_of_ref");
  ForbidRefCategories(c, "sighting_of_ref",
                      {Category::kSco, Category::kSro, Category::kMarkingDefinition,
                       Category::kLanguageContent, Category::kExtensionDefinition},
                      "an SDO");
  if (const json::value* v = c.Get("count")) ExpectInteger(c, Prop("count"), *v, 0, 999'999'999);
  TimestampProperty(c, "first_seen", false);
  TimestampProperty(c, "last_seen", false);
  CheckOrder(c, "first_seen", "last_seen", false, "last-seen-before-first-seen");
  if (const json::value* v = c.Get("summary")) ExpectBool(c, Prop("summary"), *v);
}

constexpr RefRule kSightingRefs[] = {
    {"observed_data_refs", kObservedData},
    {"where_sighted_refs", kWhereSighted},
};

constexpr TypeInfo kSroTypes[] = {
    {"relationship", Category::kSro, Relationship, {}},
    {"sighting", Category::kSro, Sighting, kSightingRefs},
};

}  // namespace

std::span<const TypeInfo> SroTypes() { return kSroTypes; }

}  // namespace entente::stix::detail
