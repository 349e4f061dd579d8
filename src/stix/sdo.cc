// STIX Domain Objects (spec section 4): required properties and the MUST rules of each.
// Open vocabularies (SHOULD) are not enforced.
#include <limits>

#include "stix/checks.h"

namespace entente::stix::detail {
namespace {

constexpr std::string_view kSoftware[] = {"software"};
constexpr std::string_view kFileOrArtifact[] = {"file", "artifact"};
constexpr std::string_view kSampleTargets[] = {"file", "network-traffic", "artifact"};
constexpr std::string_view kAnyObservable[] = {"*sco"};

constexpr std::string_view kOpinionEnum[] = {"strongly-disagree", "disagree", "neutral", "agree",
                                             "strongly-agree"};

void Name(Checker& c) {
  if (const json::value* v = c.Require("name")) ExpectString(c, Prop("name"), *v);
}

void KillChain(Checker& c) {
  if (const json::value* v = c.Get("kill_chain_phases")) {
    ExpectKillChainPhases(c, Prop("kill_chain_phases"), *v);
  }
}

void Aliases(Checker& c) {
  if (const json::value* v = c.Get("aliases")) ExpectStringList(c, Prop("aliases"), *v);
}

void SeenWindow(Checker& c) {
  TimestampProperty(c, "first_seen", false);
  TimestampProperty(c, "last_seen", false);
  CheckOrder(c, "first_seen", "last_seen", false, "last-seen-before-first-seen");
}

void ObjectRefs(Checker& c) { c.Require("object_refs"); }

void AttackPattern(Checker& c) {
  Name(c);
  Aliases(c);
  KillChain(c);
}

void Campaign(Checker& c) {
  Name(c);
  Aliases(c);
  SeenWindow(c);
}

void CourseOfAction(Checker& c) { Name(c); }

void Grouping(Checker& c) {
  if (const json::value* v = c.Require("context")) ExpectString(c, Prop("context"), *v);
  ObjectRefs(c);
}

void Identity(Checker& c) {
  Name(c);
  if (const json::value* v = c.Get("roles")) ExpectStringList(c, Prop("roles"), *v);
  if (const json::value* v = c.Get("sectors")) ExpectStringList(c, Prop("sectors"), *v);
}

void Incident(Checker& c) {
  Name(c);
  KillChain(c);
}

void Indicator(Checker& c) {
  const json::value* pattern = c.Require("pattern");
  const json::value* pattern_type = c.Require("pattern_type");
  const json::string* ps = pattern ? ExpectString(c, Prop("pattern"), *pattern) : nullptr;
  const json::string* pts =
      pattern_type ? ExpectString(c, Prop("pattern_type"), *pattern_type) : nullptr;
  const json::string* pvs = nullptr;
  if (const json::value* v = c.Get("pattern_version"))
    pvs = ExpectString(c, Prop("pattern_version"), *v);
  TimestampProperty(c, "valid_from", true);
  TimestampProperty(c, "valid_until", false);
  CheckOrder(c, "valid_from", "valid_until", true, "valid-until-before-valid-from");
  if (const json::value* v = c.Get("indicator_types"))
    ExpectStringList(c, Prop("indicator_types"), *v);
  KillChain(c);
  if (ps && pts && c.options().check_pattern) {
    auto error = c.options().check_pattern(std::string_view(*ps), std::string_view(*pts),
                                           pvs ? std::string_view(*pvs) : std::string_view());
    if (error) c.Report(Prop("pattern"), "pattern", *error);
  }
}

void Infrastructure(Checker& c) {
  Name(c);
  Aliases(c);
  KillChain(c);
  SeenWindow(c);
}

void IntrusionSet(Checker& c) {
  Name(c);
  Aliases(c);
  SeenWindow(c);
}

void Location(Checker& c) {
  const json::value* lat = c.Get("latitude");
  const json::value* lon = c.Get("longitude");
  if (lat) ExpectNumber(c, Prop("latitude"), *lat, -90.0, 90.0);
  if (lon) ExpectNumber(c, Prop("longitude"), *lon, -180.0, 180.0);
  if ((lat != nullptr) != (lon != nullptr)) {
    c.Report(Prop(lat ? "longitude" : "latitude"), "latitude-longitude",
             "latitude and longitude must be given together");
  }
  if (const json::value* v = c.Get("precision")) {
    ExpectNumber(c, Prop("precision"), *v, 0.0, std::numeric_limits<double>::max());
    if (!lat || !lon) {
      c.Report(Prop("precision"), "precision-without-coordinates",
               "precision requires latitude and longitude");
    }
  }
  if (!c.Get("region") && !c.Get("country") && !(lat && lon)) {
    c.Report(Prop(""), "at-least-one",
             "a location needs region, country, or latitude and longitude");
  }
}

void Malware(Checker& c) {
  const json::value* is_family = c.Require("is_family");
  if (is_family && ExpectBool(c, Prop("is_family"), *is_family) && is_family->get_bool()) {
    if (!c.Get("name")) {
      c.Report(Prop("name"), "required-property", "name is required when is_family is true");
    }
  }
  if (const json::value* v = c.Get("name")) ExpectString(c, Prop("name"), *v);
  Aliases(c);
  KillChain(c);
  SeenWindow(c);
}

void MalwareAnalysis(Checker& c) {
  if (const json::value* v = c.Require("product")) ExpectString(c, Prop("product"), *v);
  RequireOneOf(c, {"result", "analysis_sco_refs"});
  TimestampProperty(c, "submitted", false);
  TimestampProperty(c, "analysis_started", false);
  TimestampProperty(c, "analysis_ended", false);
  CheckOrder(c, "analysis_started", "analysis_ended", false, "analysis-ended-before-started");
}

void Note(Checker& c) {
  if (const json::value* v = c.Require("content")) ExpectString(c, Prop("content"), *v);
  if (const json::value* v = c.Get("authors")) ExpectStringList(c, Prop("authors"), *v);
  ObjectRefs(c);
}

// One reference inside the deprecated `objects` container: a key of the container whose
// object has an allowed type.
void CheckEmbeddedRef(Checker& c, const Path& p, const json::value& v, const json::object& dict,
                      RefTargets targets) {
  const json::string* key = ExpectString(c, p, v);
  if (!key) return;
  const json::value* target = dict.if_contains(*key);
  if (!target) {
    c.Report(p, "observable-ref-unresolved",
             "\"" + std::string(*key) + "\" is not a key of this observed-data's objects");
    return;
  }
  if (targets.empty() || !target->is_object()) return;
  const json::value* type = target->get_object().if_contains("type");
  if (!type || !type->is_string()) return;
  const std::string_view t(type->get_string());
  for (std::string_view allowed : targets) {
    if (allowed == t || (allowed == "*sco" && IsScoType(t))) return;
  }
  c.Report(p, "ref-type", "refers to a " + std::string(t) + " object, which is not allowed here");
}

// The deprecated observable container: each entry is an object with a type, and its
// references name other entries of the same container.
void CheckEmbeddedObservables(Checker& c, const json::object& dict) {
  const Path p = Prop("objects");
  for (const auto& [key, value] : dict) {
    const Path kp = p.Key(key);
    const json::object* entry = ExpectObject(c, kp, value);
    if (!entry) continue;
    const json::value* type = entry->if_contains("type");
    if (!type) {
      c.Report(kp.Key("type"), "required-property", "an embedded observable has a type");
      continue;
    }
    if (!ExpectString(c, kp.Key("type"), *type)) continue;
    const TypeInfo* info = FindType(std::string_view(type->get_string()));
    // The observable's own values (addresses, hashes, timestamps, enumerations...), as the
    // reference validator checks each container entry against its type.
    if (info && info->category == Category::kSco) {
      Checker embedded(*entry, c, kp);
      info->validate(embedded);
    }
    for (const auto& [pk, pv] : *entry) {
      const std::string_view name(pk);
      const bool one = name.ends_with("_ref");
      const bool many = name.ends_with("_refs");
      if ((!one && !many) || name.starts_with("x_")) continue;
      RefTargets targets;
      if (info) {
        for (const RefRule& r : info->refs) {
          if (r.property == name) targets = r.targets;
        }
      }
      if (one) {
        CheckEmbeddedRef(c, kp.Key(pk), pv, dict, targets);
      } else if (const json::array* list = ExpectList(c, kp.Key(pk), pv)) {
        for (size_t i = 0; i < list->size(); ++i) {
          CheckEmbeddedRef(c, kp.Key(pk).At(i), (*list)[i], dict, targets);
        }
      }
    }
  }
}

void ObservedData(Checker& c) {
  TimestampProperty(c, "first_observed", true);
  TimestampProperty(c, "last_observed", true);
  CheckOrder(c, "first_observed", "last_observed", false, "last-observed-before-first-observed");
  if (const json::value* v = c.Require("number_observed")) {
    ExpectInteger(c, Prop("number_observed"), *v, 1, 999'999'999);
  }
  const json::value* objects = c.Get("objects");
  const json::value* refs = c.Get("object_refs");
  ForbidRefCategories(c, "object_refs",
                      {Category::kSdo, Category::kMarkingDefinition, Category::kLanguageContent,
                       Category::kExtensionDefinition},
                      "an SCO or SRO");
  if ((objects != nullptr) == (refs != nullptr)) {
    c.Report(Prop(objects ? "object_refs" : "objects"), "objects-xor-object-refs",
             "observed-data has exactly one of objects or object_refs");
  }
  if (objects) {
    const json::object* dict = ExpectObject(c, Prop("objects"), *objects);
    if (dict && dict->empty()) {
      c.Report(Prop("objects"), "empty-dictionary", "must hold at least one object");
    } else if (dict) {
      CheckEmbeddedObservables(c, *dict);
    }
  }
}

void Opinion(Checker& c) {
  if (const json::value* v = c.Require("opinion")) ExpectEnum(c, Prop("opinion"), *v, kOpinionEnum);
  ObjectRefs(c);
}

void ReportObject(Checker& c) {
  Name(c);
  TimestampProperty(c, "published", true);
  ObjectRefs(c);
}

void ThreatActor(Checker& c) {
  Name(c);
  Aliases(c);
  SeenWindow(c);
}

void Tool(Checker& c) {
  Name(c);
  Aliases(c);
  KillChain(c);
}

void Vulnerability(Checker& c) { Name(c); }

constexpr RefRule kMalwareRefs[] = {
    {"sample_refs", kFileOrArtifact},
    {"operating_system_refs", kSoftware},
};
constexpr RefRule kMalwareAnalysisRefs[] = {
    {"host_vm_ref", kSoftware},
    {"operating_system_ref", kSoftware},
    {"installed_software_refs", kSoftware},
    {"analysis_sco_refs", kAnyObservable},
    {"sample_ref", kSampleTargets},
};

constexpr TypeInfo kSdoTypes[] = {
    {"attack-pattern", Category::kSdo, AttackPattern, {}},
    {"campaign", Category::kSdo, Campaign, {}},
    {"course-of-action", Category::kSdo, CourseOfAction, {}},
    {"grouping", Category::kSdo, Grouping, {}},
    {"identity", Category::kSdo, Identity, {}},
    {"incident", Category::kSdo, Incident, {}},
    {"indicator", Category::kSdo, Indicator, {}},
    {"infrastructure", Category::kSdo, Infrastructure, {}},
    {"intrusion-set", Category::kSdo, IntrusionSet, {}},
    {"location", Category::kSdo, Location, {}},
    {"malware", Category::kSdo, Malware, kMalwareRefs},
    {"malware-analysis", Category::kSdo, MalwareAnalysis, kMalwareAnalysisRefs},
    {"note", Category::kSdo, Note, {}},
    {"observed-data", Category::kSdo, ObservedData, {}},
    {"opinion", Category::kSdo, Opinion, {}},
    {"report", Category::kSdo, ReportObject, {}},
    {"threat-actor", Category::kSdo, ThreatActor, {}},
    {"tool", Category::kSdo, Tool, {}},
    {"vulnerability", Category::kSdo, Vulnerability, {}},
};

}  // namespace

std::span<const TypeInfo> SdoTypes() { return kSdoTypes; }

}  // namespace entente::stix::detail
