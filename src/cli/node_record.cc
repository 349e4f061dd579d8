// The node's record and key files.
#include "cli/node_record.h"

#include <sys/stat.h>

#include <climits>
#include <cstdlib>
#include <map>
#include <mutex>

#include "audit/node_files.h"
#include "store/store.h"

namespace entente::cli {

std::string RecordFileIn(const std::string& data_dir) { return audit::RecordPathIn(data_dir); }
std::string NodeKeyFileIn(const std::string& data_dir) { return audit::NodeKeyPathIn(data_dir); }

Result<std::shared_ptr<audit::AuditLog>> OpenNodeRecord(const std::string& data_dir) {
  static std::mutex mu;
  static std::map<std::string, std::shared_ptr<audit::AuditLog>> open_logs;
  std::string path = RecordFileIn(data_dir);
  char resolved[PATH_MAX];
  if (::realpath(data_dir.c_str(), resolved) != nullptr) path = RecordFileIn(resolved);
  std::lock_guard<std::mutex> lock(mu);
  auto it = open_logs.find(path);
  if (it != open_logs.end()) return it->second;
  auto opened = audit::AuditLog::Open(path);
  if (!opened.ok()) {
    return Status(opened.status().code(),
                  "cannot open the node's record " + path + ": " + opened.status().message());
  }
  // The record names organisations, peers and objects: the owner's alone, as the store.
  (void)::chmod(path.c_str(), 0600);
  std::shared_ptr<audit::AuditLog> log = std::move(opened).value();
  open_logs.emplace(path, log);
  return log;
}

Result<audit::NodeKey> LoadNodeKey(const std::string& data_dir) {
  auto key = audit::NodeKey::Load(NodeKeyFileIn(data_dir));
  if (!key.ok() && key.status().code() == StatusCode::kNotFound) {
    return Status::NotFound("the node in " + data_dir + " has no signing key (" +
                            NodeKeyFileIn(data_dir) + " is absent)");
  }
  return key;
}

Status GatherStoredVersions(store::Store& store, const std::string& id,
                            std::vector<audit::EvidenceObject>* out) {
  auto roots = store.ListApiRoots();
  if (!roots.ok()) return roots.status();
  for (const auto& root : *roots) {
    auto collections = store.ListCollections(root.name);
    if (!collections.ok()) return collections.status();
    for (const auto& c : *collections) {
      store::ObjectQuery q;
      q.collection_id = c.id;
      q.ids = {id};
      q.match_last = false;
      q.match_all = true;
      Status s = store.ScanObjects(q, [&](const store::ObjectRow& row) {
        out->push_back({std::string(row.id), std::string(row.version), c.id, std::string(row.json),
                        row.date_added_us});
        return store::ScanAction::kContinue;
      });
      if (!s.ok()) return s;
    }
  }
  return Status::Ok();
}

}  // namespace entente::cli
