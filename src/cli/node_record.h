// The node's record as the commands and `entente serve` open it: DATA/audit.db (the log,
// audit/log.h) and DATA/audit.key (the node's Ed25519 key, audit/node_key.h), the paths
// docs/record.md names.
//
// For the `entente` process. The record is opened once per process and folder (later
// calls give the same log, so one process appends with one frontier); safe to call from
// any thread.
#pragma once

#include <memory>
#include <string>

#include <vector>

#include "audit/evidence.h"
#include "audit/log.h"
#include "audit/node_key.h"
#include "entente/status.h"

namespace entente::store {
class Store;
}

namespace entente::cli {

std::string RecordFileIn(const std::string& data_dir);   // DATA/audit.db
std::string NodeKeyFileIn(const std::string& data_dir);  // DATA/audit.key

// The record of the node in `data_dir`, created on first use (a data folder made before
// the record existed gets it then), readable by the owner only.
Result<std::shared_ptr<audit::AuditLog>> OpenNodeRecord(const std::string& data_dir);
// Loads the node's key: not-found (saying so) when it has none.
Result<audit::NodeKey> LoadNodeKey(const std::string& data_dir);

// Every stored version of `id`, in every collection, exactly as stored, with its
// date_added (by which the record finds the batch that stored it).
Status GatherStoredVersions(store::Store& store, const std::string& id,
                            std::vector<audit::EvidenceObject>* out);

// Who the local command line acts as in the record (store::ActingFor's default too).
inline constexpr const char* kRecordOperator = "operator";

}  // namespace entente::cli
