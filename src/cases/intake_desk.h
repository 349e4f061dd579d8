// cases/intake_desk.h: the node's intake desk - constituents' reports received,
// acknowledged once durably stored, de-duplicated, routed and queued (issue 15, "triage
// intake when overloaded"; docs/cases.md, "Intake").
//
// Storage. Each report is a STIX 2.1 `incident` (id "incident--TICKET") in the API
// root's intake collection, a node-local collection whose id is IntakeCollectionId(root),
// created on first use with the node's administering organisations as its readers (the
// node's handlers: whoever the operator grants read on it later is one too) and no
// writers (nothing enters it over TAXII POST). The incident is created by the
// reporter's organisation (created_by_ref, owner), TLP:AMBER with the reporter and the
// handlers as recipients (entente audience extension), and carries the intake property
// extension (kIntakeExtensionId): the report as received, normalised, and the triage made
// at receipt (dedupe, route, criticality, deadline). A ticket's later state (a case
// opened from it, closed) is a STIX `note` on the incident, created by a handler.
// Everything enters through admission::Admission, like any other object. The store is
// the truth: the desk's index is rebuilt from it at Open and caught up with what other
// processes (the CLI) added before every batch and every read, so tickets, dedupe and the queue
// survive kill -9 at any instant.
//
// Acknowledgement and group commit. Submit blocks until the report is committed, then
// returns the ticket (SubmitAsync calls back instead): nothing is acknowledged that is not stored.
// Reports submitted concurrently are triaged and stored together by one committer thread, one store
// transaction per batch (at most max_batch reports), so that the commit cost (an fsync
// with synchronous=FULL) is shared. A failed transaction fails every report of its batch
// (nothing stored; the callers say "send it again").
//
// Dedupe: a report that names an observable, or a victim (organisation and country),
// that a ticket received within the dedupe window also named is attached to that
// ticket's primary (duplicate_of) instead of opening a new one; a closed ticket attracts
// nothing. A report sent again with the same report_id gets its first ticket back
// (replay) and stores nothing.
//
// Who sees a ticket: its reporter's organisation and the handlers (Get returns not-found
// to anyone else, exactly as for a ticket that does not exist). What a reporter sees of
// a ticket never names another reporter's ticket.
//
// Safe for concurrent use. The store must outlive the desk; the destructor stops the
// committer after the batches already submitted.
#pragma once

#include <boost/json/object.hpp>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include "cases/intake_rate.h"
#include "cases/intake_report.h"
#include "cases/intake_rules.h"
#include "common/env.h"
#include "entente/status.h"
#include "policy/policy.h"
#include "store/store.h"

