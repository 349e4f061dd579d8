// web/explain.h: "What leaves and why" — the egress decision for one object and one peer,
// computed exactly as `entente peer explain` and the push compute it
// (federation::PrepareEgress on the stored version, its labels and its provenance).
//
// The version explained is the newest one the reader may see (policy::MayRead, as every
// dashboard read); an object the reader may not see is not-found ("no such object"),
// like one never stored. The object "as it would leave" is given only when the reader's
// own view of that version is the whole version (no part hidden from it by granular
// markings); otherwise `json_hidden` is set and `egress.json` is cleared.
//
// Pure function of the store's and the federation state's contents; safe for concurrent
// use as they are. The caller decides who may ask (the dashboard: administrators).
#pragma once

#include <string>
#include <vector>

#include "entente/status.h"
#include "federation/egress.h"
#include "policy/policy.h"
#include "store/federation_state.h"
#include "store/store.h"

namespace entente::web {

struct Explanation {
  store::Peer peer;
  std::string collection_id;
  std::string id;
  std::string version;
  policy::Labels labels;
  federation::Egress egress;
  bool json_hidden = false;
};

Result<Explanation> ExplainEgress(store::Store& store, store::FederationState& peers,
                                  const policy::Requester& who, const std::string& collection_id,
                                  const std::string& id, const std::string& peer_name);

}  // namespace entente::web
