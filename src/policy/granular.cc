#include "policy/granular.h"

#include <algorithm>
#include <boost/json/array.hpp>
#include <boost/json/monotonic_resource.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <cctype>
#include <cstddef>
#include <optional>
#include <string_view>
#include <utility>

#include "stix/stix.h"

namespace entente::policy {
namespace json = boost::json;
namespace {

// One step of a selector: a property name, or a list index ("[3]").
struct Step {
  std::string key;
  std::optional<size_t> index;
  bool operator==(const Step&) const = default;
};
using StepPath = std::vector<Step>;

// "external_references.[1].url" -> {external_references, [1], url}; nullopt when it is
// not a selector (an empty step, a malformed index).
std::optional<StepPath> ParseSelector(std::string_view selector) {
  StepPath path;
  size_t pos = 0;
  while (pos <= selector.size()) {
    size_t dot = selector.find('.', pos);
    if (dot == std::string_view::npos) dot = selector.size();
    std::string_view step = selector.substr(pos, dot - pos);
    if (step.empty()) return std::nullopt;
    if (step.front() == '[') {
      if (step.size() < 3 || step.back() != ']') return std::nullopt;
      size_t index = 0;
      for (char ch : step.substr(1, step.size() - 2)) {
        if (ch < '0' || ch > '9' || index > 100'000'000) return std::nullopt;
        index = index * 10 + static_cast<size_t>(ch - '0');
      }
      path.push_back(Step{{}, index});
    } else {
      path.push_back(Step{std::string(step), std::nullopt});
    }
    pos = dot + 1;
  }
  return path;
}

std::string RenderSelector(const StepPath& path) {
  std::string out;
  for (const Step& s : path) {
    if (!out.empty()) out += '.';
    out += s.index ? "[" + std::to_string(*s.index) + "]" : s.key;
  }
  return out;
}

bool IsPrefix(const StepPath& prefix, const StepPath& path) {
  return prefix.size() <= path.size() && std::equal(prefix.begin(), prefix.end(), path.begin());
}

// Orders paths so that removing them one after another never moves a later one: deeper
// parts before the parts holding them, higher list indices before lower ones.
bool RemoveBefore(const StepPath& a, const StepPath& b) {
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
    if (a[i] == b[i]) continue;
    if (a[i].index && b[i].index) return *a[i].index > *b[i].index;
    if (a[i].index != b[i].index) return a[i].index.has_value();
    return a[i].key > b[i].key;
  }
  return a.size() > b.size();
}

// The value a path names inside `obj` (nullptr when it does not resolve).
json::value* Resolve(json::object& obj, const StepPath& path, size_t steps) {
  json::value* current = nullptr;
  for (size_t i = 0; i < steps; ++i) {
    const Step& s = path[i];
    if (s.index) {
      json::array* arr = current ? current->if_array() : nullptr;
      if (!arr || *s.index >= arr->size()) return nullptr;
      current = &(*arr)[*s.index];
    } else {
      json::object* o = current ? current->if_object() : &obj;
      if (!o) return nullptr;
      current = o->if_contains(s.key);
      if (!current) return nullptr;
    }
  }
  return current;
}

// Takes the part `path` names out of `obj`; a list left empty by it goes too, when a
// property holds it (STIX 2.1 prohibits empty lists). False when it was already gone.
bool Erase(json::object& obj, const StepPath& path) {
  if (path.empty()) return false;
  const Step& last = path.back();
  if (path.size() == 1) return !last.index && obj.erase(last.key) > 0;
  json::value* parent = Resolve(obj, path, path.size() - 1);
  if (!parent) return false;
  if (last.index) {
    json::array* arr = parent->if_array();
    if (!arr || *last.index >= arr->size()) return false;
    arr->erase(arr->begin() + static_cast<std::ptrdiff_t>(*last.index));
    if (arr->empty() && !path[path.size() - 2].index) {
      Erase(obj, StepPath(path.begin(), path.end() - 1));
    }
    return true;
  }
  json::object* o = parent->if_object();
  return o && o->erase(last.key) > 0;
}

// `path` as it reads once the list items in `removed` are gone: each index of a list an
// earlier item of which was removed moves down by one per such item.
StepPath Renumber(StepPath path, const std::vector<StepPath>& removed) {
  StepPath original = path;
  for (const StepPath& r : removed) {
    if (r.empty() || !r.back().index || r.size() > original.size()) continue;
    const size_t at = r.size() - 1;
    if (!std::equal(r.begin(), r.end() - 1, original.begin())) continue;
    if (original[at].index && *original[at].index > *r.back().index) --*path[at].index;
  }
  return path;
}

// Rewrites obj's granular_markings once the parts `gone` were taken out (the list items
// among them in `removed_items`): a selector of a part gone or inside one goes, the others
// are renumbered past the removed items, a selector left naming nothing (an emptied list)
// goes, and so do entries left without selectors and the list when it is left empty.
void KeepMarkingsOutside(json::object& obj, const std::vector<StepPath>& gone,
                         const std::vector<StepPath>& removed_items) {
  json::array kept;
  if (json::value* gm = obj.if_contains("granular_markings"); gm && gm->is_array()) {
    for (json::value& entry : gm->get_array()) {
      json::object* e = entry.if_object();
      json::value* selectors = e ? e->if_contains("selectors") : nullptr;
      if (!selectors || !selectors->is_array()) continue;
      json::array still;
      for (const json::value& s : selectors->get_array()) {
        if (!s.is_string()) continue;
        std::optional<StepPath> path = ParseSelector(s.get_string());
        if (!path) continue;
        bool inside_gone = std::any_of(gone.begin(), gone.end(),
                                       [&](const StepPath& g) { return IsPrefix(g, *path); });
        if (inside_gone) continue;
        StepPath now = Renumber(*path, removed_items);
        if (Resolve(obj, now, now.size()) == nullptr) continue;  // emptied list
        still.emplace_back(RenderSelector(now));
      }
      if (still.empty()) continue;
      (*e)["selectors"] = std::move(still);
      kept.push_back(std::move(entry));
    }
  }
  if (kept.empty()) {
    obj.erase("granular_markings");
  } else {
    obj["granular_markings"] = std::move(kept);
  }
}

// Parts whose removal would make a copy say less than the sharing protocol already shows
// (id, type, spec_version, version) or read as less restricted than it is (its markings,
// its audience): hiding one withholds the object.
bool IsControlPart(const StepPath& path) {
  static constexpr std::string_view kTopLevel[] = {"id",
                                                   "type",
                                                   "spec_version",
                                                   "created",
                                                   "modified",
                                                   "object_marking_refs",
                                                   "granular_markings"};
  if (path.empty() || path.front().index) return false;
  const std::string& key = path.front().key;
  if (std::find(std::begin(kTopLevel), std::end(kTopLevel), key) != std::end(kTopLevel)) {
    return true;
  }
  if (key != "extensions") return false;
  return path.size() == 1 || (!path[1].index && path[1].key == kAudienceExtensionId);
}

struct Marked {
  StepPath path;
  std::string text;
  Tlp tlp = Tlp::kClear;
};

std::vector<Marked> CollectParts(const json::object& obj) {
  std::vector<Marked> parts;
  const json::value* gm = obj.if_contains("granular_markings");
  if (!gm || !gm->is_array()) return parts;
  for (const json::value& entry : gm->get_array()) {
    const json::object* e = entry.if_object();
    if (!e) continue;
    const json::value* ref = e->if_contains("marking_ref");
    if (!ref || !ref->is_string()) continue;  // `lang` only: restricts nothing
    Tlp tlp = Tlp::kAmber;
    if (!TlpOfMarking(ref->get_string(), &tlp)) tlp = Tlp::kAmber;
    const json::value* selectors = e->if_contains("selectors");
    if (!selectors || !selectors->is_array()) continue;
    for (const json::value& s : selectors->get_array()) {
      if (!s.is_string()) continue;
      std::string_view text = s.get_string();
      auto it =
          std::find_if(parts.begin(), parts.end(), [&](const Marked& m) { return m.text == text; });
      if (it != parts.end()) {
        it->tlp = std::max(it->tlp, tlp);
        continue;
      }
      std::optional<StepPath> path = ParseSelector(text);
      // A selector that is not one cannot be honoured part by part: it marks nothing the
      // gate could remove, so the whole object is treated as holding such a part.
      parts.push_back(Marked{path.value_or(StepPath{}), std::string(text), tlp});
    }
  }
  return parts;
}

}  // namespace

