// `entente peer set|show` and the witness summary of `peer list`.
#include <boost/json.hpp>
#include <iostream>
#include <memory>

#include "admin/node_admin.h"
#include "audit/head.h"
#include "audit/merkle.h"
#include "cli/node_util.h"
#include "cli/peer_witness.h"
#include "common/timestamp.h"
#include "federation/peer.h"

namespace entente::cli {
namespace {

struct SetOptions {
  std::string data;
  std::string name;
  std::string log_key;
};

int RunSet(const SetOptions& o) {
  std::string key;
  if (Status s = admin::CheckLogKey(o.log_key, &key); !s.ok()) return UsageError(s.message());
  if (key.empty()) return UsageError("nothing to set (--log-key HEX)");
  auto node = OpenNodeWithPeers(o.data);
  if (!node.ok()) return Fail(node.status());
  auto stored = admin::SetPeerLogKey(*node->peers, o.name, key);
  if (!stored.ok()) return Fail(stored.status());
  std::cout << "peer " << o.name << ": its record's heads must now be signed by key id "
            << audit::HashHex(audit::KeyIdOf([&] {
                 audit::PublicKey k;
                 auto h = audit::HashFromHex(*stored).value();
                 std::copy(h.begin(), h.end(), k.begin());
                 return k;
               }()))
            << std::endl;
  return kExitOk;
}

struct ShowOptions {
  std::string data;
  std::string name;
  size_t heads = 5;
  bool json = false;
};

int RunShow(const ShowOptions& o) {
  auto node = OpenNodeWithPeers(o.data);
  if (!node.ok()) return Fail(node.status());
  auto peer = node->peers->GetPeer(o.name);
  if (!peer.ok()) return Fail(peer.status());
  auto st = node->peers->GetStatus(o.name);
  if (!st.ok()) return Fail(st.status());
  auto first = node->peers->WitnessedHeads(o.name, false, 1);
  if (!first.ok()) return Fail(first.status());
  auto heads = node->peers->WitnessedHeads(o.name, true, o.heads);
  if (!heads.ok()) return Fail(heads.status());
  auto alarms = node->peers->WitnessAlarms(o.name);
  if (!alarms.ok()) return Fail(alarms.status());
  std::string key = peer->log_key;
  std::string key_source = "configured (--log-key)";
  if (!key.empty() && peer->log_key_read_us != 0) {
    key_source = "read from its identity when added, trust on first use, " +
                 FormatTimestamp(peer->log_key_read_us, 6);
  }
  if (key.empty() && !first->empty()) {
    key = first->front().public_key;
    key_source = "pinned at first sight, " + FormatTimestamp(first->front().seen_us, 6);
  }
  if (o.json) {
    auto settings = node->store->GetSettings();
    if (!settings.ok()) return Fail(settings.status());
    // "witness": this node, so that the output can travel to the peer as evidence of
    // what was witnessed (`entente evidence export --witnessed FILE` on the peer).
    boost::json::object j{{"witness", settings->name},
                          {"name", peer->name},
                          {"url", peer->api_root_url},
                          {"jurisdiction", peer->jurisdiction},
                          {"log_key", key},
                          {"log_key_source", key.empty() ? "" : key_source}};
    boost::json::array hs;
    for (const auto& h : *heads) {
      hs.push_back(boost::json::object{{"seen", FormatTimestamp(h.seen_us, 6)},
                                       {"head", boost::json::parse(h.head)},
                                       {"public_key", h.public_key}});
    }
    j["witnessed_heads"] = std::move(hs);
    boost::json::array as;
    for (const auto& a : *alarms) {
      as.push_back(boost::json::object{{"time", FormatTimestamp(a.time_us, 6)},
                                       {"message", a.message},
                                       {"evidence", boost::json::parse(a.evidence)}});
    }
    j["witness_alarms"] = std::move(as);
    std::cout << boost::json::serialize(j) << std::endl;
    return kExitOk;
  }
  std::cout << "peer: " << peer->name << " (" << peer->jurisdiction << ")\n"
            << "url: " << peer->api_root_url << "\n"
            << "pull links: " << peer->pull.size() << ", push links: " << peer->push.size() << "\n"
            << "last error: " << (st->last_error.empty() ? "-" : st->last_error) << "\n"
            << "record key: " << (key.empty() ? "- (not yet seen)" : key + " (" + key_source + ")")
            << "\n"
            << "witnessed heads (newest " << heads->size() << "):\n";
  if (heads->empty()) std::cout << "  none yet\n";
  for (const auto& h : *heads) {
    std::cout << "  seen " << FormatTimestamp(h.seen_us, 6) << "  " << h.head << "\n";
  }
  std::cout << "witness alarms: " << alarms->size() << "\n";
  for (const auto& a : *alarms) {
    std::cout << "  ALARM " << FormatTimestamp(a.time_us, 6) << " " << a.message << "\n"
              << "    evidence: " << a.evidence << "\n";
  }
  std::cout.flush();
  return kExitOk;
}

}  // namespace

Result<WitnessSummary> WitnessSummaryOf(store::FederationState& state, const std::string& peer) {
  auto alarms = state.WitnessAlarms(peer);
  if (!alarms.ok()) return alarms.status();
  WitnessSummary w;
  w.alarms = static_cast<int64_t>(alarms->size());
  if (!alarms->empty()) {
    w.text = "ALARM (" + std::to_string(alarms->size()) + ")";
    return w;
  }
  auto newest = state.WitnessedHeads(peer, true, 1);
  if (!newest.ok()) return newest.status();
  w.text = newest->empty() ? "-" : "ok " + std::to_string(newest->front().tree_size);
  return w;
}

void RegisterPeerWitnessCommands(CLI::App* peer, CommandContext& ctx) {
  auto set = std::make_shared<SetOptions>();
  CLI::App* cmd = peer->add_subcommand("set", "Change a peer's settings (its record's key)");
  AddDataOption(cmd, &set->data);
  cmd->add_option("NAME", set->name, "the peer's name")->required();
  cmd->add_option("--log-key", set->log_key,
                  "the public key (64 hex digits) the peer signs its record's heads with; a "
                  "head signed by another key is an alarm")
      ->required();
  cmd->callback([set, &ctx] { ctx.exit_code = RunSet(*set); });

  auto show = std::make_shared<ShowOptions>();
  cmd = peer->add_subcommand(
      "show", "One peer: its settings, the key of its record, heads witnessed, alarms");
  AddDataOption(cmd, &show->data);
  cmd->add_option("NAME", show->name, "the peer's name")->required();
  cmd->add_option("--heads", show->heads, "how many of the newest witnessed heads to show")
      ->capture_default_str();
  cmd->add_flag("--json", show->json, "one JSON object");
  cmd->callback([show, &ctx] { ctx.exit_code = RunShow(*show); });
}

}  // namespace entente::cli
