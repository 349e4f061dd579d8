// The node's record and key files.
#include "cli/node_record.h"

#include <sys/stat.h>

#include "audit/node_files.h"

namespace entente::cli {

std::string RecordFileIn(const std::string& data_dir) { return audit::RecordPathIn(data_dir); }
std::string NodeKeyFileIn(const std::string& data_dir) { return audit::NodeKeyPathIn(data_dir); }

Result<std::unique_ptr<audit::AuditLog>> OpenNodeRecord(const std::string& data_dir) {
  const std::string path = RecordFileIn(data_dir);
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    return Status::NotFound("the node in " + data_dir + " keeps no record (" + path +
                            " is absent)");
  }
  return audit::AuditLog::Open(path);
}

Result<audit::NodeKey> LoadNodeKey(const std::string& data_dir) {
  auto key = audit::NodeKey::Load(NodeKeyFileIn(data_dir));
  if (!key.ok() && key.status().code() == StatusCode::kNotFound) {
    return Status::NotFound("the node in " + data_dir + " has no signing key (" +
                            NodeKeyFileIn(data_dir) + " is absent)");
  }
  return key;
}

}  // namespace entente::cli
