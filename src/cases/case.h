// cases/case.h: a case as STIX 2.1 objects, built and read back (issue 15).
//
// A case is an `incident` SDO carrying
//   - the OASIS Incident Core Extension 2.0 (kIncidentCoreExtensionId): determination,
//     investigation_status, criticality, impact_refs;
//   - entente's case extension (kCaseExtensionId): the RSIT classification (also written
//     as the "rsit:" machine tag in `labels`) and, for a case reported under NIS2, the
//     moment of awareness and the deadlines that follow from it (cases/nis2.h);
//   - entente's audience extension (policy::kAudienceExtensionId): `recipients` are the
//     identity ids of the organisations invited to the case (its participants).
// Its external impacts (national-security, foreign-relations, ...) are `impact` SDOs of
// the Incident Extension Suite (kImpactExtensionId, impact_category "external"), listed
// in impact_refs. Each participant's state on the case is a `note` it creates, with
// object_refs [incident] and the case extension's participant_ref and state; its
// versions are its timeline. Each NIS2 report is a `report` referencing the incident,
// with the case extension's nis2_stage. Indicators, sightings, reports and notes attach
// to the case by ordinary `relationship` objects (BuildAttachment).
//
// Everything here is pure (no store, no clock: times are passed in) and safe for
// concurrent use; returned objects own their data. Reading functions accept any object
// and never trust it: what breaks a rule is an invalid-argument naming the property.
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cases/nis2.h"
#include "cases/rsit.h"
#include "entente/status.h"
#include "policy/policy.h"

