// `entente log`: the node's tamper-evident record (docs/record.md).
//
//   entente log [--object ID] [--org ORG] [--peer PEER] [--kind K] [--since TIME]
//               [--limit N] [--json]
//   entente log head [--json]      sign and print the current tree head
//   entente log verify             re-check the whole record; exit 1 naming each failure
#include <sys/stat.h>

#include <algorithm>
#include <iostream>
#include <map>
#include <memory>
#include <string>

#include "audit/log.h"
#include "audit/node_files.h"
#include "audit/node_key.h"
#include "audit/stored_batch.h"
#include "audit/verify.h"
#include "cli/node_commands.h"
#include "cli/node_record.h"
#include "cli/node_util.h"
#include "common/timestamp.h"

namespace entente::cli {
namespace {

struct LogOptions {
  std::string data;
  std::string object;
  std::string org;
  std::string peer;
  std::string kind;
  std::string since;
  size_t limit = 0;
  bool json = false;
};

bool Exists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

// The record of the node in `dir`; the node must be initialised. A node made before the
// record existed gets an empty one, and is told so.
Result<std::unique_ptr<audit::AuditLog>> OpenRecord(const std::string& dir) {
  if (!Exists(StorePathIn(dir))) {
    return Status::IoError(dir + " holds no initialised node (--data: run `entente init`)");
  }
  std::string path = audit::RecordPathIn(dir);
  bool fresh = !Exists(path);
  auto log = audit::AuditLog::Open(path);
  if (log.ok() && fresh) PrintError("this node had no record; created " + path + " (empty)");
  return log;
}

std::string Summary(const audit::Entry& e) {
  using namespace audit;
  return std::visit(
      [](const auto& b) -> std::string {
        using T = std::decay_t<decltype(b)>;
        if constexpr (std::is_same_v<T, ObjectStored>) {
          return "version " + b.version + " in " + b.collection + " from " + b.submitter +
                 " sha256 " + b.sha256.substr(0, 16) + "…";
        } else if constexpr (std::is_same_v<T, ObjectsStored>) {
          return std::to_string(b.count) + (b.count == 1 ? " version" : " versions") +
                 " stored from " + b.submitter + " (" +
                 std::string(b.channel == Channel::kPeer     ? "peer"
                             : b.channel == Channel::kSensor ? "sensor"
                             : b.channel == Channel::kLocal  ? "local"
                                                             : "client") +
                 ")";
        } else if constexpr (std::is_same_v<T, EgressDecision>) {
          static const char* kWhat[] = {"sent to", "withheld from", "redacted for", "hashed for"};
          return std::string(kWhat[static_cast<int>(b.decision)]) + " " + b.peer + " (" + b.rule +
                 (b.reason.empty() ? "" : ": " + b.reason) + ")";
        } else if constexpr (std::is_same_v<T, Deletion>) {
          return (b.version.empty() ? "all versions" : "version " + b.version) + " by " + b.by +
                 (b.reason.empty() ? "" : " (" + b.reason + ")");
        } else if constexpr (std::is_same_v<T, RestrictedRead>) {
          static const char* kTlp[] = {"AMBER", "AMBER+STRICT", "RED"};
          return std::string(kTlp[static_cast<int>(b.tlp)]) + " read by " + b.reader +
                 (b.token_id.empty() ? "" : " (" + b.token_id + ")") + " via " + b.via;
        } else if constexpr (std::is_same_v<T, Change>) {
          return b.action + " by " + b.by;
        } else {
          return b.event + " by " + b.by;
        }
      },
      e.body);
}

int RunList(const LogOptions& o) {
  audit::EntryFilter filter;
  filter.subject = o.object;
  filter.organisation = o.org;
  filter.peer = o.peer;
  filter.limit = o.limit;
  if (!o.kind.empty()) {
    auto kind = audit::KindFromName(o.kind);
    if (!kind.ok()) {
      return UsageError(kind.status().message() +
                        " (--kind: object-stored, egress-decision, deletion, "
                        "organisation-change, token-change, grant-change, peer-change, "
                        "sovereignty-change, restricted-read, case-event, intake-event, "
                        "hotline-event, objects-stored)");
    }
    filter.kind = *kind;
  }
  if (!o.since.empty()) {
    auto t = ParseTimestamp(o.since);
    if (!t.ok()) return UsageError(t.status().message() + " (--since: an RFC 3339 UTC time)");
    filter.since_us = t->micros;
  }
  auto log = OpenRecord(ResolveDataDir(o.data));
  if (!log.ok()) return Fail(log.status());
  auto entries = (*log)->List(filter);
  if (!entries.ok()) return Fail(entries.status());
  // An object's versions are recorded in the batch entries that stored them, found by
  // their date_added in the store: shown as the item that names the object.
  std::map<uint64_t, std::string> items;  // entry index -> the item naming the object
  if (!o.object.empty() && (!filter.kind || *filter.kind == audit::EntryKind::kObjectsStored)) {
    auto store = OpenNodeStore(ResolveDataDir(o.data));
    if (!store.ok()) return Fail(store.status());
    std::vector<audit::EvidenceObject> versions;
    if (Status s = GatherStoredVersions(**store, o.object, &versions); !s.ok()) return Fail(s);
    for (const auto& v : versions) {
      auto item = audit::ItemOfStoredJson(v.id, v.version, v.json);
      if (!item.ok()) return Fail(item.status());
      auto found = (*log)->FindStored(v.collection, *item, v.added_us, (*log)->Size());
      if (!found.ok()) return Fail(found.status());
      for (auto& f : *found) items.emplace(f.entry_index, std::move(f.item));
    }
    for (const auto& [index, item] : items) {
      audit::EntryFilter one = filter;  // the other conditions still hold
      one.subject.clear();
      one.kind = audit::EntryKind::kObjectsStored;
      one.after_index = std::max<uint64_t>(index, filter.after_index);
      one.limit = 0;
      auto batch = (*log)->List(one);
      if (!batch.ok()) return Fail(batch.status());
      if (!batch->empty() && batch->front().index == index) entries->push_back(batch->front());
    }
    std::sort(entries->begin(), entries->end(),
              [](const auto& a, const auto& b) { return a.index < b.index; });
    if (o.limit > 0 && entries->size() > o.limit) entries->resize(o.limit);
  }
  if (o.json) {
    for (const auto& e : *entries) std::cout << audit::EncodeEntry(e).value() << "\n";
    return kExitOk;
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& e : *entries) {
    std::string subject(audit::EntrySubject(e.entry));
    std::string what = Summary(e.entry);
    if (auto it = items.find(e.index); it != items.end()) {
      // The item that names the object, rather than the whole batch.
      auto item = audit::ParseItem(it->second);
      if (item.ok()) {
        subject = item->object_id;
        what = "version " + item->version + " in " +
               std::get<audit::ObjectsStored>(e.entry.body).collection + " sha256 " +
               item->sha256.substr(0, 16) + "… (one of " + what + ")";
      }
    }
    rows.push_back({std::to_string(e.index), FormatTimestamp(e.time_us, 6),
                    std::string(audit::KindName(e.entry.kind)), subject, what});
  }
  PrintTable({"INDEX", "TIME", "KIND", "SUBJECT", "WHAT"}, rows);
  return kExitOk;
}

int RunHead(const std::string& data, bool json) {
  std::string dir = ResolveDataDir(data);
  auto log = OpenRecord(dir);
  if (!log.ok()) return Fail(log.status());
  bool created = false;
  auto key = audit::NodeKey::LoadOrCreate(audit::NodeKeyPathIn(dir), &created);
  if (!key.ok()) return Fail(key.status());
  if (created) {
    PrintError("this node had no signing key; created " + audit::NodeKeyPathIn(dir) +
               " (mode 0600)");
  }
  auto head = (*log)->SignHead(*key);
  if (!head.ok()) return Fail(head.status());
  if (json) {
    std::cout << audit::FormatSignedHead(*head) << "\n";
    return kExitOk;
  }
  std::cout << "tree size  " << head->head.tree_size << "\n"
            << "root hash  " << audit::HashHex(head->head.root) << "\n"
            << "timestamp  " << FormatTimestamp(head->head.timestamp_us, 6) << "\n"
            << "key id     " << audit::HashHex(head->head.key_id) << "\n"
            << "public key " << audit::HashHex(key->public_key()) << "\n"
            << "signature  " << audit::BytesHex(head->signature.data(), head->signature.size())
            << "\n";
  return kExitOk;
}

int RunVerify(const std::string& data) {
  std::string dir = ResolveDataDir(data);
  if (!Exists(StorePathIn(dir))) {
    return Fail(Status::IoError(dir + " holds no initialised node (--data)"));
  }
  std::string path = audit::RecordPathIn(dir);
  if (!Exists(path)) {
    std::cout << "failed: the node has no record (" << path << " is missing)\n";
    return kExitNo;
  }
  auto log = audit::AuditLog::Open(path);
  if (!log.ok()) {
    std::cout << "failed: " << log.status().message() << "\n";
    return kExitNo;
  }
  std::optional<audit::PublicKey> key;
  auto loaded = audit::NodePublicKey(dir);
  if (loaded.ok()) {
    key = *loaded;
  } else if (loaded.status().code() != StatusCode::kNotFound) {
    std::cout << "failed: " << loaded.status().message() << "\n";
  }
  auto report = audit::VerifyRecord(**log, key);
  if (!report.ok()) {
    std::cout << "failed: " << report.status().message() << "\n";
    return kExitNo;
  }
  for (const auto& f : report->failures) std::cout << "failed: " << f << "\n";
  if (report->failures_not_listed > 0) {
    std::cout << "failed: " << report->failures_not_listed << " more failure(s) not listed\n";
  }
  size_t failures = report->failures.size() + report->failures_not_listed;
  if (failures > 0 || (!loaded.ok() && loaded.status().code() != StatusCode::kNotFound)) {
    std::cout << "record NOT verified: " << failures << " failure(s)\n";
    return kExitNo;
  }
  std::cout << "record verified: " << report->entries << " entries, tree size " << report->tree_size
            << ", root " << audit::HashHex(report->root) << ", " << report->heads
            << " signed head(s) checked\n";
  return kExitOk;
}

}  // namespace

void RegisterLogCommands(CLI::App& app, CommandContext& ctx) {
  auto o = std::make_shared<LogOptions>();
  CLI::App* cmd = app.add_subcommand(
      "log", "The node's tamper-evident record: show and filter it, sign its head, verify it");
  AddDataOption(cmd, &o->data);
  cmd->add_option("--object", o->object,
                  "entries about this object (or the subject of a change or event)");
  cmd->add_option("--org", o->org,
                  "entries involving this organisation (submitter, actor, reader, the "
                  "organisation changed, a token's organisation)");
  cmd->add_option("--peer", o->peer,
                  "entries involving this peer (objects from or to it, changes to it)");
  cmd->add_option("--kind", o->kind, "entries of this kind (object-stored, egress-decision, …)");
  cmd->add_option("--since", o->since, "entries appended at or after this RFC 3339 time");
  cmd->add_option("--limit", o->limit, "at most N entries");
  cmd->add_flag("--json", o->json, "each entry as its canonical JSON, one per line");

  auto head_data = std::make_shared<std::string>();
  auto head_json = std::make_shared<bool>(false);
  CLI::App* head = cmd->add_subcommand("head", "Sign the record's current tree head and print it");
  AddDataOption(head, head_data.get());
  head->add_flag("--json", *head_json, "the signed head as JSON (docs/record.md)");

  auto verify_data = std::make_shared<std::string>();
  CLI::App* verify = cmd->add_subcommand(
      "verify", "Re-check every entry, the stored tree and every signed head; exit 1 on failure");
  AddDataOption(verify, verify_data.get());

  head->callback([o, head_data, head_json, &ctx] {
    ctx.exit_code = RunHead(head_data->empty() ? o->data : *head_data, *head_json);
  });
  verify->callback([o, verify_data, &ctx] {
    ctx.exit_code = RunVerify(verify_data->empty() ? o->data : *verify_data);
  });
  cmd->callback([o, head, verify, &ctx] {
    if (head->parsed() || verify->parsed()) return;
    ctx.exit_code = RunList(*o);
  });
}

}  // namespace entente::cli
