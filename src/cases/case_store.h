// cases/case_store.h: cases kept in a node's store, one collection at a time.
//
// A CaseBook writes every case object (incident, impacts, participants' state notes,
// NIS2 reports, attachments) through admission/ as the organisation acting (Channel
// kOperator: the MUST rules, the authorship rule, the read-gate labels), so the policy
// gate, store ownership (only an object's creator writes new versions of it) and
// federation apply to cases as to any object. It reads back only what the reader may see
// (policy::MayRead on every version, and the collection's grants).
//
// The rights of a case come from ownership, not from new access rules: only the case's
// owner writes new versions of its incident (invite, update); a participant writes only
// its own state note; a state note whose creator is not its participant, or whose
// participant is not invited, or that was written on this node by another organisation
// than its creator (a local organisation may create objects in the name of one living
// elsewhere), is ignored when a case is read (CaseSnapshot::ignored says which and why);
// NIS2 reports likewise. So the rule holds for objects arriving by any way in,
// federation included (a peer's objects passed the ingress rule).
//
// A CaseBook is not safe for concurrent use; the Store it uses is. Times come from the
// Clock given, ids from the Random given (tests substitute both).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "audit/log.h"
#include "cases/case.h"
#include "cases/nis2.h"
#include "common/env.h"
#include "entente/status.h"
#include "policy/policy.h"
#include "store/store.h"

namespace entente::cases {

// The organisation acting on a case: its id on this node, its identity id, and the
// identity ids of this node's other organisations (admission's authorship rule).
struct Actor {
  std::string org_id;
  std::string identity_id;
  std::vector<std::string> local_identities;
  policy::Requester reader;  // what it may read (policy::RequesterFor, no individual)
};
// The Actor for local organisation `org_id`: not-found for an unknown one,
// invalid-argument for one without an identity id.
Result<Actor> ActorFor(store::Store& store, std::string_view org_id);

// One participant's states, oldest first (the versions of its state note); empty when it
// wrote none (it is then "invited").
struct ParticipantTimeline {
  std::string participant;  // identity id
  int64_t invited_us = 0;   // the first case version naming it (0: not visible)
  std::vector<StateView> states;
  ParticipantState current() const {
    return states.empty() ? ParticipantState::kInvited : states.back().state;
  }
};

// A case as one reader sees it.
struct CaseSnapshot {
  CaseView now;                                   // the newest version the reader may see
  std::vector<CaseView> versions;                 // every version it may see, oldest first
  std::vector<ImpactView> impacts;                // the external impacts it may see
  std::vector<TaskView> tasks;                    // the case's tasks it may see, newest versions
  std::vector<ParticipantTimeline> participants;  // in the order they were invited
  std::vector<ReportView> reports;    // NIS2 reports by the case's creator, oldest first
  Nis2Submissions submissions;        // the earliest of each stage among `reports`
  std::vector<std::string> attached;  // source_ref of relationships to the case
  // Objects about the case that were not counted, each "id: why" (a forged or uninvited
  // state, a report by someone else than the case's creator).
  std::vector<std::string> ignored;
  // Load's scan of the collection's notes, reports and relationships stopped at its cap:
  // states, reports and attachments added after that point are missing.
  bool capped = false;
};

class CaseBook {
 public:
  CaseBook(store::Store& store, store::Collection collection, Clock& clock = SystemClock(),
           Random& random = SystemRandom());

  // The node's record (audit/log.h): each operation below appends one case-event entry
  // (opened, invited, updated, state, report, task, task-outcome, attached; by the
  // actor's organisation) before it stores anything, and fails, storing nothing, when the
  // record cannot take it. Null (the default): no case events are recorded.
  void SetRecord(std::shared_ptr<audit::AuditLog> record) { record_ = std::move(record); }

  // Opens a case as `as`: fills spec.id, impact_ids, created_by and created_us, builds
  // (BuildCase) and stores the impacts and the incident. Returns the incident id.
  Result<std::string> Open(const Actor& as, CaseSpec spec);

  // A new version of the case naming `identities` (identity ids) as recipients too, and a
  // new version, shared with them as well, of every object `as` wrote about the case
  // (impacts, tasks, NIS2 reports, its state note, attachments). The other participants' states
  // reach a newcomer with their next version (each writes only its own).
  // Permission-denied unless `as` opened the case.
  Status Invite(const Actor& as, std::string_view case_id,
                const std::vector<std::string>& identities);

