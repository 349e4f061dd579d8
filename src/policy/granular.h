// policy/granular.h: what a reader may see of an object whose parts carry granular
// markings (STIX 2.1 section 7.2.3, "Granular Markings").
//
// A granular marking applies its `marking_ref` to the parts its `selectors` name
// ("description", "external_references.[1]", "kill_chain_phases.[0].phase_name"). Each
// selected part takes the most restrictive TLP of the markings that select it or any
// part containing it; a marking_ref that is not a known TLP counts as AMBER, as at the
// object level; an entry with only `lang` restricts nothing. Granular markings only
// narrow: the object-level decision (policy.h MayRead) is taken first and unchanged.
//
// RemoveHiddenParts takes out every part whose TLP the caller's `may_see` refuses, with
// the granular_markings entries (or selectors) that named it or anything inside it.
// List items are removed and the remaining selectors into the same list renumbered, so
// the result is consistent; a list or a granular_markings left empty goes as a whole
// (STIX 2.1 prohibits empty lists). If what is left breaks a MUST rule of the
// specification (a required property such as `pattern` removed), the object is withheld:
// `withheld` names the rule and the caller must treat the object as absent for that
// reader, never serve it whole or invalid. So is an object one of whose hidden parts is
// what the sharing protocol shows outside the object or what decides who may see it: `id`,
// `type`, `spec_version`, `created`, `modified` (TAXII manifests, filters and headers carry
// them) and `object_marking_refs`, `granular_markings` and the audience extension (a copy
// without them would read as less restricted than it is).
//
// Pure functions, safe for concurrent use.
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "policy/policy.h"

namespace entente::policy {

struct GranularPart {
  std::string selector;
  Tlp tlp = Tlp::kClear;  // the most restrictive TLP of the markings selecting it
};

// The parts an object's granular markings restrict, one per distinct selector, in the
// order they first appear. Selectors of `lang`-only entries are not listed.
std::vector<GranularPart> GranularParts(const boost::json::object& obj);

struct PartRemoval {
  boost::json::object object;        // the object as the reader may see it
  std::vector<std::string> removed;  // the parts taken out: "description (TLP:RED)"
  std::string withheld;              // non-empty: the object may not be given; why
};

// The object with the parts `may_see` refuses taken out. An object without
// granular_markings (or whose parts are all visible) comes back unchanged. `obj` is taken
// by value: a caller done with its object moves it in and saves a copy (the result then
// keeps its memory resource).
PartRemoval RemoveHiddenParts(boost::json::object obj, const std::function<bool(Tlp)>& may_see);

// For each of the 32 sets of visible TLP levels (policy.h VisibleTlps), whether RemoveHiddenParts
// would withhold the object from a reader who sees exactly those levels: bit `set` of the
// result. Computed once per version, so that the store can keep it beside the labels and
// the read gate decide from labels alone; 0 for an object without granular markings.
uint32_t WithheldFor(const boost::json::object& obj);

// What a reader receives of one stored version it may read (MayRead(who, labels) holds).
struct ReaderView {
  bool withheld = false;             // serve nothing after all (see ViewFor)
  std::string rewritten;             // empty: serve the stored text unchanged
  std::vector<std::string> removed;  // the parts taken out (RemoveHiddenParts)
};

// The stored text `json` of a version labelled `labels` as `who` may receive it. An object
// without granular markings (labels.granular false) costs nothing and is served unchanged.
// One RemoveHiddenParts would withhold from `who` (labels stored under an older rule), or
// a text that does not parse, comes back withheld: the caller serves nothing rather than
// the object whole.
ReaderView ViewFor(const Requester& who, const Labels& labels, std::string_view json);

// Takes out of `obj`'s granular_markings every selector of top-level property `property` or
// of anything inside it (after the property itself was removed), with the entries left
// without selectors and the list when it is left empty.
void DropSelectorsOf(boost::json::object& obj, std::string_view property);

// The visible-TLP set of a reader who sees every level.
inline constexpr uint8_t kEveryTlp = 0x1f;

// One visible-TLP set (VisibleTlps) as RemoveHiddenParts' `may_see`.
inline bool InTlpSet(uint8_t set, Tlp tlp) { return ((set >> static_cast<int>(tlp)) & 1u) != 0; }

}  // namespace entente::policy