namespace entente::cases {

inline constexpr std::string_view kIntakeExtensionId =
    "extension-definition--a4e6f1c8-2b9d-4e7a-b3c5-9d8e7f6a1c03";

// The id of `api_root`'s intake collection: a name-based UUID (SHA-256 of the root's
// name, RFC 9562 version 8), the same on every start.
std::string IntakeCollectionId(std::string_view api_root);

enum class TicketState { kOpen, kCase, kClosed };
std::string_view TicketStateName(TicketState s);  // "open", "case", "closed"

struct Ticket {
  std::string ticket;  // a UUID; the incident's id is "incident--" + ticket
  std::string api_root;
  std::string reporter_org;
  std::string reporter_identity;
  int64_t received_us = 0;
  IntakeReport report;
  // Triage at receipt.
  std::string duplicate_of;  // the primary ticket this one is attached to; "" = primary
  std::string matched_on;    // why: "observable TYPE VALUE" or "victim ORG (CC)"
  RouteDecision route;
  int criticality = 50;     // 0..100, the Incident Core Extension's scale
  int64_t deadline_us = 0;  // when a handler should have acted on it
  // Later, from handlers' notes.
  TicketState state = TicketState::kOpen;
  std::string case_ref;  // the case opened from it
  // Forwarding to the organisation it is routed to (cases/intake_forward.h), from the
  // outcome note: "" (pending, or routed to the handlers), "forwarded", "withheld", "kept".
  std::string forward_state;
  std::string forward_message;     // the hotline message it was forwarded as
  std::string forward_to;          // the target organisation's identity
  std::string forward_collection;  // where the message is
  std::string forward_reason;      // withheld, kept: why
  int64_t forward_at_us = 0;
  std::string object_id() const { return "incident--" + ticket; }
};

// A primary ticket with what is attached to it, as the queue shows it: criticality the
// highest and deadline the earliest among them.
struct QueueEntry {
  Ticket primary;
  std::vector<std::string> attached;  // tickets, oldest first
  int criticality = 0;
  int64_t deadline_us = 0;
};

struct Ack {
  Ticket ticket;
  bool replay = false;  // the same report_id was received before: nothing new stored
};

struct IntakeDeskOptions {
  // DATA/intake.json, re-read when its modification time changes (looked at once a
  // second at most); "" = `config` as given, for tests and benchmarks.
  std::string config_path;
  IntakeConfig config;
  size_t max_batch = 2048;
  Clock* clock = nullptr;    // nullptr: SystemClock()
  Random* random = nullptr;  // nullptr: SystemRandom()
  // After a batch stored at least one object (federation wake-up); committer thread.
  std::function<void()> on_stored;
  // Problems no caller is answered with (a configuration file that does not parse).
  std::function<void(const std::string&)> log;
};

// A routed primary ticket's forwarding, as handlers see it: {"state": "pending" |
// "forwarded" | "withheld" | "kept", "message", "to", "collection", "reason", "at"}.
boost::json::object ForwardJson(const Ticket& t);

class IntakeDesk {
 public:
  // Loads the tickets of every API root's intake collection and starts the committer.
  static Result<std::unique_ptr<IntakeDesk>> Open(store::Store& store, IntakeDeskOptions options);
  ~IntakeDesk();
  IntakeDesk(const IntakeDesk&) = delete;
  IntakeDesk& operator=(const IntakeDesk&) = delete;

  // Takes one token from the reporter's bucket: false when it is empty, with
  // *retry_after_seconds (at least 1) telling when to try again. Nothing is stored.
  bool Admit(const ReporterFacts& reporter, int64_t* retry_after_seconds);

  // Stores `report` from `reporter` in `api_root`'s intake (which must exist), triaged;
  // returns once committed. invalid-argument for an aware_at in the future; unavailable
  // when the store refused the batch.
  Result<Ack> Submit(std::string_view api_root, const ReporterFacts& reporter, IntakeReport report);
  // Submit without waiting: `done` is called once with what Submit would return - on the
  // committer thread once the report's batch is committed or refused, or on the calling
  // thread at once when the report is refused before it is queued. `done` must return
  // quickly (it holds up the next batch) and must not call Submit.
  void SubmitAsync(std::string_view api_root, const ReporterFacts& reporter, IntakeReport report,
                   std::function<void(Result<Ack>)> done);
  // Several reports of one reporter at once (a feed, `entente intake submit` of an array):
  // queued together, so that they share commits; one result per report, in order, each
  // as Submit gives it. Returns once every one is committed or refused.
  std::vector<Result<Ack>> SubmitMany(std::string_view api_root, const ReporterFacts& reporter,
                                      std::vector<IntakeReport> reports);

  // The ticket, if `who` may see it: the reporter's organisation, a handler of the
  // root, or the local operator; else not-found, as for a ticket that does not exist.
  Result<Ticket> Get(std::string_view api_root, std::string_view ticket,
                     const policy::Requester& who);
  // Whether `org_id` handles `api_root`'s intake (reads its intake collection).
  bool IsHandler(std::string_view api_root, std::string_view org_id);
  // Open primary tickets (not closed, no case yet) by criticality (highest first), then
  // deadline (earliest first), then receipt.
  std::vector<QueueEntry> Queue(std::string_view api_root);
  // Every ticket `who` may see, newest first, at most `limit`.
  std::vector<Ticket> List(std::string_view api_root, const policy::Requester& who, size_t limit);

  // The seam the case code calls once it has opened case `case_id` (an incident id) from
  // a ticket: records it as a note by `handler_org` (a handler; permission-denied
  // otherwise); the ticket leaves the queue, later duplicates still attach to it.
  Status LinkCase(std::string_view api_root, std::string_view ticket, std::string_view case_id,
                  const std::string& handler_org);
  // Closes a ticket (a note by a handler, with `reason`); it attracts no more duplicates.
  Status Close(std::string_view api_root, std::string_view ticket, const std::string& handler_org,
               std::string_view reason);