namespace entente::cases {

// The OASIS Incident Core Extension (property extension of incident) and the Impact SDO
// extension of the Incident Extension Suite (oasis-open/cti-stix-common-objects,
// extension-definition-specifications/incident-core/).
inline constexpr std::string_view kIncidentCoreExtensionId =
    "extension-definition--ef765651-680c-498d-9894-99799f2fa126";
inline constexpr std::string_view kImpactExtensionId =
    "extension-definition--7cc33dd6-f6a1-489b-98ea-522d351d71b9";
// The Task SDO extension of the suite (section 2.4): the case's tasks, listed in the
// Incident Core Extension's `tasks` as task-entry objects ({"task_ref": ...}).
inline constexpr std::string_view kTaskExtensionId =
    "extension-definition--2074a052-8be4-4932-849e-f5e7798e0030";
// entente's case extension (CASES_DESIGN.md): RSIT and NIS2 on the incident, the
// participant's state on a note, the NIS2 stage on a report.
inline constexpr std::string_view kCaseExtensionId =
    "extension-definition--3b8a6e2c-4f0d-4f7e-9d5a-6c1e2b7a9f01";

// The suite's incident-determination-enum (5.5), with "low-value", which the
// determination property's own description names.
bool IsDetermination(std::string_view v);
std::string JoinedDeterminations();
// incident-investigation-ov (4.6): new, open, closed. An open vocabulary: a case read
// from elsewhere may carry another value; entente writes only these.
bool IsInvestigationStatus(std::string_view v);
// external-impact-ov (4.5): economic, emergency-services, foreign-relations,
// national-security, public-confidence, public-health, public-safety.
bool IsExternalImpact(std::string_view v);
std::string JoinedExternalImpacts();

// task-outcome-enum (5.9): cancelled, failed, ongoing, pending, successful, unknown.
bool IsTaskOutcome(std::string_view v);
std::string JoinedTaskOutcomes();

// A participant's state on a case, in the order a case usually moves through them.
// "invited" is never written: it is the state of a recipient that has written none.
enum class ParticipantState { kInvited, kAcknowledged, kInvestigating, kContained, kClosed };
std::string_view ParticipantStateName(ParticipantState s);
// The names above except "invited" (nobody writes it); false for anything else.
bool ParseWritableState(std::string_view name, ParticipantState* out);

// What opening a case needs. Times are microseconds since the epoch (UTC).
struct CaseSpec {
  std::string id;          // "incident--<uuid>": the caller makes it (random)
  std::string created_by;  // identity id of the organisation opening the case
  int64_t created_us = 0;
  std::string name;
  std::string description;
  RsitClassification rsit;                  // checked (ClassifyRsit)
  std::string determination = "suspected";  // the suite: "SHOULD be suspected until..."
  std::string investigation_status = "new";
  std::optional<int> criticality;             // 0-100
  std::vector<std::string> external_impacts;  // external-impact-ov values
  std::vector<std::string> impact_ids;        // one "impact--<uuid>" per external impact
  policy::Tlp tlp = policy::Tlp::kAmber;
  std::vector<std::string> recipients;  // identity ids; created_by is always added
  std::optional<int64_t> nis2_awareness_us;
};

struct BuiltCase {
  boost::json::object incident;
  std::vector<boost::json::object> impacts;  // stored before the incident
};

// Checks `spec` (vocabularies, criticality range, ids, one impact id per impact) and
// builds the objects; invalid-argument naming the flag-level problem otherwise.
Result<BuiltCase> BuildCase(const CaseSpec& spec);

// A case as read from one version of its incident.
struct CaseView {
  std::string id;
  std::string version;  // `modified`
  int64_t modified_us = 0;
  int64_t created_us = 0;
  std::string created_by;
  std::string name;
  std::string description;
  RsitClassification rsit;
  std::string determination;
  std::string investigation_status;
  std::optional<int> criticality;
  std::vector<std::string> impact_refs;
  std::vector<std::string> task_refs;  // the task_ref of each entry of `tasks`
  std::vector<std::string> recipients;
  std::optional<int64_t> nis2_awareness_us;
  // Its strictest TLP marking (CaseTlp); its state notes, reports and attachments carry
  // the same.
  policy::Tlp tlp = policy::Tlp::kAmber;
};

// The strictest TLP marking of `obj` (policy::TlpOfMarking; AMBER when it has none).
policy::Tlp CaseTlp(const boost::json::object& obj);

// Reads an incident as a case: the incident core extension (determination and
// investigation_status required), the case extension with a valid RSIT class (type
// optional; ClassifyRsit) matching the "rsit:" label, created_by_ref present. An incident
// that is not a case (no case extension) is not-found; a broken case invalid-argument.
Result<CaseView> ReadCase(const boost::json::object& incident);

// A new version of the case at `modified_us` (> its modified) with `recipients` added to
// its audience (those already present are not repeated). Keeps everything else.
Result<boost::json::object> WithRecipients(const boost::json::object& incident,
                                           const std::vector<std::string>& recipients,
                                           int64_t modified_us);

// A new version of any case object (an impact, a NIS2 report, a state note, an
// attachment) at `modified_us` (> its modified) with `recipients` added to its audience:
// how an invitation reaches what the inviter wrote about the case before.
Result<boost::json::object> WithAddedRecipients(const boost::json::object& obj,
                                                const std::vector<std::string>& recipients,
                                                int64_t modified_us);

// A new version of the case with the Incident Core properties changed (empty/nullopt:
// unchanged), checked as BuildCase checks them.
Result<boost::json::object> WithCoreUpdate(const boost::json::object& incident,
                                           std::string_view determination,
                                           std::string_view investigation_status,
                                           std::optional<int> criticality, int64_t modified_us);

// A task of the case (the suite's Task SDO): made by the case's creator, TLP and audience
// those of the case. `previous` given: its next version with the outcome changed.
struct TaskSpec {
  std::string id;  // "task--<uuid>"
  std::string created_by;
  int64_t at_us = 0;
  std::string name;
  std::string description;
  std::string outcome = "pending";
  std::vector<std::string> task_types;  // task-type-ov (open: any value kept)
  std::optional<int> priority;          // 0-100
  policy::Tlp tlp = policy::Tlp::kAmber;
  std::vector<std::string> recipients;
};
Result<boost::json::object> BuildTask(const TaskSpec& spec);
Result<boost::json::object> WithTaskOutcome(const boost::json::object& task,
                                            std::string_view outcome, int64_t modified_us);

struct TaskView {
  std::string id;
  std::string created_by;
  std::string name;
  std::string outcome;
  std::vector<std::string> task_types;
  std::optional<int> priority;
  int64_t modified_us = 0;
};
// Not-found for another type; invalid-argument for a task breaking the suite's rules
// (outcome outside the enum, priority outside 0-100).
Result<TaskView> ReadTask(const boost::json::object& task);

// A new version of the case listing `task_id` among its tasks.
Result<boost::json::object> WithTask(const boost::json::object& incident, std::string_view task_id,
                                     int64_t modified_us);

// An external impact (impact_category "external", the suite's external-impact-ov value
// as impact_type), as BuildCase makes it.
struct ImpactView {
  std::string id;
  std::string impact_type;
  std::optional<int> criticality;
};
Result<ImpactView> ReadImpact(const boost::json::object& impact);

// A participant's state: a note by `participant` (identity id) on the case, TLP and
// audience those of the case (everyone entitled sees everyone's state). `previous` is the
// participant's state note when it has one: the result is then its next version (the
// timeline), else a new note with id `new_id`.
struct StateSpec {
  std::string case_id;
  std::string participant;  // identity id; also created_by_ref
  ParticipantState state = ParticipantState::kAcknowledged;
  std::string text;  // the note's content ("" : the state's name)
  int64_t at_us = 0;
  policy::Tlp tlp = policy::Tlp::kAmber;
  std::vector<std::string> recipients;
  std::string new_id;  // "note--<uuid>"
};
Result<boost::json::object> BuildState(const StateSpec& spec, const boost::json::object* previous);

struct StateView {
  std::string id;
  std::string case_id;
  std::string participant;
  ParticipantState state = ParticipantState::kAcknowledged;
  std::string text;
  int64_t at_us = 0;  // modified
};
// Reads a state note. Refused (invalid-argument) when it is not one, when its state is
// not a writable state, or when its created_by_ref is not its participant_ref: a state is
// only ever its participant's own word (a forged one is ignored by whoever reads it).
// Not-found for a note that is not a case state.
Result<StateView> ReadState(const boost::json::object& note);

// A NIS2 report linked to the case: a `report` (report_types ["nis2-<stage>"],
// object_refs [case], published = submitted) by `created_by`, with the case extension's
// nis2_stage. Its id is made by the caller (cases/case_store.h: UUIDv5 of the case and
// stage, so that filing the same report twice stores it once).
struct ReportSpec {
  std::string id;
  std::string case_id;
  std::string created_by;
  Nis2Stage stage = Nis2Stage::kEarlyWarning;
  int64_t submitted_us = 0;
  std::string name;
  std::string description;
  policy::Tlp tlp = policy::Tlp::kAmber;
  std::vector<std::string> recipients;
};
Result<boost::json::object> BuildReport(const ReportSpec& spec);

struct ReportView {
  std::string id;
  std::string case_id;
  std::string created_by;
  Nis2Stage stage = Nis2Stage::kEarlyWarning;
  int64_t submitted_us = 0;
};
// Not-found for a report that is not a NIS2 report of a case; invalid-argument when one
// is broken.
Result<ReportView> ReadReport(const boost::json::object& report);

// A relationship `source` -> `case_id` attaching an indicator, sighting, report, note or
// observed-data to the case ("related-to"; "detected" for an indicator, as the suite's
// reverse relationships name it). Invalid-argument for another type.
Result<boost::json::object> BuildAttachment(std::string_view id, std::string_view source_ref,
                                            std::string_view case_id, std::string_view created_by,
                                            int64_t at_us, policy::Tlp tlp,
                                            const std::vector<std::string>& recipients);

}  // namespace entente::cases
