// admission/: the one way an object enters the store.
//
// Every way in — a TAXII client's POST (taxii/ingest), `entente ingest` (cli/), a
// federation pull (federation/peer_sync), and later sensors and intake — hands each
// received object to an Admission, which decides in one fixed order:
//
//   1. the STIX 2.1 MUST rules (stix::ValidateObject; indicator patterns too when the
//      options carry a checker, see NodeValidateOptions);
//   2. the key storage needs (stix::KeyOf: id, type, spec_version, version);
//   3. for an object from a peer node, the ingress trust rule (policy::DecideIngress);
//      for an object from a local organisation, the authorship rule
//      (policy::DecideLocalAuthorship), unless the submitter overrides ownership;
//   4. the object's canonical JSON (RFC 8785: members sorted, no whitespace), serialized
//      once, within max_object_bytes, and its SHA-256 for the node's record;
//   5. the labels of the read gate (policy::LabelObject with the collection's default
//      TLP), owned by the submitter: the client's organisation, the organisation the
//      operator ingests as, or the peer's owner (policy::OwnerForPeer);
//   6. the observable values it holds, for the store's value index
//      (admission/observable_values.h).
//
// The answer is a store::NewObject ready for Store::AddObjects (or a bulk add), or a
// Refusal that names the property and the rule. An admitted indicator whose pattern
// looks for a value on one of the node's warninglists (Options::warninglists) is still
// admitted; warninglist_hits() then names each value and list, for the way in to report
// to its submitter (issue 14: flagged at ingest, not matched unless an operator
// overrides it). Nothing is stored here: the caller
// batches and commits as its way in requires, so a refused object never affects others.
//
// An Admission is bound to one collection and one submitter and copies what it needs
// of them. It is not safe for concurrent use (it reuses one serialization buffer, so
// that the measured `entente ingest` path allocates each object's JSON once, at its
// exact size): use one per thread or per request. Admit neither parses nor copies the
// object beyond that one serialization.
#pragma once

#include <boost/json/object.hpp>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "pattern/index/warninglist.h"
#include "pattern/parser.h"
#include "policy/ingress.h"
#include "policy/policy.h"
#include "stix/stix.h"
#include "store/store.h"

namespace entente::admission {

// How an object arrives.
enum class Channel {
  kClient,    // a TAXII client's POST, on behalf of the organisation of its token
  kOperator,  // the CLI working on the node's own data folder, as an organisation
  kPeer,      // a federation pull from a peer node
};

// Who submits the objects, and how.
struct Submitter {
  Channel channel = Channel::kClient;
  // kClient, kOperator: the organisation that contributes (and owns) the objects.
  std::string org_id;
  // kPeer: the peer, and the identity ids of this node's own organisations (for the
  // ingress trust rule); the owner is policy::OwnerForPeer of the peer.
  // kClient, kOperator: local_identities lists the identity ids of this node's
  // organisations other than org_id (for the authorship rule).
  policy::IngressPeer peer;
  std::vector<std::string> local_identities;
  // kClient, kOperator: an administrator's explicit override: the authorship rule is not
  // applied and the admitted objects carry store::NewObject::override_owner.
  bool override_owner = false;
  // kOperator: the objects come from a sensor (`entente sense`): the record names the
  // channel "sensor" (admission/record.h).
  bool sensor = false;
};

struct Options {
  stix::ValidateOptions validate;
  size_t max_object_bytes = 0;  // of the serialized object; 0: no limit
  // The node's warninglists, looked up for every admitted indicator with a STIX pattern;
  // null or without lists: nothing is looked up (and nothing parsed).
  std::shared_ptr<const pattern::index::WarninglistSet> warninglists = nullptr;
};

enum class RefusalKind {
  kInvalid,    // a STIX MUST rule, or no usable key
  kForged,     // created_by_ref names an organisation of this node the submitter is not
  kNotOnPeer,  // created_by_ref names an organisation not living on the peer
  kTooLarge,   // serialized, larger than Options::max_object_bytes
};

struct Refusal {
  RefusalKind kind = RefusalKind::kInvalid;
  std::string id;       // the object's id as received ("" when it has none)
  std::string version;  // its modified, else created, as received ("" when neither)
  // Why, at least one: every broken MUST rule for kInvalid, else the one rule applied.
  std::vector<stix::Finding> findings;

  // "property: rule: message" of the first five findings ("(object)" when the finding
  // names no property), joined by "; ", then "; and N more" when there are more.
  std::string Describe() const;
};

class Admission {
 public:
  Admission(const store::Collection& collection, Submitter submitter, Options options);
  Admission(const Admission&) = delete;
  Admission& operator=(const Admission&) = delete;

  // Admits `obj`: on acceptance fills every field of *out (reusing the capacity of its
  // strings) and returns nullopt; otherwise returns why and leaves *out unspecified.
  [[nodiscard]] std::optional<Refusal> Admit(const boost::json::object& obj, store::NewObject* out);

  // The organisation the admitted objects are owned by.
  const std::string& owner() const { return owner_; }

  // The values of the object the last Admit accepted that are on a warninglist, with the
  // list (pattern::index::WarninglistHitsOfPattern): empty unless it is an indicator with
  // a STIX pattern and Options::warninglists names a list holding one of its values.
  // Valid until the next Admit.
  const std::vector<pattern::index::WarninglistHit>& warninglist_hits() const {
    return warninglist_hits_;
  }

 private:
  // The canonical JSON of `obj` into *out with one allocation of the exact size (the
  // text is built in a reused buffer, then copied).
  void SerializeInto(const boost::json::object& obj, std::string* out);
  // Fills warninglist_hits_ for an admitted indicator (options_.warninglists has lists).
  void FindWarninglistHits(const boost::json::object& obj);

  policy::Tlp default_tlp_;
  Submitter submitter_;
  Options options_;
  std::string owner_;
  std::string recorded_submitter_;  // NewObject::submitter of every admitted object
  std::string recorded_channel_;    // NewObject::channel
  std::string canonical_;           // SerializeInto's buffer, reused
  std::vector<pattern::index::WarninglistHit> warninglist_hits_;
};

// What checking indicator patterns may cost, counted in RE2 program instructions
// (compiling a MATCHES expression costs about 0.25-1 microsecond per instruction on a
// 2-core machine of 2026): pattern::ParseOptions's per-expression memory budget and
// per-pattern total, and a budget for all the patterns of one envelope.
struct PatternLimits {
  size_t regex_memory = pattern::ParseOptions().max_regex_memory;
  size_t pattern_instructions = pattern::ParseOptions().max_regex_program_size;
  // All patterns checked by one EnvelopePatternChecker; 0: no envelope budget.
  size_t envelope_instructions = 2'000'000;
};

// The validation every way in applies on a node: the MUST rules, and indicator
// patterns checked by the pattern engine within `limits` (its index's fast path first:
// nearly every indicator of a real feed is one comparison, which it accepts without
// building a syntax tree or compiling a regular expression; it accepts only text the
// full parser accepts too). Without an envelope budget; safe from any thread.
stix::ValidateOptions NodeValidateOptions(const PatternLimits& limits = {});

// The pattern check of NodeValidateOptions for the objects of one envelope: each
// pattern's compile cost is also charged to limits.envelope_instructions; once that is
// spent, every further pattern with a MATCHES expression is refused without compiling
// it ("... send fewer per envelope"), while patterns that compile no regular
// expression stay accepted. Keeps state: one per envelope, one thread at a time.
stix::PatternChecker EnvelopePatternChecker(const PatternLimits& limits = {});

}  // namespace entente::admission
