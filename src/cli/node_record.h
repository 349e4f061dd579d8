// The node's record as the commands and `entente serve` open it: DATA/audit.db (the log,
// audit/log.h) and DATA/audit.key (the node's Ed25519 key, audit/node_key.h), the paths
// docs/record.md names.
//
// For the `entente` process; each call opens what it returns, which the caller owns.
#pragma once

#include <memory>
#include <string>

#include "audit/log.h"
#include "audit/node_key.h"
#include "entente/status.h"

namespace entente::cli {

std::string RecordFileIn(const std::string& data_dir);   // DATA/audit.db
std::string NodeKeyFileIn(const std::string& data_dir);  // DATA/audit.key

// Opens the record of the node in `data_dir`: not-found (saying so) when the node has
// none yet (a node made before the record existed, until `entente log` creates it).
Result<std::unique_ptr<audit::AuditLog>> OpenNodeRecord(const std::string& data_dir);
// Loads the node's key: not-found (saying so) when it has none.
Result<audit::NodeKey> LoadNodeKey(const std::string& data_dir);

}  // namespace entente::cli
