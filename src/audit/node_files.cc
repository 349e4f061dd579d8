// The record's files in a node's data folder.
#include "audit/node_files.h"

#include "audit/node_key.h"

namespace entente::audit {

std::string RecordPathIn(const std::string& data_dir) { return data_dir + "/audit.db"; }
std::string NodeKeyPathIn(const std::string& data_dir) { return data_dir + "/audit.key"; }

Result<PublicKey> NodePublicKey(const std::string& data_dir) {
  auto key = NodeKey::Load(NodeKeyPathIn(data_dir));
  if (!key.ok()) return key.status();
  return key->public_key();
}

}  // namespace entente::audit