std::vector<GranularPart> GranularParts(const json::object& obj) {
  std::vector<GranularPart> out;
  for (const Marked& m : CollectParts(obj)) out.push_back(GranularPart{m.text, m.tlp});
  return out;
}

PartRemoval RemoveHiddenParts(json::object obj, const std::function<bool(Tlp)>& may_see) {
  std::vector<Marked> parts = CollectParts(obj);
  PartRemoval result{std::move(obj), {}, {}};  // keeps obj's memory resource, no copy
  std::vector<StepPath> hidden;
  for (const Marked& m : parts) {
    if (may_see(m.tlp)) continue;
    if (m.path.empty()) {
      result.withheld = "granular marking selector \"" + m.text + "\" names no part of the object";
      return result;
    }
    if (IsControlPart(m.path)) {
      result.withheld = "granular marking hides \"" + m.text +
                        "\", which a reader must see to be given the object at all";
      return result;
    }
    hidden.push_back(m.path);
    std::string level(TlpName(m.tlp));
    std::transform(level.begin(), level.end(), level.begin(),
                   [](char c) { return static_cast<char>(std::toupper(c)); });
    result.removed.push_back(m.text + " (TLP:" + level + ")");
  }
  if (hidden.empty()) return result;
  std::sort(hidden.begin(), hidden.end(), RemoveBefore);
  std::vector<StepPath> removed_items;
  for (const StepPath& h : hidden) {
    bool inside_removed = std::any_of(removed_items.begin(), removed_items.end(),
                                      [&](const StepPath& r) { return IsPrefix(r, h); });
    if (inside_removed) continue;
    if (Erase(result.object, h)) removed_items.push_back(h);
  }
  KeepMarkingsOutside(result.object, hidden, removed_items);
  std::vector<stix::Finding> findings = stix::ValidateObject(result.object);
  if (!findings.empty()) {
    result.withheld = "without its hidden parts the object would break " + findings.front().rule +
                      " at " + findings.front().property;
  }
  return result;
}

