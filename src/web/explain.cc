#include "web/explain.h"

#include <optional>

#include "federation/peer.h"
#include "policy/access.h"
#include "policy/granular.h"

namespace entente::web {

Result<Explanation> ExplainEgress(store::Store& store, store::FederationState& peers,
                                  const policy::Requester& who, const std::string& collection_id,
                                  const std::string& id, const std::string& peer_name) {
  const Status absent = Status::NotFound("no such object");
  auto c = store.GetCollection(collection_id);
  if (!c.ok()) return c.status().code() == StatusCode::kNotFound ? absent : c.status();
  if (!policy::AccessToCollection(who, c->readers, c->writers).can_read) return absent;
  auto peer = peers.GetPeer(peer_name);
  if (!peer.ok()) {
    if (peer.status().code() == StatusCode::kNotFound) return Status::NotFound("no such peer");
    return peer.status();
  }
  auto all = peers.ListPeers();
  if (!all.ok()) return all.status();
  auto settings = store.GetSettings();
  if (!settings.ok()) return settings.status();

  // The newest version the reader may see (the gate of every dashboard read).
  store::ObjectQuery q;
  q.collection_id = c->id;
  q.ids = {id};
  q.visible = [&who](const policy::Labels& labels) { return policy::MayRead(who, labels); };
  struct Row {
    std::string version, json;
    policy::Labels labels;
    bool whole = false;  // the reader's view is the whole version
  };
  std::optional<Row> chosen;
  Status s = store.ScanObjects(q, [&](const store::ObjectRow& row) {
    if (!policy::MayRead(who, row.labels)) return store::ScanAction::kContinue;
    policy::ReaderView view = policy::ViewFor(who, row.labels, row.json);
    if (view.withheld) return store::ScanAction::kContinue;
    chosen =
        Row{std::string(row.version), std::string(row.json), row.labels, view.rewritten.empty()};
    return store::ScanAction::kContinue;
  });
  if (!s.ok()) return s;
  if (!chosen) return absent;
  auto provenance = store.GetProvenances(c->id, {{id, chosen->version}});
  if (!provenance.ok()) return provenance.status();
  // The same preparation a push makes, and `entente peer explain` shows.
  auto egress = federation::PrepareEgress(federation::ProfileOf(*peer), *all, settings->name, id,
                                          chosen->json, chosen->labels, provenance->front());
  if (!egress.ok()) return egress.status();
  Explanation e;
  e.peer = std::move(*peer);
  e.collection_id = c->id;
  e.id = id;
  e.version = chosen->version;
  e.labels = chosen->labels;
  e.egress = std::move(*egress);
  if (!chosen->whole) {
    e.json_hidden = true;
    e.egress.json.clear();
    e.egress.decision.object = {};
    e.egress.decision.changes.clear();  // they could name parts hidden from the reader
  }
  return e;
}

}  // namespace entente::web
