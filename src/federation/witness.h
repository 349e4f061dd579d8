// federation/witness: peers witness each other's record (audit/, docs/evidence.md,
// "Witnessing"). A node fetches each peer's newest signed head over HTTP
// (taxii/log_route.h), checks its signature with the peer's key (configured with
// `entente peer add/set --log-key`, else pinned at first sight: the key of the first head
// kept), asks for a consistency proof from the head it kept last to the new one and
// verifies it (RFC 9162 2.1.4.2), and keeps the new head. What cannot be honest raises an
// alarm, kept in the federation state with the heads involved and logged:
//   - a key other than the configured or pinned one;
//   - a head of fewer entries than the one kept before (the record shrank);
//   - two heads of the same size with different roots (a fork);
//   - a larger head the consistency proof does not tie to the one kept before (the
//     record was rewritten underneath).
// A head whose signature does not verify, or a peer that will not answer, is a failed
// witnessing round (logged, retried), not an alarm: nothing signed proves anything.
//
// CheckPeerHead is a pure function; WitnessPeerOnce does one round with one peer on the
// caller's thread (the federation worker's), through the TAXII client and the state.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "audit/head.h"
#include "audit/merkle.h"
#include "common/env.h"
#include "entente/status.h"
#include "federation/peer.h"
#include "federation/peer_sync.h"
#include "store/federation_state.h"
#include "taxii/client.h"

namespace entente::federation {

enum class WitnessVerdict {
  kFirst,    // no head kept before: keep this one (and pin its key if none configured)
  kSame,     // the head kept before, or one of the same tree (nothing to keep)
  kExtends,  // a larger tree that extends the one kept before: keep it
  kAlarm,    // see `alarm`
  kInvalid,  // not signed by the key it claims: the round fails, no alarm
};

struct WitnessOutcome {
  WitnessVerdict verdict = WitnessVerdict::kInvalid;
  std::string message;  // the alarm or the failure, naming the peer and the tree sizes
};

// `expected_key`: the configured or pinned key (nullopt: none yet). `served_key`: the key
// the peer served with the head. `last`: the head kept before. `proof`: the consistency
// proof from last's size to `fresh`'s (used only when fresh is larger and last is not
// empty).
WitnessOutcome CheckPeerHead(const std::string& peer,
                             const std::optional<audit::PublicKey>& expected_key,
                             const audit::PublicKey& served_key,
                             const std::optional<audit::SignedHead>& last,
                             const audit::SignedHead& fresh, const std::vector<audit::Hash>& proof);

// One witnessing round with `peer` through `client`: fetch, check, keep, alarm (an alarm
// equal to the newest one kept for the peer is not raised again). OK for kFirst, kSame,
// kExtends and kAlarm (the alarm is the round's result, kept and logged); an error when
// the peer could not be asked or answered something unsigned or malformed. `verdict`,
// when given, receives the verdict.
Status WitnessPeerOnce(store::FederationState& state, taxii::TaxiiClient& client, const Peer& peer,
                       Clock& clock, const LogFn& log, WitnessVerdict* verdict = nullptr);

}  // namespace entente::federation
