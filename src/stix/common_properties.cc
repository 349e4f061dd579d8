// The common properties of STIX 2.1 objects (spec section 3), the property-name rule, the
// generic rule that `*_ref` / `*_refs` properties hold identifiers, external references,
// granular markings and extensions.
#include <optional>
#include <string>

#include "stix/checks.h"
#include "stix/identifiers.h"
#include "stix/values.h"

namespace entente::stix::detail {
namespace {

constexpr std::string_view kIdentity[] = {"identity"};
constexpr std::string_view kMarkingDefinition[] = {"marking-definition"};

// Target types of reference properties common to every type.
constexpr RefRule kCommonRefs[] = {
    {"created_by_ref", kIdentity},
    {"object_marking_refs", kMarkingDefinition},
};

RefTargets TargetsOf(const TypeInfo* info, std::string_view property) {
  for (const RefRule& r : kCommonRefs) {
    if (r.property == property) return r.targets;
  }
  if (info) {
    for (const RefRule& r : info->refs) {
      if (r.property == property) return r.targets;
    }
  }
  return {};
}

// Compares from the last character, which tells most property names apart at once (this
// runs several times for every property of every object).
inline bool EndsWith(std::string_view s, std::string_view suffix) {
  if (s.size() < suffix.size()) return false;
  for (size_t i = 1; i <= suffix.size(); ++i) {
    if (s[s.size() - i] != suffix[suffix.size() - i]) return false;
  }
  return true;
}

// Properties of the hex type end in _hex and those of the binary type in _bin.
void CheckEncodedValue(Checker& c, const Path& p, std::string_view name, const json::value& v) {
  if (EndsWith(name, "_hex") && !(v.is_string() && IsHexBinary(v.get_string()))) {
    c.Report(p, "hex-format", "a _hex property holds an even number of hex digits");
  } else if (EndsWith(name, "_bin") && !(v.is_string() && IsBase64(v.get_string()))) {
    c.Report(p, "binary-format", "a _bin property holds base64");
  }
}

// Sections 4.1 and 4.19: "When specifying a CAPEC ID, the source_name property ... MUST be
// set to capec and the external_id property MUST be formatted as CAPEC-[id]"; for a CVE ID
// source_name "MUST be set to cve" and external_id "MUST be the exact CVE identifier".
// So an external_id that is such an identifier comes with that source_name, and those
// source_names come with such an identifier (as the reference validator holds, on every
// object).
void CheckWellKnownSource(Checker& c, const Path& ip, const json::object& ref) {
  const json::value* source = ref.if_contains("source_name");
  if (!source || !source->is_string()) return;
  const std::string_view name(source->get_string());
  const json::value* id = ref.if_contains("external_id");
  const bool cve = name == "cve";
  if (!cve && name != "capec") {
    if (!id || !id->is_string()) return;
    const std::string_view value(id->get_string());
    const bool is_cve = IsCveId(value);
    if (is_cve || IsCapecId(value)) {
      c.Report(ip.Key("source_name"), "external-id-source",
               std::string("an external_id that is a ") + (is_cve ? "CVE" : "CAPEC") +
                   " identifier is given with source_name \"" + (is_cve ? "cve" : "capec") +
                   "\" (section " + (is_cve ? "4.19" : "4.1") + "); got \"" +
                   std::string(name.substr(0, 120)) + "\"");
    }
    return;
  }
  if (!id) {
    c.Report(ip.Key("external_id"), "required-property",
             "an external reference whose source_name is \"" + std::string(name) +
                 "\" carries the identifier in external_id");
    return;
  }
  if (!id->is_string()) return;  // type-string is reported above
  const std::string_view value(id->get_string());
  if (IsKeyedHashPseudonym(value)) return;
  if (cve ? !IsCveId(value) : !IsCapecId(value)) {
    c.Report(ip.Key("external_id"), "external-id-format",
             cve ? "a cve external_id is a CVE identifier CVE-YYYY-NNNN (section 4.19); got \"" +
                       std::string(value.substr(0, 120)) + "\""
                 : "a capec external_id is CAPEC-[id] (section 4.1); got \"" +
                       std::string(value.substr(0, 120)) + "\"");
  }
}

void CheckExternalReferences(Checker& c, const json::value& v) {
  const Path p = Prop("external_references");
  const json::array* list = ExpectList(c, p, v);
  if (!list) return;
  for (size_t i = 0; i < list->size(); ++i) {
    const Path ip = p.At(i);
    const json::object* ref = ExpectObject(c, ip, (*list)[i]);
    if (!ref) continue;
    if (const json::value* s = ref->if_contains("source_name")) {
      ExpectString(c, ip.Key("source_name"), *s);
    } else {
      c.Report(ip.Key("source_name"), "required-property",
               "source_name is required in an external reference");
    }
    for (std::string_view name : {std::string_view("description"), std::string_view("url"),
                                  std::string_view("external_id")}) {
      if (const json::value* f = ref->if_contains(name)) ExpectString(c, ip.Key(name), *f);
    }
    if (!ref->contains("description") && !ref->contains("url") && !ref->contains("external_id")) {
      c.Report(ip, "external-reference",
               "an external reference needs at least one of description, url or external_id");
    }
    if (const json::value* h = ref->if_contains("hashes")) ExpectHashes(c, ip.Key("hashes"), *h);
    CheckWellKnownSource(c, ip, *ref);
  }
}

// Follows a granular-marking selector ("description", "kill_chain_phases.[0].phase_name")
// through the object; false when a step does not exist.
bool SelectorResolves(const json::object& obj, std::string_view selector) {
  const json::value* current = nullptr;
  const json::object* as_object = &obj;
  size_t pos = 0;
  while (pos <= selector.size()) {
    size_t dot = selector.find('.', pos);
    if (dot == std::string_view::npos) dot = selector.size();
    const std::string_view step = selector.substr(pos, dot - pos);
    if (step.empty()) return false;
    if (step.front() == '[') {
      if (step.size() < 3 || step.back() != ']') return false;
      if (!current || !current->is_array()) return false;
      size_t index = 0;
      for (char ch : step.substr(1, step.size() - 2)) {
        if (ch < '0' || ch > '9') return false;
        index = index * 10 + static_cast<size_t>(ch - '0');
        if (index > 1'000'000'000) return false;
      }
      const json::array& arr = current->get_array();
      if (index >= arr.size()) return false;
      current = &arr[index];
    } else {
      if (current) as_object = current->is_object() ? &current->get_object() : nullptr;
      if (!as_object) return false;
      current = as_object->if_contains(step);
      if (!current) return false;
    }
    pos = dot + 1;
  }
  return true;
}

void CheckGranularMarkings(Checker& c, const json::value& v) {
  const Path p = Prop("granular_markings");
  const json::array* list = ExpectList(c, p, v);
  if (!list) return;
  for (size_t i = 0; i < list->size(); ++i) {
    const Path ip = p.At(i);
    const json::object* gm = ExpectObject(c, ip, (*list)[i]);
    if (!gm) continue;
    const json::value* ref = gm->if_contains("marking_ref");
    const json::value* lang = gm->if_contains("lang");
    if ((ref != nullptr) == (lang != nullptr)) {
      c.Report(ip, "granular-marking", "a granular marking has exactly one of marking_ref or lang");
    }
    if (ref) ExpectIdentifier(c, ip.Key("marking_ref"), *ref, kMarkingDefinition);
    if (lang) ExpectLanguageTag(c, ip.Key("lang"), *lang);
    const json::value* selectors = gm->if_contains("selectors");
    if (!selectors) {
      c.Report(ip.Key("selectors"), "required-property",
               "selectors is required in a granular marking");
      continue;
    }
    const Path sp = ip.Key("selectors");
    const json::array* sel = ExpectList(c, sp, *selectors);
    if (!sel) continue;
    for (size_t j = 0; j < sel->size(); ++j) {
      const json::string* s = ExpectString(c, sp.At(j), (*sel)[j]);
      if (s && !SelectorResolves(c.obj(), *s)) {
        c.Report(sp.At(j), "granular-selector",
                 "selector \"" + std::string(*s) +
                     "\" does not name a property or list item of this object");
      }
    }
  }
}

// A marking definition must not mark itself (object or granular markings).
void CheckNoSelfMarking(Checker& c) {
  if (c.id().empty()) return;
  if (const json::value* v = c.Get("object_marking_refs"); v && v->is_array()) {
    const json::array& refs = v->get_array();
    for (size_t i = 0; i < refs.size(); ++i) {
      if (refs[i].is_string() && refs[i].get_string() == c.id()) {
        c.Report(Prop("object_marking_refs").At(i), "marking-self-reference",
                 "a marking definition must not mark itself");
      }
    }
  }
  if (const json::value* v = c.Get("granular_markings"); v && v->is_array()) {
    const json::array& gms = v->get_array();
    for (size_t i = 0; i < gms.size(); ++i) {
      const json::value* ref =
          gms[i].is_object() ? gms[i].get_object().if_contains("marking_ref") : nullptr;
      if (ref && ref->is_string() && ref->get_string() == c.id()) {
        c.Report(Prop("granular_markings").At(i).Key("marking_ref"), "marking-self-reference",
                 "a marking definition must not mark itself");
      }
    }
  }
}

constexpr std::string_view kArtifact[] = {"artifact"};
constexpr std::string_view kFile[] = {"file"};
constexpr std::string_view kFileOrDirectory[] = {"file", "directory"};

// The extensions predefined by the specification (section 6): the object type they extend,
// their required properties (empty: at least one property) and their reference targets.
struct PredefinedExtension {
  std::string_view name;
  std::string_view object_type;
  std::span<const std::string_view> required;
  std::string_view ref_property;
  RefTargets ref_targets;
};

constexpr std::string_view kArchiveRequired[] = {"contains_refs"};
constexpr std::string_view kHttpRequired[] = {"request_method", "request_value"};
constexpr std::string_view kIcmpRequired[] = {"icmp_type_hex", "icmp_code_hex"};
constexpr std::string_view kSocketRequired[] = {"address_family"};
constexpr std::string_view kPeRequired[] = {"pe_type"};

constexpr PredefinedExtension kPredefinedExtensions[] = {
    {"archive-ext", "file", kArchiveRequired, "contains_refs", kFileOrDirectory},
    {"ntfs-ext", "file", {}, "", {}},
    {"pdf-ext", "file", {}, "", {}},
    {"raster-image-ext", "file", {}, "", {}},
    {"windows-pebinary-ext", "file", kPeRequired, "", {}},
    {"http-request-ext", "network-traffic", kHttpRequired, "message_body_data_ref", kArtifact},
    {"icmp-ext", "network-traffic", kIcmpRequired, "", {}},
    {"socket-ext", "network-traffic", kSocketRequired, "", {}},
    {"tcp-ext", "network-traffic", {}, "", {}},
    {"unix-account-ext", "user-account", {}, "", {}},
    {"windows-process-ext", "process", {}, "", {}},
    {"windows-service-ext", "process", {}, "service_dll_refs", kFile},
};

const PredefinedExtension* FindPredefined(std::string_view name) {
  for (const PredefinedExtension& e : kPredefinedExtensions) {
    if (e.name == name) return &e;
  }
  return nullptr;
}

void CheckPredefinedExtension(Checker& c, const Path& p, const PredefinedExtension& e,
                              const json::object& ext) {
  if (c.type() != e.object_type) {
    c.Report(p, "extension-object-type",
             std::string(e.name) + " extends " + std::string(e.object_type) + " objects only");
  }
  for (std::string_view name : e.required) {
    if (!ext.contains(name)) {
      c.Report(p.Key(name), "required-property",
               std::string(name) + " is required in " + std::string(e.name));
    }
  }
  CheckPredefinedExtensionBody(c, p, e.name, ext);
  if (!e.ref_property.empty()) {
    if (const json::value* v = ext.if_contains(e.ref_property)) {
      if (EndsWith(e.ref_property, "_refs")) {
        ExpectIdentifierList(c, p.Key(e.ref_property), *v, e.ref_targets);
      } else {
        ExpectIdentifier(c, p.Key(e.ref_property), *v, e.ref_targets);
      }
    }
  }
}

constexpr std::string_view kExtensionTypes[] = {
    "new-sdo", "new-sco", "new-sro", "property-extension", "toplevel-property-extension"};

// What the extensions of an object declare about the object itself.
struct ExtensionFacts {
  bool new_sdo_or_sro = false;  // an extension_type of new-sdo or new-sro
  bool new_sco = false;
};

// Section 7.3: the extension facility adds types and properties; it "MUST NOT be used to
// redefine existing standardized objects", so an object of a specification-defined type
// cannot carry a new-sdo / new-sco / new-sro extension.
void CheckExtensionType(Checker& c, const Path& p, const json::value& v, bool known_type,
                        ExtensionFacts& facts) {
  ExpectEnum(c, p, v, kExtensionTypes);
  if (!v.is_string()) return;
  const std::string_view t(v.get_string());
  const bool new_object = t == "new-sdo" || t == "new-sro" || t == "new-sco";
  if (!new_object) return;
  (t == "new-sco" ? facts.new_sco : facts.new_sdo_or_sro) = true;
  if (known_type) {
    c.Report(p, "extension-type",
             "a " + std::string(t) + " extension defines a new object type; " +
                 std::string(c.type()) +
                 " is defined by the specification and must not be redefined (section 7.3)");
  }
}

ExtensionFacts CheckExtensions(Checker& c, const json::value& v, bool known_type) {
  ExtensionFacts facts;
  const Path p = Prop("extensions");
  const json::object* exts = ExpectObject(c, p, v);
  if (!exts) return facts;
  if (exts->empty()) {
    c.Report(p, "empty-dictionary", "must not be an empty dictionary (omit it instead)");
    return facts;
  }
  for (const auto& [key, value] : *exts) {
    const Path kp = p.Key(key);
    const std::string_view name(key);
    const bool definition_ref = name.starts_with("extension-definition--");
    if (definition_ref) {
      if (CheckIdentifier(name) != IdProblem::kOk) {
        c.Report(kp, "extension-name",
                 "an extension key must be extension-definition--<RFC 4122 UUID>");
      }
    } else if (!EndsWith(name, "-ext") || !IsValidTypeName(name)) {
      c.Report(kp, "extension-name",
               "an extension key is an extension-definition id or a predefined name ending "
               "in -ext");
    }
    const json::object* ext = ExpectObject(c, kp, value);
    if (!ext) continue;
    if (ext->empty()) {
      c.Report(kp, "empty-dictionary", "an extension holds at least one property");
      continue;
    }
    const PredefinedExtension* predefined = definition_ref ? nullptr : FindPredefined(name);
    if (predefined) CheckPredefinedExtension(c, kp, *predefined, *ext);
    if (const json::value* et = ext->if_contains("extension_type")) {
      CheckExtensionType(c, kp.Key("extension_type"), *et, known_type, facts);
    } else if (definition_ref) {
      c.Report(kp.Key("extension_type"), "required-property",
               "an extension defined by an extension-definition carries extension_type "
               "(sections 3.2 and 7.3)");
    }
    for (const auto& [ek, ev] : *ext) {
      const std::string_view en(ek);
      if (!IsValidPropertyName(en) || en == "id") {
        c.Report(kp.Key(ek), "property-name",
                 "extension property names are 3-250 characters of a-z, 0-9 and '_', "
                 "beginning with a letter (section 7.3.2)");
      }
      CheckEncodedValue(c, kp.Key(ek), en, ev);
      if (predefined && en == predefined->ref_property) continue;
      if (en.starts_with("x_")) continue;
      if (EndsWith(en, "_ref")) {
        ExpectIdentifier(c, kp.Key(ek), ev, {});
      } else if (EndsWith(en, "_refs")) {
        ExpectIdentifierList(c, kp.Key(ek), ev, {});
      }
    }
  }
  return facts;
}

// The common properties of an object, found in one pass over its members (lookups of
// absent keys would each scan the whole object).
struct CommonProperties {
  const json::value* id = nullptr;
  const json::value* spec_version = nullptr;
  const json::value* created = nullptr;
  const json::value* modified = nullptr;
  const json::value* created_by_ref = nullptr;
  const json::value* revoked = nullptr;
  const json::value* labels = nullptr;
  const json::value* confidence = nullptr;
  const json::value* lang = nullptr;
  const json::value* external_references = nullptr;
  const json::value* granular_markings = nullptr;
  const json::value* extensions = nullptr;
  const json::value* defanged = nullptr;

  void Note(std::string_view name, const json::value* v) {
    switch (name.size()) {
      case 2:
        if (name == "id") id = v;
        break;
      case 4:
        if (name == "lang") lang = v;
        break;
      case 6:
        if (name == "labels") labels = v;
        break;
      case 7:
        if (name == "created") created = v;
        if (name == "revoked") revoked = v;
        break;
      case 8:
        if (name == "modified") modified = v;
        if (name == "defanged") defanged = v;
        break;
      case 10:
        if (name == "confidence") confidence = v;
        if (name == "extensions") extensions = v;
        break;
      case 12:
        if (name == "spec_version") spec_version = v;
        break;
      case 14:
        if (name == "created_by_ref") created_by_ref = v;
        break;
      case 17:
        if (name == "granular_markings") granular_markings = v;
        break;
      case 19:
        if (name == "external_references") external_references = v;
        break;
      default:
        break;
    }
  }
};

// Section 3.8 reserves these names on every object ("phone_numbers" is the spelling the
// technical committee's JSON schemas and the reference validator refuse; section 3.8
// prints "phone_number"; both are refused).
bool IsReservedName(std::string_view name) {
  switch (name.size()) {
    case 6:
      return name == "action";
    case 8:
      return name == "severity" || name == "username";
    case 12:
      return name == "phone_number";
    case 13:
      return name == "phone_numbers";
    default:
      return false;
  }
}

// Section 3.1: an `_enc` property names the encoding of its sibling and "MUST NOT be
// present when the original property is not present"; section 3.9.1: on SCOs its value
// is the IANA character-set name (the Preferred MIME Name where one is defined).
void CheckEncoding(Checker& c, const TypeInfo* info, std::string_view name,
                   const json::value& value) {
  const std::string_view base = name.substr(0, name.size() - 4);
  if (!base.empty() && !c.obj().contains(base)) {
    c.Report(Prop(name), "encoding-without-property",
             std::string(name) + " must not be present without " + std::string(base));
  }
  if (!info || info->category != Category::kSco || !value.is_string()) return;
  if (!IsIanaCharsetName(value.get_string()) && !IsKeyedHashPseudonym(value.get_string())) {
    c.Report(Prop(name), "charset",
             "must be a character-set name from the IANA registry (its Preferred MIME Name "
             "where one is defined, e.g. UTF-8, ISO-8859-1, windows-1252); got \"" +
                 std::string(std::string_view(value.get_string()).substr(0, 120)) + "\"");
  }
}

// Property names, values no STIX property may have, and the generic reference rule.
void CheckMember(Checker& c, const TypeInfo* info, std::string_view name,
                 const json::value& value) {
  if (!IsValidPropertyName(name)) {
    c.Report(Prop(name), "property-name",
             "property names are 3-250 characters of a-z, 0-9 and '_', beginning with a letter "
             "(section 3.1)");
  }
  if (IsReservedName(name)) {
    c.Report(Prop(name), "reserved-property",
             std::string(name) +
                 " is a reserved property name and must not be present in STIX 2.1 content "
                 "(section 3.8)");
  }
  if (EndsWith(name, "_enc")) CheckEncoding(c, info, name, value);
  if (value.is_null()) {
    c.Report(Prop(name), "null-value", "STIX has no null values; omit the property instead");
    return;
  }
  if (value.is_array() && value.get_array().empty()) {
    c.Report(Prop(name), "empty-list", "must not be an empty list (omit the property instead)");
    return;
  }
  CheckEncodedValue(c, Prop(name), name, value);
  // Custom "x_" properties are left alone: the specification makes embedded references
  // end in _ref/_refs, not every such name a reference (ATT&CK ships
  // "x_mitre_data_source_ref": "").
  if (name.starts_with("x_")) return;
  if (EndsWith(name, "_ref")) {
    ExpectIdentifier(c, Prop(name), value, TargetsOf(info, name));
  } else if (EndsWith(name, "_refs")) {
    ExpectIdentifierList(c, Prop(name), value, TargetsOf(info, name));
  }
}

const json::value* Required(Checker& c, const json::value* v, std::string_view name) {
  if (!v) {
    c.Report(Prop(name), "required-property",
             std::string(name) + " is required on " + std::string(c.type()) + " objects");
  }
  return v;
}

}  // namespace

void CheckCommonProperties(Checker& c, const TypeInfo* info) {
  const Category category = info ? info->category : Category::kCustom;
  const std::string_view type = c.type();
  if (!IsValidTypeName(type)) {
    c.Report(Prop("type"), "type-name",
             "a type name is 3-250 characters of a-z, 0-9 and '-', beginning with a letter, "
             "without \"--\" (sections 3.1 and 11.2)");
  }

  CommonProperties common;
  for (const auto& [key, value] : c.obj()) {
    const std::string_view name(key);
    common.Note(name, &value);
    CheckMember(c, info, name, value);
  }

  // id: type--UUID with the object's own type.
  if (const json::value* id = Required(c, common.id, "id")) {
    if (ExpectIdentifier(c, Prop("id"), *id, {}, false)) {
      const std::string_view s(id->get_string());
      if (s.substr(0, s.find("--")) != type) {
        c.Report(Prop("id"), "id-type-mismatch",
                 "the id must start with the object's type \"" + std::string(type) + "--\"");
      }
    }
  }

  ExtensionFacts facts;
  if (common.extensions) facts = CheckExtensions(c, *common.extensions, info != nullptr);

  const bool sco = category == Category::kSco;
  const bool custom = category == Category::kCustom;
  // A custom object is an SDO or SRO when it says so through an extension, or when it
  // carries the timestamps only those have; it then has their common properties
  // (sections 7.3 and 11.2: custom objects "MUST support the Common Properties").
  const bool custom_sdo =
      custom && !facts.new_sco && (facts.new_sdo_or_sro || common.created || common.modified);
  const bool versioned = (!sco && !custom) || custom_sdo;

  const json::value* spec_version =
      versioned ? Required(c, common.spec_version, "spec_version") : common.spec_version;
  if (spec_version) {
    const json::string* s = ExpectString(c, Prop("spec_version"), *spec_version);
    if (s && *s != "2.1") {
      c.Report(Prop("spec_version"), "spec-version",
               "must be \"2.1\" for STIX 2.1 content, not \"" + std::string(*s) + "\"");
    }
  }

  if (!sco) {
    const bool has_modified = category != Category::kMarkingDefinition;
    const json::value* created =
        versioned ? Required(c, common.created, "created") : common.created;
    const json::value* modified =
        versioned && has_modified ? Required(c, common.modified, "modified") : common.modified;
    std::optional<Timestamp> created_ts;
    std::optional<Timestamp> modified_ts;
    if (created) created_ts = ExpectTimestamp(c, Prop("created"), *created, 3);
    if (modified) modified_ts = ExpectTimestamp(c, Prop("modified"), *modified, 3);
    if (created_ts && modified_ts && modified_ts->micros < created_ts->micros) {
      c.Report(Prop("modified"), "modified-before-created",
               "modified must be later than or equal to created");
    }

    if (category == Category::kExtensionDefinition) {
      Required(c, common.created_by_ref, "created_by_ref");
    }
    if (common.revoked) ExpectBool(c, Prop("revoked"), *common.revoked);
    if (common.labels) ExpectStringList(c, Prop("labels"), *common.labels);
    if (common.confidence) ExpectInteger(c, Prop("confidence"), *common.confidence, 0, 100);
    if (common.external_references) CheckExternalReferences(c, *common.external_references);
  }
  // Section 3.2: lang, "when present, it MUST be a language code conformant to RFC 5646"
  // (checked on any object that carries it, as the reference validator does).
  if (common.lang) ExpectLanguageTag(c, Prop("lang"), *common.lang);
  if (common.defanged) {
    if (sco || (custom && !custom_sdo)) {
      ExpectBool(c, Prop("defanged"), *common.defanged);
    } else {
      c.Report(Prop("defanged"), "defanged-not-sco",
               "defanged must not be used on objects other than SCOs (section 3.2)");
    }
  }
  if (common.granular_markings) CheckGranularMarkings(c, *common.granular_markings);
  if (category == Category::kMarkingDefinition) CheckNoSelfMarking(c);
}

}  // namespace entente::stix::detail
