// taxii/receipt.h: which entries of the node's record (audit/) a non-administrator may
// read, the one rule /x-entente/log (taxii/log_route.h) and the dashboard's record page
// (web/record_reads.h) both apply: a receipt, i.e. the entry of an object version the
// organisation itself submitted (object-stored, submitter = it) or deleted (deletion,
// by = it), while it may still read that version (a deletion: any version of the object)
// through the gate (the collection's grants, then policy::MayRead), or an objects-stored
// batch it submitted (which names no object) while it may read the collection. Every other entry
// (others' submissions, egress decisions, restricted reads, changes, case events) is not
// a receipt: who else submitted what is not told, an object may hide its creator.
//
// A pure function of the store's contents; safe for concurrent use as the Store is.
#pragma once

#include <string_view>

#include "audit/entry.h"
#include "entente/status.h"
#include "policy/policy.h"
#include "store/store.h"

namespace entente::taxii {

// True when `org_id` (reading as `reader`) may read `entry` as a receipt (see above).
Result<bool> ReceiptReadable(store::Store& store, const policy::Requester& reader,
                             std::string_view org_id, const audit::Entry& entry);

}  // namespace entente::taxii
