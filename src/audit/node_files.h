// Where a node keeps its record in its data folder, and the node's public key for its
// identity: DATA/audit.db (the record, log.h) and DATA/audit.key (the Ed25519 key,
// node_key.h, mode 0600).
//
// Pure path functions, and one read of the key file; safe for concurrent use.
#pragma once

#include <string>

#include "audit/head.h"
#include "entente/status.h"

namespace entente::audit {

std::string RecordPathIn(const std::string& data_dir);   // DATA/audit.db
std::string NodeKeyPathIn(const std::string& data_dir);  // DATA/audit.key

// The public key of the node whose data folder is `data_dir`, to publish in its identity
// (peers and evidence verifiers check its signed heads with it): not-found when the node
// has no key yet, as NodeKey::Load otherwise.
Result<PublicKey> NodePublicKey(const std::string& data_dir);

}  // namespace entente::audit
