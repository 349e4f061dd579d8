// web/case_reads.h: what the dashboard reads of cases and of the hotline, through the
// policy gate (docs/dashboard.md, "Cases" and "Hotline"). A companion of web/reads.h,
// with the same rules: a collection the reader may not read (policy::AccessToCollection)
// does not exist for it, every object row passes policy::MayRead and is read as the
// reader's view (policy::ViewFor), and what the gate denies changes no answer (a case the
// reader may not see is "no such case", like one never opened).
//
//   - Cases: the list reads the newest version of each object the reader may see in its
//     readable collections (or in one), keeping the `incident`s that are cases; it
//     examines at most `budget` rows per collection, of any type (the store has no index
//     by type, so counting incidents only would not bound the work), and gives for each
//     collection it did not finish the cursor (collection, date_added) to go on; a case page is
//     cases::CaseBook::Load as the reader (the CLI's `case show`), its one scan of the collection's
//     notes, reports and relationships capped (CaseSnapshot::capped), with the NIS2 clocks computed
//     at `now`.
//   - Hotline: the messages of the readable collections that the gate lets through AND
//     that are addressed to the reader's organisation (or that it sent): the gate alone
//     would let a node's administrator see nothing more, but an organisation's inbox is
//     its own. Each collection's hotline read is capped (InboxPage::capped).
//   - Acknowledge: cases::Acknowledge as the signed-in organisation, exactly what
//     `entente hotline ack` does (the contact defaults to the one the message is with).
//
// Every function is bounded by the limits given; safe for concurrent use as the Store is.
// Results own their data.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cases/case_store.h"
#include "cases/hotline.h"
#include "cases/nis2.h"
#include "entente/status.h"
#include "policy/policy.h"
#include "store/federation_state.h"
#include "store/store.h"

namespace entente::web {

struct CaseRow {
  std::string collection_id;
  std::string collection_title;
  int64_t date_added_us = 0;  // of the version shown (the list's cursor)
  cases::CaseView view;       // the newest version the reader may see
};

struct CaseListQuery {
  std::string collection_id;        // "" = every readable collection
  std::optional<int64_t> after_us;  // the cursor within collection_id (rows added after)
  size_t limit = 50;                // cases per collection and page
  size_t budget = 5000;             // rows (any type) examined per collection and page
};

// A collection the page did not finish, and where the next page of it starts.
struct CaseListMore {
  std::string collection_id;
  std::string collection_title;
  int64_t after_us = 0;
};

struct CaseListPage {
  std::vector<CaseRow> rows;       // collection by collection, oldest added first
  std::vector<CaseListMore> more;  // one per collection with rows left to examine
};

// One page of the cases the reader may see. A collection_id the reader may not read (or
// that does not exist) gives an empty page.
Result<CaseListPage> ListCases(store::Store& store, const policy::Requester& who,
                               const CaseListQuery& query);

struct CaseDetail {
  store::Collection collection;
  cases::CaseSnapshot snapshot;
  std::vector<cases::Nis2Clock> clocks;  // empty when the case is not reported under NIS2
  int64_t now_us = 0;                    // the clocks' time
  size_t scan_cap = 0;                   // the bound snapshot.capped refers to
};

// The case `case_id` in collection `collection_id` as the reader may see it; not-found
// "no such case" when the collection or the case is absent or hidden.
Result<CaseDetail> ReadCaseDetail(store::Store& store, const policy::Requester& who,
                                  const std::string& collection_id, const std::string& case_id,
                                  int64_t now_us, size_t scan_cap);

struct InboxMessage {
  std::string collection_id;
  std::string collection_title;
  cases::MessageState state;
  bool to_reader = false;   // addressed to the reader's organisation (may acknowledge)
  int64_t escalations = 0;  // escalation steps recorded
};

struct InboxQuery {
  bool sent = false;  // the messages the reader sent instead of those it received
  size_t offset = 0;  // paging over the (bounded) result, newest sent first
  size_t limit = 50;
  size_t max_rows = 20000;  // rows (any type) read at most per collection
};

struct InboxPage {
  std::vector<InboxMessage> messages;  // newest sent first
  size_t total = 0;                    // messages of this view found within the caps
  bool more = false;                   // messages after this page (offset + limit)
  bool capped = false;                 // a collection's read stopped at max_rows
  std::vector<std::string> capped_collections;
};

// The hotline messages addressed to `who`'s organisation (or, with query.sent, sent by
// it) in the collections it may read, that the gate lets through. `peers` (may be null)
// tells where organisations live (cases::LoadNodeParties). An organisation without a
// STIX identity has an empty inbox.
Result<InboxPage> ReadInbox(store::Store& store, store::FederationState* peers,
                            const policy::Requester& who, int64_t now_us, const InboxQuery& query);

// Acknowledges message `message_id` of collection `collection_id` as organisation
// `org_id` (the signed-in one), as `entente hotline ack` does. not-found "no such
// message" when the collection is not readable, or holds no such message the
// organisation may see, or the message is not addressed to it; invalid-argument for a
// note over 10,000 bytes. `ack_id` is the acknowledgement note's fresh id.
Result<cases::Record> AcknowledgeMessage(store::Store& store, store::FederationState* peers,
                                         const policy::Requester& who, const std::string& org_id,
                                         const std::string& collection_id,
                                         const std::string& message_id, const std::string& note,
                                         std::string ack_id, int64_t now_us, size_t max_rows);

}  // namespace entente::web