uint32_t WithheldFor(const json::object& obj) {
  if (!obj.contains("granular_markings")) return 0;
  // The outcome depends only on which of the levels the parts carry are hidden: one
  // removal (and one validation) per such subset, at most 2^levels, not one per set.
  uint8_t carried = 0;
  for (const Marked& m : CollectParts(obj)) {
    carried = static_cast<uint8_t>(carried | (1u << static_cast<int>(m.tlp)));
  }
  int8_t outcome[32];  // by hidden subset of `carried`: -1 unknown, 0 given, 1 withheld
  std::fill(std::begin(outcome), std::end(outcome), int8_t{-1});
  uint32_t withheld = 0;
  for (uint32_t set = 0; set < 32; ++set) {
    const uint8_t hidden = static_cast<uint8_t>(~set & carried);
    if (outcome[hidden] < 0) {
      auto may_see = [hidden](Tlp tlp) { return !InTlpSet(hidden, tlp); };
      outcome[hidden] = RemoveHiddenParts(obj, may_see).withheld.empty() ? 0 : 1;
    }
    if (outcome[hidden] == 1) withheld |= 1u << set;
  }
  return withheld;
}

void DropSelectorsOf(json::object& obj, std::string_view property) {
  KeepMarkingsOutside(obj, {StepPath{Step{std::string(property), std::nullopt}}}, {});
}

ReaderView ViewFor(const Requester& who, const Labels& labels, std::string_view json) {
  ReaderView view;
  if (!labels.granular) return view;
  const uint8_t visible = VisibleTlps(who, labels);
  if (visible == kEveryTlp) return view;  // the owner, the node's operator
  // The parsed copy lives only for this call: one arena instead of a malloc per value.
  unsigned char buffer[4096];
  json::monotonic_resource arena(buffer, sizeof buffer);
  auto parsed = stix::ParseJson(json, {}, &arena);
  if (!parsed.ok() || !parsed->is_object()) {
    view.withheld = true;
    return view;
  }
  PartRemoval cut = RemoveHiddenParts(std::move(parsed->get_object()),
                                      [visible](Tlp tlp) { return InTlpSet(visible, tlp); });
  if (!cut.withheld.empty()) {
    view.withheld = true;
    return view;
  }
  if (cut.removed.empty()) return view;
  view.rewritten = json::serialize(cut.object);
  view.removed = std::move(cut.removed);
  return view;
}

}  // namespace entente::policy
