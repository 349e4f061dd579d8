// `entente peer add|list|status|remove|explain|sync`: the peers this node federates with.
//
// The peers live in the federation state of the node's store (store/federation_state.h:
// the fed_ tables of DIR/entente.db); `entente serve` picks changes up while it runs.
#include <boost/json.hpp>
#include <ctime>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "admin/node_admin.h"
#include "admission/admission.h"
#include "audit/head.h"
#include "audit/merkle.h"
#include "cli/command.h"
#include "cli/node_commands.h"
#include "cli/node_record.h"
#include "cli/node_util.h"
#include "cli/peer_witness.h"
#include "common/timestamp.h"
#include "federation/egress.h"
#include "federation/peer.h"
#include "federation/peer_sync.h"
#include "federation/sync.h"
#include "policy/egress.h"
#include "stix/stix.h"
#include "taxii/client.h"
#include "taxii/node_identity.h"

namespace entente::cli {
namespace {

namespace fed = entente::federation;

std::string Age(int64_t then_us, int64_t now_us) {
  if (then_us <= 0) return "never";
  const int64_t s = (now_us - then_us) / 1'000'000;
  if (s < 120) return std::to_string(s) + "s ago";
  if (s < 7200) return std::to_string(s / 60) + "m ago";
  return std::to_string(s / 3600) + "h ago";
}

std::string Duration(int64_t us) {
  if (us < 1000) return std::to_string(us) + "us";
  if (us < 10'000'000) return std::to_string(us / 1000) + "ms";
  return std::to_string(us / 1'000'000) + "s";
}

struct PeerAddOptions {
  std::string data;
  std::string name;
  std::string url;
  std::string token;
  std::string user;
  std::string jurisdiction;
  std::vector<std::string> communities;
  std::vector<std::string> recipients;
  std::vector<std::string> rules;
  std::string hash_key;
  std::vector<std::string> pull;
  std::vector<std::string> push;
  std::string pin_sha256;
  std::string pin_pem_file;
  std::string local_org;
  int64_t quota = 10000;
  int64_t hop_limit = policy::kDefaultHopLimit;
  std::string log_key;
};

int RunPeerAdd(const PeerAddOptions& o) {
  admin::NewPeer p;
  p.name = o.name;
  p.url = o.url;
  p.token = o.token;
  p.user = o.user;
  p.jurisdiction = o.jurisdiction;
  p.communities = o.communities;
  p.recipients = o.recipients;
  p.rules = o.rules;
  p.hash_key = o.hash_key;
  p.pull = o.pull;
  p.push = o.push;
  p.pin_sha256 = o.pin_sha256;
  if (!o.pin_pem_file.empty()) {
    auto pem = ReadInputFile(o.pin_pem_file);
    if (!pem.ok()) return Fail(pem.status());
    p.pin_pem = *pem;
  }
  p.local_org = o.local_org;
  p.quota = o.quota;
  p.hop_limit = o.hop_limit;
  p.log_key = o.log_key;
  // A malformed key is a usage error here (exit 2), as it always was.
  std::string key;
  if (Status s = admin::CheckLogKey(o.log_key, &key); !s.ok()) return UsageError(s.message());
  auto node = OpenNodeWithPeers(o.data);
  if (!node.ok()) return Fail(node.status());
  admin::PeerIdentityRead read;
  if (Status s = admin::AddPeer(*node->store, *node->peers, p, SystemClock().NowMicros(), &read);
      !s.ok()) {
    return Fail(s);
  }
  std::cout << "peer " << p.name << " added" << std::endl;
  if (!read.attempted) return kExitOk;
  // Trust on first use: the key is shown so that the operator can compare it with the one
  // the peer's operator gives by another channel (their `entente log head`).
  const std::string later =
      "its record key will be pinned at the first head witnessed; set it "
      "with `entente peer set " +
      p.name + " --log-key HEX` once its operator has given it to you";
  if (!read.status.ok()) {
    PrintError("note: the identity of peer " + p.name + " could not be read (" +
               read.status.message() + "): " + later);
    return kExitOk;
  }
  const taxii::NodeIdentity& id = read.identity;
  if (id.name != p.name || (!id.jurisdiction.empty() && id.jurisdiction != p.jurisdiction)) {
    PrintError("WARNING: peer " + p.name + " (" + p.jurisdiction + ") publishes the identity " +
               "of node " + id.name +
               (id.jurisdiction.empty() ? "" : " (" + id.jurisdiction + ")") +
               ": check its URL, name and --jurisdiction with its operator");
  }
  if (!read.pinned) {
    PrintError("note: peer " + p.name + " publishes no record key: " + later);
    return kExitOk;
  }
  const audit::PublicKey& k = *id.record_key;
  std::cout << "record key of " << p.name << ": " << audit::BytesHex(k.data(), k.size())
            << " (key id " << audit::HashHex(audit::KeyIdOf(k)) << ")\n"
            << "  read from its identity (GET /taxii2/: node " << id.name
            << (id.jurisdiction.empty() ? "" : ", " + id.jurisdiction)
            << ") and pinned: a head signed by another key is a witness alarm.\n"
            << "  Trust on first use: compare it with the key its operator gives you by another "
               "channel (their `entente log head`)."
            << std::endl;
  return kExitOk;
}

struct PeerListOptions {
  std::string data;
  bool json = false;
};

int RunPeerList(const PeerListOptions& o) {
  auto node = OpenNodeWithPeers(o.data);
  if (!node.ok()) return Fail(node.status());
  auto peers = node->peers->ListPeers();
  if (!peers.ok()) return Fail(peers.status());
  const int64_t now = SystemClock().NowMicros();
  std::vector<std::vector<std::string>> rows;
  for (const auto& p : *peers) {
    auto st = node->peers->GetStatus(p.name);
    if (!st.ok()) return Fail(st.status());
    if (o.json) {
      boost::json::object j;
      j["name"] = p.name;
      j["url"] = p.api_root_url;
      j["jurisdiction"] = p.jurisdiction;
      j["last_attempt"] = st->last_attempt_us ? FormatTimestamp(st->last_attempt_us, 6) : "";
      j["last_sync"] = st->last_success_us ? FormatTimestamp(st->last_success_us, 6) : "";
      j["lag_us"] = st->lag_us;
      j["failures"] = st->failures;
      j["last_error"] = st->last_error;
      j["pulled"] = st->pulled;
      j["pushed"] = st->pushed;
      j["withheld"] = st->withheld;
      j["refused"] = st->refused;
      j["deleted"] = st->deleted;
      auto w = WitnessSummaryOf(*node->peers, p.name);
      if (!w.ok()) return Fail(w.status());
      j["witness"] = w->text;
      j["witness_alarms"] = w->alarms;
      std::cout << boost::json::serialize(j) << '\n';
      continue;
    }
    auto w = WitnessSummaryOf(*node->peers, p.name);
    if (!w.ok()) return Fail(w.status());
    const WitnessSummary& witness = *w;
    rows.push_back({p.name, p.api_root_url, p.jurisdiction, std::to_string(p.pull.size()),
                    std::to_string(p.push.size()), Age(st->last_success_us, now),
                    Duration(st->lag_us), std::to_string(st->failures), std::to_string(st->pulled),
                    std::to_string(st->pushed), std::to_string(st->withheld),
                    std::to_string(st->refused), witness.text, st->last_error});
  }
  if (!o.json) {
    PrintTable({"NAME", "URL", "JURISDICTION", "PULL", "PUSH", "LAST-SYNC", "LAG", "FAILURES",
                "PULLED", "PUSHED", "WITHHELD", "REFUSED", "WITNESS", "LAST-ERROR"},
               rows);
  }
  std::cout.flush();
  return kExitOk;
}

struct PeerNameOptions {
  std::string data;
  std::string name;
};

int RunPeerRemove(const PeerNameOptions& o) {
  auto node = OpenNodeWithPeers(o.data);
  if (!node.ok()) return Fail(node.status());
  if (Status s = admin::RemovePeer(*node->peers, o.name); !s.ok()) return Fail(s);
  return kExitOk;
}

int RunPeerSync(const PeerNameOptions& o) {
  auto node = OpenNodeWithPeers(o.data);
  if (!node.ok()) return Fail(node.status());
  auto peer = node->peers->GetPeer(o.name);
  if (!peer.ok()) return Fail(peer.status());
  fed::FederationOptions options;
  options.limits.validate = admission::NodeValidateOptions();
  auto record = OpenNodeRecord(ResolveDataDir(o.data));
  if (!record.ok()) return Fail(record.status());
  options.limits.record = *record;
  options.log = [](const std::string& line) { std::cerr << line << std::endl; };
  fed::RoundReport r;
  Status s = fed::SyncPeerOnce(*node->store, *node->peers, *peer, options, &r);
  std::cout << "pulled " << r.pulled << ", duplicate " << r.duplicates << ", refused " << r.refused
            << ", pushed " << r.pushed << ", withheld " << r.withheld << ", deleted " << r.deleted
            << std::endl;
  if (!s.ok()) return Fail(s);
  return kExitOk;
}

struct PeerExplainOptions {
  std::string data;
  std::string name;
  std::string collection;
  std::string object;
  std::string version;
};

int RunPeerExplain(const PeerExplainOptions& o) {
  auto node = OpenNodeWithPeers(o.data);
  if (!node.ok()) return Fail(node.status());
  auto peer = node->peers->GetPeer(o.name);
  if (!peer.ok()) return Fail(peer.status());
  auto all = node->peers->ListPeers();
  if (!all.ok()) return Fail(all.status());
  auto settings = node->store->GetSettings();
  if (!settings.ok()) return Fail(settings.status());
  store::ObjectQuery q;
  q.collection_id = o.collection;
  q.ids = {o.object};
  q.match_last = false;
  q.match_all = true;
  struct Row {
    std::string version, json;
    policy::Labels labels;
  };
  std::optional<Row> chosen;
  Status scan = node->store->ScanObjects(q, [&](const store::ObjectRow& row) {
    if (o.version.empty() || row.version == o.version) {
      // The most recently added version unless one is named.
      chosen = Row{std::string(row.version), std::string(row.json), row.labels};
    }
    return store::ScanAction::kContinue;
  });
  if (!scan.ok()) return Fail(scan);
  if (!chosen) {
    return Fail(Status::NotFound("no such object version in collection " + o.collection +
                                 " (--object: " + o.object + ")"));
  }
  auto provenance = node->store->GetProvenances(o.collection, {{o.object, chosen->version}});
  if (!provenance.ok()) return Fail(provenance.status());
  // The same preparation a push makes (federation/egress).
  auto egress = fed::PrepareEgress(fed::ProfileOf(*peer), *all, settings->name, o.object,
                                   chosen->json, chosen->labels, provenance->front());
  if (!egress.ok()) return Fail(egress.status());
  const policy::EgressDecision& d = egress->decision;
  std::string route;
  for (const auto& n : egress->path) route += (route.empty() ? "" : " -> ") + n;
  std::cout << "peer: " << peer->name << " (" << peer->jurisdiction << ")\n"
            << "object: " << o.object << " version "
            << (chosen->version.empty() ? "-" : chosen->version) << "\n"
            << "tlp: " << policy::TlpName(chosen->labels.tlp) << "\n"
            << "audience: " << policy::EncodeAudience(chosen->labels.audience) << "\n"
            << "provenance: " << route << "\n"
            << "hops: " << egress->hops << " (hop limit towards " << peer->name << ": "
            << peer->hop_limit << ")\n"
            << "decision: " << (d.send ? "send" : "withhold") << "\n";
  if (!d.reason.empty()) std::cout << "reason: " << d.reason << "\n";
  for (const auto& c : d.changes) std::cout << "change: " << c << "\n";
  if (d.send) std::cout << egress->json << "\n";
  std::cout.flush();
  return d.send ? kExitOk : kExitNo;
}

}  // namespace

void RegisterPeerCommands(CLI::App& app, CommandContext& ctx) {
  CLI::App* peer = app.add_subcommand("peer", "Manage federation peers");
  peer->require_subcommand(1);

  auto add = std::make_shared<PeerAddOptions>();
  CLI::App* cmd = peer->add_subcommand("add", "Add a peer node");
  AddDataOption(cmd, &add->data);
  cmd->add_option("NAME", add->name, "the peer node's name (as in provenance)")->required();
  cmd->add_option("--url", add->url, "its TAXII API root URL, e.g. https://host:9440/api/")
      ->required();
  cmd->add_option("--token", add->token, "the token this node presents there")->required();
  cmd->add_option("--user", add->user, "use HTTP Basic with this user name and the token");
  cmd->add_option("--jurisdiction", add->jurisdiction, "its ISO 3166-1 alpha-2 code")->required();
  cmd->add_option("--community", add->communities, "trust community present there (repeatable)");
  cmd->add_option("--recipient", add->recipients,
                  "identity id of an organisation living there (repeatable)");
  cmd->add_option("--rule", add->rules, "sovereignty rule TYPE[.PROPERTY]=withhold|redact|hash");
  cmd->add_option("--hash-key", add->hash_key, "key of keyed hashes (shared with the peer)");
  cmd->add_option("--pull", add->pull, "REMOTE_COLLECTION_ID[:LOCAL_COLLECTION_ID] (repeatable)");
  cmd->add_option("--push", add->push, "LOCAL_COLLECTION_ID[:REMOTE_COLLECTION_ID] (repeatable)");
  cmd->add_option("--pin-sha256", add->pin_sha256, "SHA-256 of the peer's DER certificate");
  cmd->add_option("--pin-pem", add->pin_pem_file, "PEM file of the peer's certificate to pin");
  cmd->add_option("--local-org", add->local_org,
                  "local organisation whose token the peer uses to push here");
  cmd->add_option("--quota", add->quota, "objects per sync round each way (default 10000)");
  cmd->add_option("--hop-limit", add->hop_limit,
                  "relay to the peer only what reached this node in fewer transfers (default " +
                      std::to_string(policy::kDefaultHopLimit) + "; 1 relays nothing)");
  cmd->add_option("--log-key", add->log_key,
                  "the public key (64 hex digits) the peer signs its record's heads with, as its "
                  "operator gave it (else read from the peer's identity, GET /taxii2/, and "
                  "pinned: trust on first use)");
  cmd->callback([add, &ctx] { ctx.exit_code = RunPeerAdd(*add); });

  RegisterPeerWitnessCommands(peer, ctx);

  auto list = std::make_shared<PeerListOptions>();
  cmd = peer->add_subcommand("list", "List peers with last sync, lag, errors and counts");
  AddDataOption(cmd, &list->data);
  cmd->add_flag("--json", list->json, "one JSON object per line");
  cmd->callback([list, &ctx] { ctx.exit_code = RunPeerList(*list); });

  auto status = std::make_shared<PeerListOptions>();
  cmd = peer->add_subcommand("status", "Peer status as JSON lines (same as list --json)");
  AddDataOption(cmd, &status->data);
  cmd->callback([status, &ctx] {
    PeerListOptions o = *status;
    o.json = true;
    ctx.exit_code = RunPeerList(o);
  });

  auto remove = std::make_shared<PeerNameOptions>();
  cmd = peer->add_subcommand("remove", "Remove a peer, its checkpoints and status");
  AddDataOption(cmd, &remove->data);
  cmd->add_option("NAME", remove->name, "peer name")->required();
  cmd->callback([remove, &ctx] { ctx.exit_code = RunPeerRemove(*remove); });

  auto sync = std::make_shared<PeerNameOptions>();
  cmd = peer->add_subcommand("sync", "Run one sync round with a peer now");
  AddDataOption(cmd, &sync->data);
  cmd->add_option("NAME", sync->name, "peer name")->required();
  cmd->callback([sync, &ctx] { ctx.exit_code = RunPeerSync(*sync); });

  auto explain = std::make_shared<PeerExplainOptions>();
  cmd = peer->add_subcommand("explain", "What would leave this node for the peer, and why");
  AddDataOption(cmd, &explain->data);
  cmd->add_option("NAME", explain->name, "peer name")->required();
  cmd->add_option("--collection", explain->collection, "local collection id")->required();
  cmd->add_option("--object", explain->object, "object id")->required();
  cmd->add_option("--version", explain->version, "a version (default: the most recently added)");
  cmd->callback([explain, &ctx] { ctx.exit_code = RunPeerExplain(*explain); });
}

}  // namespace entente::cli
