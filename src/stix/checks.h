// Internal to stix/: the machinery the per-type validators share.
//
// A Checker walks one object and appends Findings; a Path names a property inside the
// object without allocating (it is rendered to text only when a Finding is made). The
// Expect* helpers check one JSON value against a STIX property type and report a Finding
// when it does not conform. A Checker and the Paths built on it live on the stack of one
// ValidateObject call; nothing here is shared between threads.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/timestamp.h"
#include "stix/stix.h"

namespace entente::stix::detail {

namespace json = boost::json;

// A property path inside an object: a chain of keys and list indexes that lives on the
// stack. Build children with Key()/At() and pass them down; never store a Path.
struct Path {
  static constexpr size_t kNoIndex = static_cast<size_t>(-1);
  const Path* parent = nullptr;
  std::string_view key;
  size_t index = kNoIndex;

  Path Key(std::string_view k) const { return Path{this, k, kNoIndex}; }
  Path At(size_t i) const { return Path{this, {}, i}; }
  // "external_references[0].source_name"
  std::string Render() const;
};

inline Path Prop(std::string_view name) { return Path{nullptr, name, Path::kNoIndex}; }

// The allowed target types of a reference property; empty means any type. The special
// entry "*sco" admits any known cyber-observable type.
using RefTargets = std::span<const std::string_view>;

class Checker {
 public:
  Checker(const json::object& obj, const ValidateOptions& options, std::vector<Finding>& out);
  // A Checker for an object embedded in the one `parent` checks (an observable in the
  // deprecated `objects` container at `base`): its Findings carry the parent's id and
  // paths below `base`.
  Checker(const json::object& obj, const Checker& parent, const Path& base);

  const json::object& obj() const { return obj_; }
  const ValidateOptions& options() const { return options_; }
  std::string_view type() const { return type_; }
  std::string_view id() const { return id_; }
  // True for an object embedded in another (its references are container keys).
  bool embedded() const { return base_ != nullptr; }

  void Report(const Path& path, std::string_view rule, std::string message);

  // The top-level property, or nullptr.
  const json::value* Get(std::string_view name) const { return obj_.if_contains(name); }
  // As Get(), but reports "required-property" when the property is absent.
  const json::value* Require(std::string_view name);

