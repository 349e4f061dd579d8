// Witnessing a peer's record: the check and one round.
#include "federation/witness.h"

#include <boost/json.hpp>

#include "common/timestamp.h"

namespace entente::federation {
namespace {

namespace json = boost::json;

std::string Sizes(const audit::SignedHead& a, const audit::SignedHead& b) {
  return std::to_string(a.head.tree_size) + " (signed " + FormatTimestamp(a.head.timestamp_us, 6) +
         ") and " + std::to_string(b.head.tree_size) + " (signed " +
         FormatTimestamp(b.head.timestamp_us, 6) + ")";
}

std::string KeyHex(const audit::PublicKey& k) { return audit::BytesHex(k.data(), k.size()); }

Result<audit::PublicKey> KeyFromHex(std::string_view hex) {
  auto h = audit::HashFromHex(hex);
  if (!h.ok()) return Status::InvalidArgument("not a public key (64 hex digits)");
  audit::PublicKey k;
  std::copy(h->begin(), h->end(), k.begin());
  return k;
}

Result<std::vector<audit::Hash>> ProofFrom(const json::object& o) {
  const json::value* p = o.if_contains("proof");
  if (p == nullptr || !p->is_array()) return Status::InvalidArgument("no proof in the answer");
  std::vector<audit::Hash> out;
  for (const json::value& h : p->get_array()) {
    if (!h.is_string()) return Status::InvalidArgument("a proof hash is not a string");
    auto parsed = audit::HashFromHex(h.get_string());
    if (!parsed.ok()) return parsed.status();
    out.push_back(*parsed);
  }
  return out;
}

}  // namespace

WitnessOutcome CheckPeerHead(const std::string& peer,
                             const std::optional<audit::PublicKey>& expected_key,
                             const audit::PublicKey& served_key,
                             const std::optional<audit::SignedHead>& last,
                             const audit::SignedHead& fresh,
                             const std::vector<audit::Hash>& proof) {
  const std::string who = "peer " + peer + ": ";
  // A head must at least hold under the key served with it: anything else proves nothing
  // (and a changed-key alarm then rests on a head the new key really signed).
  Status signature = audit::VerifyHeadSignature(fresh, served_key);
  if (!signature.ok()) {
    return {WitnessVerdict::kInvalid,
            who + "its head of " + std::to_string(fresh.head.tree_size) +
                " entries is not validly signed: " + std::string(signature.message())};
  }
  if (expected_key && *expected_key != served_key) {
    return {WitnessVerdict::kAlarm,
            who + "its record's key changed: it serves key id " +
                audit::HashHex(audit::KeyIdOf(served_key)) + ", not key id " +
                audit::HashHex(audit::KeyIdOf(*expected_key)) +
                " (configured or pinned); a node that lost or replaced its key can no longer "
                "show that it extends what was witnessed"};
  }
  if (!last) return {WitnessVerdict::kFirst, ""};
  const uint64_t m = last->head.tree_size, n = fresh.head.tree_size;
  if (n < m) {
    return {WitnessVerdict::kAlarm, who + "its record shrank: it presented a head of " +
                                        std::to_string(n) + " entries after one of " +
                                        std::to_string(m) + " (tree sizes " + Sizes(*last, fresh) +
                                        "): the record was truncated or rewritten"};
  }
  if (n == m) {
    if (fresh.head.root == last->head.root) return {WitnessVerdict::kSame, ""};
    return {WitnessVerdict::kAlarm, who + "two heads of " + std::to_string(n) +
                                        " entries with different roots (tree sizes " +
                                        Sizes(*last, fresh) + "): a forked record"};
  }
  Status consistent = audit::VerifyConsistency(m, n, last->head.root, fresh.head.root, proof);
  if (!consistent.ok()) {
    return {WitnessVerdict::kAlarm,
            who + "its head of " + std::to_string(n) + " entries does not extend the head of " +
                std::to_string(m) + " entries it presented before (tree sizes " +
                Sizes(*last, fresh) + "; the consistency proof fails: " +
                std::string(consistent.message()) + "): the record was rewritten"};
  }
  return {WitnessVerdict::kExtends, ""};
}

Status WitnessPeerOnce(store::FederationState& state, taxii::TaxiiClient& client, const Peer& peer,
                       Clock& clock, const LogFn& log, WitnessVerdict* verdict) {
  auto answer = client.GetNodeJson("/x-entente/log/head");
  if (!answer.ok()) return answer.status();
  const json::value* head_v = answer->if_contains("head");
  const json::value* key_v = answer->if_contains("public_key");
  if (head_v == nullptr || !head_v->is_object() || key_v == nullptr || !key_v->is_string()) {
    return Status::InvalidArgument("peer " + peer.name + ": the head answer lacks head or key");
  }
  const std::string head_text = json::serialize(*head_v);
  auto fresh = audit::ParseSignedHead(head_text);
  if (!fresh.ok()) {
    return Status::InvalidArgument("peer " + peer.name + ": " + fresh.status().message());
  }
  auto served_key = KeyFromHex(key_v->get_string());
  if (!served_key.ok()) {
    return Status::InvalidArgument("peer " + peer.name + ": the served key is " +
                                   served_key.status().message());
  }

  // The key expected: configured, else pinned (the key of the first head kept).
  std::optional<audit::PublicKey> expected;
  if (!peer.log_key.empty()) {
    auto k = KeyFromHex(peer.log_key);
    if (!k.ok())
      return Status::InvalidArgument("peer " + peer.name + ": --log-key is " +
                                     k.status().message());
    expected = *k;
  } else {
    auto first = state.WitnessedHeads(peer.name, false, 1);
    if (!first.ok()) return first.status();
    if (!first->empty()) {
      auto k = KeyFromHex(first->front().public_key);
      if (!k.ok()) return Status::Corruption("a kept head's key is not 64 hex digits");
      expected = *k;
    }
  }
  auto kept = state.WitnessedHeads(peer.name, true, 1);
  if (!kept.ok()) return kept.status();
  std::optional<audit::SignedHead> last;
  if (!kept->empty()) {
    auto h = audit::ParseSignedHead(kept->back().head);
    if (!h.ok()) return Status::Corruption("a kept head of peer " + peer.name + " is unreadable");
    last = *h;
  }
  std::vector<audit::Hash> proof;
  if (last && last->head.tree_size > 0 && fresh->head.tree_size > last->head.tree_size &&
      (!expected || *expected == *served_key)) {
    auto answer2 = client.GetNodeJson(
        "/x-entente/log/consistency?first=" + std::to_string(last->head.tree_size) +
        "&second=" + std::to_string(fresh->head.tree_size));
    if (!answer2.ok()) return answer2.status();
    auto p = ProofFrom(*answer2);
    if (!p.ok()) return Status::InvalidArgument("peer " + peer.name + ": " + p.status().message());
    proof = std::move(*p);
  }

  WitnessOutcome out = CheckPeerHead(peer.name, expected, *served_key, last, *fresh, proof);
  if (verdict) *verdict = out.verdict;
  const int64_t now = clock.NowMicros();
  switch (out.verdict) {
    case WitnessVerdict::kInvalid:
      return Status::InvalidArgument(out.message);
    case WitnessVerdict::kSame:
      return Status::Ok();
    case WitnessVerdict::kFirst:
    case WitnessVerdict::kExtends:
      return state.KeepWitnessedHead(
          peer.name,
          {now, fresh->head.tree_size, audit::FormatSignedHead(*fresh), KeyHex(*served_key)});
    case WitnessVerdict::kAlarm:
      break;
  }
  auto alarms = state.WitnessAlarms(peer.name);
  if (!alarms.ok()) return alarms.status();
  if (!alarms->empty() && alarms->back().message == out.message) return Status::Ok();
  json::object evidence{{"presented", json::parse(head_text)},
                        {"presented_key", KeyHex(*served_key)}};
  if (last) {
    evidence["kept_before"] = json::parse(audit::FormatSignedHead(*last));
    evidence["kept_key"] = kept->back().public_key;
  }
  if (!proof.empty()) {
    json::array p;
    for (const auto& h : proof) p.emplace_back(audit::HashHex(h));
    evidence["consistency_proof"] = std::move(p);
  }
  ENTENTE_RETURN_IF_ERROR(
      state.RaiseWitnessAlarm(peer.name, {now, out.message, json::serialize(evidence)}));
  if (log) log("federation: WITNESS ALARM " + out.message);
  return Status::Ok();
}

}  // namespace entente::federation