  // A new version of the case with Incident Core properties changed (WithCoreUpdate).
  Status Update(const Actor& as, std::string_view case_id, std::string_view determination,
                std::string_view investigation_status, std::optional<int> criticality);

  // `as`'s state on the case: a new version of its state note, or its first one.
  // Permission-denied when `as` is neither the case's creator nor a recipient. Returns
  // the note's id.
  Result<std::string> SetState(const Actor& as, std::string_view case_id, ParticipantState state,
                               std::string_view text);

  // Files a NIS2 report of `stage` at `submitted_us` (0: now) for the case, by `as`
  // (only the reports of the case's creator count). The report's id is the UUIDv5 of the
  // case id and stage, so filing the same stage twice at the same time stores one object
  // (AlreadyExists when the stage was filed before, at another time: the earliest counts).
  Result<std::string> FileReport(const Actor& as, std::string_view case_id, Nis2Stage stage,
                                 int64_t submitted_us, std::string_view text);

  // Adds a task (the suite's Task SDO; spec's id, creator, time, TLP and recipients are
  // filled here) to the case: the task, then a new version of the case listing it. Only
  // by the organisation that opened the case. Returns the task's id.
  Result<std::string> AddTask(const Actor& as, std::string_view case_id, TaskSpec spec);
  // A new version of a task of the case with another outcome (by the task's creator).
  Status SetTaskOutcome(const Actor& as, std::string_view case_id, std::string_view task_id,
                        std::string_view outcome);

  // Attaches an object (indicator, sighting, report, note id) to the case with a
  // relationship by `as`. The relationship names the object, so it is shared no wider than
  // the object: when `as` may read the object in any collection of the node (its strictest
  // visible version counts), the relationship takes the stricter TLP of the two and goes
  // to the participants (and `as`) who may read the object too - a participant on this
  // node as the gate decides for it (collection and object), one on another node only when
  // the object is TLP:CLEAR or names it as a recipient (its communities are not known
  // here). If that leaves someone out of a CLEAR or GREEN case, the relationship is AMBER
  // to those left. An object `as` cannot see here is attached as the case is marked. A
  // TLP:RED object is refused (invalid-argument). Such a narrowed attachment is not
  // re-shared by Invite. Returns the relationship's id.
  Result<std::string> Attach(const Actor& as, std::string_view case_id,
                             std::string_view source_ref);

  // The case as `who` sees it; not-found when it may see no version of it. Its states,
  // reports and attachments come from one scan of the collection's notes, reports and
  // relationships (there is no index by object_refs); `scan_cap` > 0 stops that scan
  // after so many visible rows of any type (CaseSnapshot::capped; the store has no index
  // by type, so the bound counts every row read), for views that must stay bounded.
  Result<CaseSnapshot> Load(const policy::Requester& who, std::string_view case_id,
                            size_t scan_cap = 0);

  // The newest version of every case `who` may see, oldest case first.
  Result<std::vector<CaseView>> List(const policy::Requester& who);

 private:
  // The attached object as `reader` may see it, and where.
  struct Attachable {
    store::Collection collection;
    policy::Labels labels;
  };
  // The strictest version of `object_id` `reader` may see in any collection it may read;
  // nullopt when none.
  Result<std::optional<Attachable>> FindAttachable(const policy::Requester& reader,
                                                   std::string_view object_id);
  // Those of `participants` who may read `object` (see Attach), `actor_identity` kept.
  Result<std::vector<std::string>> ParticipantsWhoMayRead(
      const Attachable& object, const std::vector<std::string>& participants,
      std::string_view actor_identity);
  // Admits and stores `objects` in order, as `as`; the first refusal or ownership
  // failure is returned (objects before it stay stored).
  // What an operation is, for the record.
  struct CaseEvent {
    std::string case_id;
    std::string event;
    std::map<std::string, std::string> detail;
  };
  Status Store(const Actor& as, const std::vector<boost::json::object>& objects,
               const CaseEvent& event);
  // The newest version of `case_id` `who` may see, as JSON.
  Result<boost::json::object> LatestIncident(const policy::Requester& who,
                                             std::string_view case_id);
  // A `modified` after `current_us` and not before now.
  int64_t NextTime(int64_t current_us);

  store::Store& store_;
  store::Collection collection_;
  Clock& clock_;
  Random& random_;
  std::shared_ptr<audit::AuditLog> record_;
};

}  // namespace entente::cases