  // Reads what other processes stored since the last look (done before every batch).
  Status Refresh();
  // The configuration in force (re-read from config_path when it changed).
  // Shared, never changed: a new file gives a new value.
  std::shared_ptr<const IntakeConfig> Config();

  // The ticket as JSON: for its reporter (no other reporter's ticket is named: a
  // duplicate_of naming another organisation's ticket is left out) or for a handler
  // (everything, with the attached tickets).
  boost::json::object TicketJson(const Ticket& t, bool for_handler, std::string_view status_url);
  boost::json::object QueueJson(const std::vector<QueueEntry>& queue);

 private:
  struct Pending {
    std::string api_root;
    ReporterFacts reporter;
    IntakeReport report;
    size_t index = 0;  // its place among the reports enqueued with it
    std::shared_ptr<std::function<void(size_t, Result<Ack>)>> done;
    std::optional<Result<Ack>> result;  // set by ProcessBatch, delivered by Run
  };
  struct RootState {
    store::Collection collection;
    int64_t cursor_us = -1;  // date_added of the last row read from the store
  };

  IntakeDesk(store::Store& store, IntakeDeskOptions options);
  // Queues `reports`; `done(i, result)` is called once per report, with its index.
  void Enqueue(std::string_view api_root, const ReporterFacts& reporter,
               std::vector<IntakeReport> reports, std::function<void(size_t, Result<Ack>)> done);
  void Run();
  void ProcessBatch(std::vector<std::unique_ptr<Pending>>& batch);
  // The root's intake collection, created when missing. Requires index_mu_.
  Result<RootState*> EnsureRoot(std::string_view api_root);
  // Reads the rows after the root's cursor (those before `before_us` only, when given).
  // Requires index_mu_.
  Status CatchUp(const std::string& api_root, RootState& root, int64_t before_us = -1);
  // Forgets the index and reads every known root again from the store (after a failed
  // batch: what was indexed for it is not stored). Requires index_mu_.
  void ResetIndex();
  // CatchUp for a known root before a read (what the CLI stored meanwhile); a failure is
  // logged and the read answers from the index. Requires index_mu_.
  void CatchUpQuietly(std::string_view api_root);
  void ApplyStored(const std::string& api_root, std::string_view type, std::string_view json);
  // Requires index_mu_.
  void IndexTicket(const Ticket& t);
  std::vector<std::string> DedupeKeys(const Ticket& t) const;
  // The primary ticket a new report attaches to, and why. Requires index_mu_.
  std::optional<std::pair<std::string, std::string>> FindDuplicate(const Ticket& t,
                                                                   int64_t window_us) const;
  Status StoreNote(std::string_view api_root, std::string_view ticket,
                   const std::string& handler_org, TicketState state, std::string_view case_id,
                   std::string_view text);
  void MaybeReloadConfig();
  std::vector<std::string> HandlerIdentities(const store::Collection& c);

  store::Store& store_;
  IntakeDeskOptions options_;
  Clock& clock_;
  Random& random_;
  RateLimiter rate_;

  std::mutex config_mu_;
  std::shared_ptr<const IntakeConfig> config_;  // guarded by config_mu_
  int64_t config_checked_us_ = 0;               // guarded by config_mu_
  int64_t config_mtime_ = -1;                   // guarded by config_mu_

  // The index of tickets, rebuilt from the store.
  std::mutex index_mu_;
  std::map<std::string, RootState, std::less<>> roots_;                 // guarded by index_mu_
  std::unordered_map<std::string, Ticket> tickets_;                     // guarded by index_mu_
  std::unordered_map<std::string, std::string> primary_by_key_;         // guarded by index_mu_
  std::unordered_map<std::string, int64_t> last_activity_;              // primary -> newest receipt
  std::unordered_map<std::string, std::vector<std::string>> attached_;  // primary -> tickets
  std::map<std::string, std::string> identity_of_org_;                  // guarded by index_mu_
  int64_t handlers_checked_us_ = 0;                                     // guarded by index_mu_

  std::mutex queue_mu_;
  std::condition_variable queue_cv_;
  std::deque<std::unique_ptr<Pending>> queue_;  // guarded by queue_mu_
  bool stopping_ = false;                       // guarded by queue_mu_
  std::thread committer_;
};

}  // namespace entente::cases