 private:
  const json::object& obj_;
  const ValidateOptions& options_;
  std::string_view type_;
  std::string_view id_;
  std::vector<Finding>& out_;
  const Path* base_ = nullptr;
};

// Each helper reports its own Finding (rule names in parentheses) and returns what it
// could read, so that callers can go on with cross-property rules.
const json::string* ExpectString(Checker& c, const Path& p, const json::value& v);  // type-string
bool ExpectBool(Checker& c, const Path& p, const json::value& v);                   // type-boolean
std::optional<int64_t> ExpectInteger(Checker& c, const Path& p, const json::value& v, int64_t min,
                                     int64_t max);  // type-integer, range
std::optional<double> ExpectNumber(Checker& c, const Path& p, const json::value& v, double min,
                                   double max);  // type-number, range
// timestamp-format; timestamp-precision when fewer than `min_fraction_digits`.
std::optional<Timestamp> ExpectTimestamp(Checker& c, const Path& p, const json::value& v,
                                         int min_fraction_digits = 0);
const json::object* ExpectObject(Checker& c, const Path& p, const json::value& v);  // type-object
// A non-empty list (type-list, empty-list).
const json::array* ExpectList(Checker& c, const Path& p, const json::value& v);
void ExpectStringList(Checker& c, const Path& p, const json::value& v);
// An identifier (identifier-format, identifier-uuid) whose type is allowed (ref-type).
// A reference (`is_reference`, the default; false for an object's own id) never points at
// a bundle, which is not a STIX Object (ref-type).
bool ExpectIdentifier(Checker& c, const Path& p, const json::value& v, RefTargets targets,
                      bool is_reference = true);
void ExpectIdentifierList(Checker& c, const Path& p, const json::value& v, RefTargets targets);
// One of the values of a closed vocabulary (enum).
void ExpectEnum(Checker& c, const Path& p, const json::value& v,
                std::span<const std::string_view> values);
// A hashes dictionary (type-object, empty-dictionary, hash-key, hash-value): keys of 3-250
// characters of a-z A-Z 0-9 - _, values in the form their algorithm fixes (values.h).
void ExpectHashes(Checker& c, const Path& p, const json::value& v);
// An RFC 5646 language tag (type-string, language-tag).
void ExpectLanguageTag(Checker& c, const Path& p, const json::value& v);
// A property that must be a non-negative integer when present inside `obj`.
void NonNegativeIn(Checker& c, const Path& p, const json::object& obj, std::string_view name);
// A list of kill-chain-phase (required-property on kill_chain_name / phase_name).
void ExpectKillChainPhases(Checker& c, const Path& p, const json::value& v);

// The binary type (base64, RFC 4648, padded) and the hex type (an even number of hex digits).
bool IsBase64(std::string_view s);
bool IsHexBinary(std::string_view s);

// Top-level conveniences.
void RequireAll(Checker& c, std::initializer_list<std::string_view> names);
std::optional<Timestamp> TimestampProperty(Checker& c, std::string_view name, bool required);
// Reports `rule` when both timestamps are present and `later` is before `earlier`
// (or equal to it, when `strict`).
void CheckOrder(Checker& c, std::string_view earlier, std::string_view later, bool strict,
                std::string_view rule);
// Reports "at-least-one" when none of `names` is present.
void RequireOneOf(Checker& c, std::initializer_list<std::string_view> names);
// Reports "mutually-exclusive" when both are present.
void ForbidBoth(Checker& c, std::string_view a, std::string_view b);

// What kind of object a type is.
enum class Category {
  kSdo,
  kSro,
  kSco,
  kMarkingDefinition,
  kLanguageContent,
  kExtensionDefinition,
  kCustom,
};

struct RefRule {
  std::string_view property;
  RefTargets targets;
};

// One known object type: its category, its own rules, and the target types of its
// reference properties.
struct TypeInfo {
  std::string_view name;
  Category category;
  void (*validate)(Checker&);
  std::span<const RefRule> refs;
};

// The known types, by family (static tables).
std::span<const TypeInfo> SdoTypes();
std::span<const TypeInfo> SroTypes();
std::span<const TypeInfo> ScoTypes();
std::span<const TypeInfo> MetaTypes();
// Lookup among all known types; nullptr for custom types. Built once.
const TypeInfo* FindType(std::string_view type);
bool IsScoType(std::string_view type);

// Reports "ref-type" for each identifier in the top-level reference property `property`
// (one id or a list) whose type is a known type of a category in `forbidden`; custom types
// pass. `expected` completes "must refer to ...".
void ForbidRefCategories(Checker& c, std::string_view property,
                         std::initializer_list<Category> forbidden, std::string_view expected);
// The category of a known type; kCustom otherwise.
Category CategoryOf(std::string_view type);

// The contents of a predefined SCO extension (section 6) named `name`: its enumerations,
// timestamps, hashes and non-negative sizes (sco_extensions.cc).
void CheckPredefinedExtensionBody(Checker& c, const Path& p, std::string_view name,
                                  const json::object& ext);

// Reports "uuid-version" when none of `contributing` is present and the id's UUID is not
// version 4 (section 2.9: "If the contributing properties are all optional, and none are
// present on the SCO, then a UUIDv4 MUST be used").
void RequireUuid4WithoutContributing(Checker& c,
                                     std::initializer_list<std::string_view> contributing);

// The common properties of the object's category, property names, and the generic
// `_ref` / `_refs` rule (common_properties.cc).
void CheckCommonProperties(Checker& c, const TypeInfo* info);

}  // namespace entente::stix::detail
