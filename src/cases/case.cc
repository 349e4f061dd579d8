#include "cases/case.h"

#include <algorithm>
#include <array>

#include "common/timestamp.h"

namespace entente::cases {
namespace {

namespace json = boost::json;

constexpr std::array<std::string_view, 6> kDeterminations = {
    "blocked", "confirmed", "failed-attempt", "false-positive", "low-value", "suspected"};
constexpr std::array<std::string_view, 3> kInvestigationStatuses = {"new", "open", "closed"};
constexpr std::array<std::string_view, 7> kExternalImpacts = {
    "economic",          "emergency-services", "foreign-relations", "national-security",
    "public-confidence", "public-health",      "public-safety"};
constexpr std::array<std::string_view, 6> kTaskOutcomes = {"cancelled", "failed",     "ongoing",
                                                           "pending",   "successful", "unknown"};
constexpr std::array<std::string_view, 4> kAttachable = {"indicator", "sighting", "report", "note"};

template <size_t N>
bool In(const std::array<std::string_view, N>& list, std::string_view v) {
  return std::find(list.begin(), list.end(), v) != list.end();
}

template <size_t N>
std::string Joined(const std::array<std::string_view, N>& list) {
  std::string out;
  for (std::string_view v : list) {
    if (!out.empty()) out += ", ";
    out += v;
  }
  return out;
}

std::string Ts(int64_t us) { return FormatTimestamp(us, 3); }

// The latest time a STIX timestamp can hold (9999-12-31T23:59:59.999Z), and the earliest.
constexpr int64_t kLastTimestampUs = 253402300799999000;
constexpr int64_t kFirstTimestampUs = -62135596800000000;  // 0001-01-01T00:00:00Z

bool Writable(int64_t us) { return us >= kFirstTimestampUs && us <= kLastTimestampUs; }

bool IsIdOf(std::string_view id, std::string_view type) {
  // type--xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx (lower-case hex)
  if (!id.starts_with(type) || id.size() != type.size() + 2 + 36) return false;
  if (id.substr(type.size(), 2) != "--") return false;
  std::string_view u = id.substr(type.size() + 2);
  for (size_t i = 0; i < u.size(); ++i) {
    const char c = u[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-') return false;
    } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      return false;
    }
  }
  return true;
}

Status Invalid(std::string_view property, std::string_view message) {
  return Status::InvalidArgument(std::string(property) + ": " + std::string(message));
}

// The TLP marking and the audience extension every case object carries.
void Mark(json::object& obj, policy::Tlp tlp, const std::vector<std::string>& recipients) {
  obj["object_marking_refs"] = json::array{json::string(policy::Tlp2MarkingId(tlp))};
  if (!recipients.empty()) {
    json::array r;
    for (const auto& id : recipients) r.emplace_back(id);
    json::object& exts = obj["extensions"].is_object() ? obj["extensions"].get_object()
                                                       : obj["extensions"].emplace_object();
    exts[policy::kAudienceExtensionId] =
        json::object{{"extension_type", "property-extension"}, {"recipients", std::move(r)}};
  }
}

json::object& Extensions(json::object& obj) {
  json::value& v = obj["extensions"];
  return v.is_object() ? v.get_object() : v.emplace_object();
}

const json::object* ExtensionOf(const json::object& obj, std::string_view ext_id) {
  const json::value* exts = obj.if_contains("extensions");
  if (!exts || !exts->is_object()) return nullptr;
  const json::value* e = exts->get_object().if_contains(ext_id);
  return e && e->is_object() ? &e->get_object() : nullptr;
}

// A string member, or nullopt when absent; an error when present and not a string.
Result<std::optional<std::string>> OptString(const json::object& o, std::string_view key,
                                             std::string_view where) {
  const json::value* v = o.if_contains(key);
  if (!v) return std::optional<std::string>();
  if (!v->is_string()) return Invalid(std::string(where) + std::string(key), "must be a string");
  return std::optional<std::string>(std::string(v->get_string()));
}

Result<std::string> ReqString(const json::object& o, std::string_view key, std::string_view where) {
  auto s = OptString(o, key, where);
  if (!s.ok()) return s.status();
  if (!*s || (*s)->empty()) return Invalid(std::string(where) + std::string(key), "required");
  return **s;
}

Result<int64_t> ReqTime(const json::object& o, std::string_view key, std::string_view where) {
  auto s = ReqString(o, key, where);
  if (!s.ok()) return s.status();
  auto t = ParseTimestamp(*s);
  if (!t.ok()) return Invalid(std::string(where) + std::string(key), t.status().message());
  return t->micros;
}

Result<std::optional<int64_t>> OptTime(const json::object& o, std::string_view key,
                                       std::string_view where) {
  if (!o.contains(key)) return std::optional<int64_t>();
  auto t = ReqTime(o, key, where);
  if (!t.ok()) return t.status();
  return std::optional<int64_t>(*t);
}

Result<std::optional<int>> OptCriticality(const json::object& o, std::string_view where) {
  const json::value* v = o.if_contains("criticality");
  if (!v) return std::optional<int>();
  int64_t n = 0;
  if (v->is_int64()) {
    n = v->get_int64();
  } else if (v->is_uint64() && v->get_uint64() <= 100) {
    n = static_cast<int64_t>(v->get_uint64());
  } else {
    return Invalid(std::string(where) + "criticality", "must be an integer from 0 to 100");
  }
  if (n < 0 || n > 100) {
    return Invalid(std::string(where) + "criticality", "must be an integer from 0 to 100");
  }
  return std::optional<int>(static_cast<int>(n));
}

std::vector<std::string> StringList(const json::object* o, std::string_view key) {
  std::vector<std::string> out;
  if (!o) return out;
  const json::value* v = o->if_contains(key);
  if (!v || !v->is_array()) return out;
  for (const auto& item : v->get_array()) {
    if (item.is_string()) out.emplace_back(item.get_string());
  }
  return out;
}

std::vector<std::string> WithCreator(std::vector<std::string> recipients,
                                     const std::string& creator) {
  if (std::find(recipients.begin(), recipients.end(), creator) == recipients.end()) {
    recipients.insert(recipients.begin(), creator);
  }
  return recipients;
}

Status CheckCore(std::string_view determination, std::string_view status,
                 std::optional<int> criticality) {
  if (!determination.empty() && !IsDetermination(determination)) {
    return Status::InvalidArgument("unknown determination '" + std::string(determination) +
                                   "' (valid: " + JoinedDeterminations() + ")");
  }
  if (!status.empty() && !IsInvestigationStatus(status)) {
    return Status::InvalidArgument("unknown investigation status '" + std::string(status) +
                                   "' (valid: " + Joined(kInvestigationStatuses) + ")");
  }
  if (criticality && (*criticality < 0 || *criticality > 100)) {
    return Status::InvalidArgument("criticality must be from 0 to 100");
  }
  return Status::Ok();
}

// The next version's `modified`: after the current one.
Result<int64_t> NextModified(const json::object& obj, int64_t modified_us) {
  auto current = ReqTime(obj, "modified", "");
  if (!current.ok()) return current.status();
  if (!Writable(modified_us)) return Status::InvalidArgument("time out of the timestamp range");
  if (modified_us <= *current) {
    return Status::InvalidArgument(
        "the new version's modified must be later than the current one (" + Ts(*current) + ")");
  }
  return modified_us;
}

}  // namespace

bool IsDetermination(std::string_view v) { return In(kDeterminations, v); }
std::string JoinedDeterminations() { return Joined(kDeterminations); }
bool IsInvestigationStatus(std::string_view v) { return In(kInvestigationStatuses, v); }
bool IsExternalImpact(std::string_view v) { return In(kExternalImpacts, v); }
std::string JoinedExternalImpacts() { return Joined(kExternalImpacts); }
bool IsTaskOutcome(std::string_view v) { return In(kTaskOutcomes, v); }
std::string JoinedTaskOutcomes() { return Joined(kTaskOutcomes); }

std::string_view ParticipantStateName(ParticipantState s) {
  switch (s) {
    case ParticipantState::kInvited:
      return "invited";
    case ParticipantState::kAcknowledged:
      return "acknowledged";
    case ParticipantState::kInvestigating:
      return "investigating";
    case ParticipantState::kContained:
      return "contained";
    case ParticipantState::kClosed:
      return "closed";
  }
  return "invited";
}

bool ParseWritableState(std::string_view name, ParticipantState* out) {
  for (ParticipantState s : {ParticipantState::kAcknowledged, ParticipantState::kInvestigating,
                             ParticipantState::kContained, ParticipantState::kClosed}) {
    if (name == ParticipantStateName(s)) {
      *out = s;
      return true;
    }
  }
  return false;
}

Result<BuiltCase> BuildCase(const CaseSpec& spec) {
  if (!IsIdOf(spec.id, "incident"))
    return Status::InvalidArgument("case id must be incident--<uuid>");
  if (!IsIdOf(spec.created_by, "identity")) {
    return Status::InvalidArgument("the organisation opening a case needs an identity id");
  }
  if (spec.name.empty()) return Status::InvalidArgument("a case needs a name");
  if (!Writable(spec.created_us) ||
      (spec.nis2_awareness_us &&
       (!Writable(*spec.nis2_awareness_us) ||
        !Writable(*spec.nis2_awareness_us + kIncidentNotificationWithin)))) {
    return Status::InvalidArgument("time out of the timestamp range (years 0001-9999)");
  }
  auto checked = ClassifyRsit(spec.rsit.class_name, spec.rsit.type_name);
  if (!checked.ok()) return checked.status();
  ENTENTE_RETURN_IF_ERROR(
      CheckCore(spec.determination, spec.investigation_status, spec.criticality));
  if (spec.determination.empty() || spec.investigation_status.empty()) {
    return Status::InvalidArgument("determination and investigation status are required");
  }
  if (spec.impact_ids.size() != spec.external_impacts.size()) {
    return Status::InvalidArgument("one impact id per external impact");
  }
  for (const auto& r : spec.recipients) {
    if (!IsIdOf(r, "identity")) {
      return Status::InvalidArgument("recipient '" + r + "' is not an identity id");
    }
  }
  const std::vector<std::string> recipients = WithCreator(spec.recipients, spec.created_by);
  BuiltCase out;
  json::array impact_refs;
  for (size_t i = 0; i < spec.external_impacts.size(); ++i) {
    const std::string& kind = spec.external_impacts[i];
    if (!IsExternalImpact(kind)) {
      return Status::InvalidArgument("unknown external impact '" + kind +
                                     "' (valid: " + JoinedExternalImpacts() + ")");
    }
    if (!IsIdOf(spec.impact_ids[i], "impact")) {
      return Status::InvalidArgument("impact id must be impact--<uuid>");
    }
    json::object impact{{"type", "impact"},
                        {"spec_version", "2.1"},
                        {"id", spec.impact_ids[i]},
                        {"created", Ts(spec.created_us)},
                        {"modified", Ts(spec.created_us)},
                        {"created_by_ref", spec.created_by},
                        {"impact_category", "external"},
                        {"impact_type", kind},
                        {"start_time", Ts(spec.created_us)}};
    if (spec.criticality) impact["criticality"] = *spec.criticality;
    Extensions(impact)[kImpactExtensionId] = json::object{{"extension_type", "new-sdo"}};
    Mark(impact, spec.tlp, recipients);
    impact_refs.emplace_back(spec.impact_ids[i]);
    out.impacts.push_back(std::move(impact));
  }
  json::object core{{"extension_type", "property-extension"},
                    {"determination", spec.determination},
                    {"investigation_status", spec.investigation_status}};
  if (spec.criticality) core["criticality"] = *spec.criticality;
  if (!impact_refs.empty()) core["impact_refs"] = std::move(impact_refs);
  json::object ext{{"extension_type", "property-extension"}, {"rsit_class", checked->class_name}};
  if (!checked->type_name.empty()) ext["rsit_type"] = checked->type_name;
  if (spec.nis2_awareness_us) {
    const int64_t aware = *spec.nis2_awareness_us;
    ext["nis2_awareness"] = Ts(aware);
    ext["nis2_early_warning_due"] = Ts(aware + kEarlyWarningWithin);
    ext["nis2_incident_notification_due"] = Ts(aware + kIncidentNotificationWithin);
  }
  json::object incident{{"type", "incident"},
                        {"spec_version", "2.1"},
                        {"id", spec.id},
                        {"created", Ts(spec.created_us)},
                        {"modified", Ts(spec.created_us)},
                        {"created_by_ref", spec.created_by},
                        {"name", spec.name},
                        {"labels", json::array{json::string(RsitMachineTag(*checked))}}};
  if (!spec.description.empty()) incident["description"] = spec.description;
  json::object& exts = Extensions(incident);
  exts[kIncidentCoreExtensionId] = std::move(core);
  exts[kCaseExtensionId] = std::move(ext);
  Mark(incident, spec.tlp, recipients);
  out.incident = std::move(incident);
  return out;
}

policy::Tlp CaseTlp(const json::object& obj) {
  policy::Tlp tlp = policy::Tlp::kAmber;
  bool any = false;
  const json::value* marks = obj.if_contains("object_marking_refs");
  if (!marks || !marks->is_array()) return tlp;
  for (const auto& m : marks->get_array()) {
    policy::Tlp t;
    if (m.is_string() && policy::TlpOfMarking(m.get_string(), &t) && (!any || t > tlp)) {
      tlp = t;
      any = true;
    }
  }
  return tlp;
}

Result<CaseView> ReadCase(const json::object& incident) {
  const json::value* type = incident.if_contains("type");
  if (!type || !type->is_string() || type->get_string() != "incident") {
    return Status::NotFound("not an incident");
  }
  const json::object* ext = ExtensionOf(incident, kCaseExtensionId);
  if (!ext) return Status::NotFound("an incident without the case extension is not a case");
  CaseView v;
  auto id = ReqString(incident, "id", "");
  if (!id.ok()) return id.status();
  v.id = *id;
  auto modified = ReqTime(incident, "modified", "");
  if (!modified.ok()) return modified.status();
  v.modified_us = *modified;
  v.version = incident.at("modified").get_string();
  auto created = ReqTime(incident, "created", "");
  if (!created.ok()) return created.status();
  v.created_us = *created;
  auto creator = ReqString(incident, "created_by_ref", "");
  if (!creator.ok()) return creator.status();
  v.created_by = *creator;
  auto name = ReqString(incident, "name", "");
  if (!name.ok()) return name.status();
  v.name = *name;
  auto description = OptString(incident, "description", "");
  if (!description.ok()) return description.status();
  v.description = description->value_or("");
  // RSIT: the class is required and must be known; the machine tag agrees.
  const std::string where = "extensions." + std::string(kCaseExtensionId) + ".";
  auto rsit_class = ReqString(*ext, "rsit_class", where);
  if (!rsit_class.ok()) return rsit_class.status();
  auto rsit_type = OptString(*ext, "rsit_type", where);
  if (!rsit_type.ok()) return rsit_type.status();
  auto rsit = ClassifyRsit(*rsit_class, rsit_type->value_or(""));
  if (!rsit.ok()) return Invalid(where + "rsit_class", rsit.status().message());
  if (rsit->class_name != *rsit_class || rsit->type_name != rsit_type->value_or("")) {
    return Invalid(where + "rsit_class", "RSIT names are written in their machine form");
  }
  v.rsit = *rsit;
  const std::vector<std::string> labels = StringList(&incident, "labels");
  if (std::find(labels.begin(), labels.end(), RsitMachineTag(v.rsit)) == labels.end()) {
    return Invalid("labels",
                   "the case's RSIT machine tag " + RsitMachineTag(v.rsit) + " is missing");
  }
  auto aware = OptTime(*ext, "nis2_awareness", where);
  if (!aware.ok()) return aware.status();
  v.nis2_awareness_us = *aware;
  // The Incident Core Extension.
  const json::object* core = ExtensionOf(incident, kIncidentCoreExtensionId);
  if (!core) return Invalid("extensions", "a case carries the Incident Core Extension");
  const std::string cwhere = "extensions." + std::string(kIncidentCoreExtensionId) + ".";
  auto det = ReqString(*core, "determination", cwhere);
  if (!det.ok()) return det.status();
  if (!IsDetermination(*det)) {
    return Invalid(cwhere + "determination",
                   "not in incident-determination-enum (" + JoinedDeterminations() + ")");
  }
  v.determination = *det;
  auto status = ReqString(*core, "investigation_status", cwhere);
  if (!status.ok()) return status.status();
  v.investigation_status = *status;  // an open vocabulary: any value is kept
  auto crit = OptCriticality(*core, cwhere);
  if (!crit.ok()) return crit.status();
  v.criticality = *crit;
  v.impact_refs = StringList(core, "impact_refs");
  if (const json::value* tasks = core->if_contains("tasks"); tasks && tasks->is_array()) {
    for (const auto& entry : tasks->get_array()) {
      const json::value* ref =
          entry.is_object() ? entry.get_object().if_contains("task_ref") : nullptr;
      if (ref && ref->is_string()) v.task_refs.emplace_back(ref->get_string());
    }
  }
  v.recipients = StringList(ExtensionOf(incident, policy::kAudienceExtensionId), "recipients");
  v.tlp = CaseTlp(incident);
  return v;
}

Result<json::object> WithAddedRecipients(const json::object& obj,
                                         const std::vector<std::string>& recipients,
                                         int64_t modified_us) {
  auto next = NextModified(obj, modified_us);
  if (!next.ok()) return next.status();
  json::object out = obj;
  out["modified"] = Ts(*next);
  json::value& audience = Extensions(out)[policy::kAudienceExtensionId];
  if (!audience.is_object()) {
    audience = json::object{{"extension_type", "property-extension"}};
  }
  json::value& list = audience.get_object()["recipients"];
  if (!list.is_array()) list = json::array();
  for (const auto& r : recipients) {
    if (!IsIdOf(r, "identity")) {
      return Status::InvalidArgument("'" + r + "' is not an identity id");
    }
    bool present = false;
    for (const auto& have : list.get_array()) present |= have.is_string() && have.get_string() == r;
    if (!present) list.get_array().emplace_back(r);
  }
  return out;
}

Result<json::object> WithRecipients(const json::object& incident,
                                    const std::vector<std::string>& recipients,
                                    int64_t modified_us) {
  auto view = ReadCase(incident);
  if (!view.ok()) return view.status();
  return WithAddedRecipients(incident, recipients, modified_us);
}

Result<json::object> WithCoreUpdate(const json::object& incident, std::string_view determination,
                                    std::string_view investigation_status,
                                    std::optional<int> criticality, int64_t modified_us) {
  auto view = ReadCase(incident);
  if (!view.ok()) return view.status();
  ENTENTE_RETURN_IF_ERROR(CheckCore(determination, investigation_status, criticality));
  auto next = NextModified(incident, modified_us);
  if (!next.ok()) return next.status();
  json::object out = incident;
  out["modified"] = Ts(*next);
  json::object& core = Extensions(out)[kIncidentCoreExtensionId].as_object();
  if (!determination.empty()) core["determination"] = determination;
  if (!investigation_status.empty()) core["investigation_status"] = investigation_status;
  if (criticality) core["criticality"] = *criticality;
  return out;
}

Result<json::object> BuildTask(const TaskSpec& spec) {
  if (!IsIdOf(spec.id, "task")) return Status::InvalidArgument("task id must be task--<uuid>");
  if (!IsIdOf(spec.created_by, "identity")) {
    return Status::InvalidArgument("a task's creator is an identity id");
  }
  if (!Writable(spec.at_us)) return Status::InvalidArgument("time out of the timestamp range");
  if (spec.name.empty()) return Status::InvalidArgument("a task needs a name");
  if (!IsTaskOutcome(spec.outcome)) {
    return Status::InvalidArgument("unknown task outcome '" + spec.outcome +
                                   "' (valid: " + JoinedTaskOutcomes() + ")");
  }
  if (spec.priority && (*spec.priority < 0 || *spec.priority > 100)) {
    return Status::InvalidArgument("priority must be from 0 to 100");
  }
  json::object task{{"type", "task"},
                    {"spec_version", "2.1"},
                    {"id", spec.id},
                    {"created", Ts(spec.at_us)},
                    {"modified", Ts(spec.at_us)},
                    {"created_by_ref", spec.created_by},
                    {"name", spec.name},
                    {"outcome", spec.outcome},
                    {"start_time", Ts(spec.at_us)}};
  if (!spec.description.empty()) task["description"] = spec.description;
  if (!spec.task_types.empty()) {
    json::array types;
    for (const auto& t : spec.task_types) types.emplace_back(t);
    task["task_types"] = std::move(types);
  }
  if (spec.priority) task["priority"] = *spec.priority;
  Extensions(task)[kTaskExtensionId] = json::object{{"extension_type", "new-sdo"}};
  Mark(task, spec.tlp, WithCreator(spec.recipients, spec.created_by));
  return task;
}

Result<json::object> WithTaskOutcome(const json::object& task, std::string_view outcome,
                                     int64_t modified_us) {
  auto view = ReadTask(task);
  if (!view.ok()) return view.status();
  if (!IsTaskOutcome(outcome)) {
    return Status::InvalidArgument("unknown task outcome '" + std::string(outcome) +
                                   "' (valid: " + JoinedTaskOutcomes() + ")");
  }
  auto next = NextModified(task, modified_us);
  if (!next.ok()) return next.status();
  json::object out = task;
  out["modified"] = Ts(*next);
  out["outcome"] = outcome;
  if (outcome != "pending" && outcome != "ongoing") {
    out["end_time"] = Ts(*next);
  } else {
    out.erase("end_time");
  }
  return out;
}

Result<TaskView> ReadTask(const json::object& task) {
  const json::value* type = task.if_contains("type");
  if (!type || !type->is_string() || type->get_string() != "task") {
    return Status::NotFound("not a task");
  }
  TaskView v;
  auto id = ReqString(task, "id", "");
  if (!id.ok()) return id.status();
  v.id = *id;
  auto creator = OptString(task, "created_by_ref", "");
  if (!creator.ok()) return creator.status();
  v.created_by = creator->value_or("");
  auto name = OptString(task, "name", "");
  if (!name.ok()) return name.status();
  v.name = name->value_or("");
  auto outcome = ReqString(task, "outcome", "");
  if (!outcome.ok()) return outcome.status();
  if (!IsTaskOutcome(*outcome)) {
    return Invalid("outcome", "not in task-outcome-enum (" + JoinedTaskOutcomes() + ")");
  }
  v.outcome = *outcome;
  v.task_types = StringList(&task, "task_types");
  const json::value* p = task.if_contains("priority");
  if (p) {
    if (!p->is_int64() || p->get_int64() < 0 || p->get_int64() > 100) {
      return Invalid("priority", "must be an integer from 0 to 100");
    }
    v.priority = static_cast<int>(p->get_int64());
  }
  auto modified = ReqTime(task, "modified", "");
  if (!modified.ok()) return modified.status();
  v.modified_us = *modified;
  return v;
}

Result<json::object> WithTask(const json::object& incident, std::string_view task_id,
                              int64_t modified_us) {
  auto view = ReadCase(incident);
  if (!view.ok()) return view.status();
  if (!IsIdOf(task_id, "task")) return Status::InvalidArgument("not a task id");
  auto next = NextModified(incident, modified_us);
  if (!next.ok()) return next.status();
  json::object out = incident;
  out["modified"] = Ts(*next);
  json::object& core = Extensions(out)[kIncidentCoreExtensionId].as_object();
  json::value& tasks = core["tasks"];
  if (!tasks.is_array()) tasks = json::array();
  for (const auto& ref : view->task_refs) {
    if (ref == task_id) return out;
  }
  tasks.get_array().emplace_back(json::object{{"task_ref", task_id}});
  return out;
}

Result<ImpactView> ReadImpact(const json::object& impact) {
  const json::value* type = impact.if_contains("type");
  if (!type || !type->is_string() || type->get_string() != "impact") {
    return Status::NotFound("not an impact");
  }
  auto category = ReqString(impact, "impact_category", "");
  if (!category.ok()) return category.status();
  if (*category != "external") return Status::NotFound("not an external impact");
  ImpactView v;
  auto id = ReqString(impact, "id", "");
  if (!id.ok()) return id.status();
  v.id = *id;
  auto kind = ReqString(impact, "impact_type", "");
  if (!kind.ok()) return kind.status();
  v.impact_type = *kind;
  auto crit = OptCriticality(impact, "");
  if (!crit.ok()) return crit.status();
  v.criticality = *crit;
  return v;
}

Result<json::object> BuildState(const StateSpec& spec, const json::object* previous) {
  if (!IsIdOf(spec.case_id, "incident")) return Status::InvalidArgument("not a case id");
  if (!IsIdOf(spec.participant, "identity")) {
    return Status::InvalidArgument("a participant is an identity id");
  }
  if (spec.state == ParticipantState::kInvited) {
    return Status::InvalidArgument("'invited' is the state of a participant that wrote none");
  }
  json::object ext{{"extension_type", "property-extension"},
                   {"case_ref", spec.case_id},
                   {"participant_ref", spec.participant},
                   {"state", ParticipantStateName(spec.state)}};
  const std::string content =
      spec.text.empty() ? std::string(ParticipantStateName(spec.state)) : spec.text;
  json::object note;
  if (previous) {
    auto prev = ReadState(*previous);
    if (!prev.ok()) return prev.status();
    if (prev->participant != spec.participant || prev->case_id != spec.case_id) {
      return Status::InvalidArgument("the previous state note is another participant's");
    }
    auto next = NextModified(*previous, spec.at_us);
    if (!next.ok()) return next.status();
    note = *previous;
    note["modified"] = Ts(*next);
  } else {
    if (!IsIdOf(spec.new_id, "note"))
      return Status::InvalidArgument("note id must be note--<uuid>");
    note = json::object{{"type", "note"},
                        {"spec_version", "2.1"},
                        {"id", spec.new_id},
                        {"created", Ts(spec.at_us)},
                        {"modified", Ts(spec.at_us)},
                        {"created_by_ref", spec.participant},
                        {"object_refs", json::array{json::string(spec.case_id)}}};
  }
  note["abstract"] = "case state: " + std::string(ParticipantStateName(spec.state));
  note["content"] = content;
  note.erase("extensions");
  Extensions(note)[kCaseExtensionId] = std::move(ext);
  Mark(note, spec.tlp, WithCreator(spec.recipients, spec.participant));
  return note;
}

Result<StateView> ReadState(const json::object& note) {
  const json::value* type = note.if_contains("type");
  if (!type || !type->is_string() || type->get_string() != "note") {
    return Status::NotFound("not a note");
  }
  const json::object* ext = ExtensionOf(note, kCaseExtensionId);
  if (!ext || !ext->contains("state")) return Status::NotFound("not a case state");
  const std::string where = "extensions." + std::string(kCaseExtensionId) + ".";
  StateView v;
  auto id = ReqString(note, "id", "");
  if (!id.ok()) return id.status();
  v.id = *id;
  auto case_ref = ReqString(*ext, "case_ref", where);
  if (!case_ref.ok()) return case_ref.status();
  v.case_id = *case_ref;
  const std::vector<std::string> refs = StringList(&note, "object_refs");
  if (std::find(refs.begin(), refs.end(), v.case_id) == refs.end()) {
    return Invalid("object_refs", "a case state refers to its case");
  }
  auto participant = ReqString(*ext, "participant_ref", where);
  if (!participant.ok()) return participant.status();
  v.participant = *participant;
  auto creator = ReqString(note, "created_by_ref", "");
  if (!creator.ok()) return creator.status();
  if (*creator != v.participant) {
    return Invalid("created_by_ref",
                   "a participant's state is its own: created_by_ref must be participant_ref");
  }
  auto state = ReqString(*ext, "state", where);
  if (!state.ok()) return state.status();
  if (!ParseWritableState(*state, &v.state)) {
    return Invalid(where + "state", "one of acknowledged, investigating, contained, closed");
  }
  auto content = OptString(note, "content", "");
  if (!content.ok()) return content.status();
  v.text = content->value_or("");
  auto at = ReqTime(note, "modified", "");
  if (!at.ok()) return at.status();
  v.at_us = *at;
  return v;
}

Result<json::object> BuildReport(const ReportSpec& spec) {
  if (!IsIdOf(spec.id, "report"))
    return Status::InvalidArgument("report id must be report--<uuid>");
  if (!IsIdOf(spec.case_id, "incident")) return Status::InvalidArgument("not a case id");
  if (!IsIdOf(spec.created_by, "identity")) {
    return Status::InvalidArgument("a report's creator is an identity id");
  }
  if (!Writable(spec.submitted_us)) {
    return Status::InvalidArgument("time out of the timestamp range");
  }
  const std::string stage(Nis2StageName(spec.stage));
  json::object report{{"type", "report"},
                      {"spec_version", "2.1"},
                      {"id", spec.id},
                      {"created", Ts(spec.submitted_us)},
                      {"modified", Ts(spec.submitted_us)},
                      {"created_by_ref", spec.created_by},
                      {"name", spec.name.empty() ? "NIS2 " + stage : spec.name},
                      {"report_types", json::array{json::string("nis2-" + stage)}},
                      {"published", Ts(spec.submitted_us)},
                      {"object_refs", json::array{json::string(spec.case_id)}}};
  if (!spec.description.empty()) report["description"] = spec.description;
  Extensions(report)[kCaseExtensionId] = json::object{
      {"extension_type", "property-extension"}, {"case_ref", spec.case_id}, {"nis2_stage", stage}};
  Mark(report, spec.tlp, WithCreator(spec.recipients, spec.created_by));
  return report;
}

Result<ReportView> ReadReport(const json::object& report) {
  const json::value* type = report.if_contains("type");
  if (!type || !type->is_string() || type->get_string() != "report") {
    return Status::NotFound("not a report");
  }
  const json::object* ext = ExtensionOf(report, kCaseExtensionId);
  if (!ext || !ext->contains("nis2_stage")) return Status::NotFound("not a NIS2 report");
  const std::string where = "extensions." + std::string(kCaseExtensionId) + ".";
  ReportView v;
  auto id = ReqString(report, "id", "");
  if (!id.ok()) return id.status();
  v.id = *id;
  auto case_ref = ReqString(*ext, "case_ref", where);
  if (!case_ref.ok()) return case_ref.status();
  v.case_id = *case_ref;
  const std::vector<std::string> refs = StringList(&report, "object_refs");
  if (std::find(refs.begin(), refs.end(), v.case_id) == refs.end()) {
    return Invalid("object_refs", "a NIS2 report refers to its case");
  }
  auto stage = ReqString(*ext, "nis2_stage", where);
  if (!stage.ok()) return stage.status();
  if (!ParseNis2Stage(*stage, &v.stage)) {
    return Invalid(where + "nis2_stage",
                   "one of early-warning, incident-notification, final-report");
  }
  auto creator = ReqString(report, "created_by_ref", "");
  if (!creator.ok()) return creator.status();
  v.created_by = *creator;
  auto published = ReqTime(report, "published", "");
  if (!published.ok()) return published.status();
  v.submitted_us = *published;
  return v;
}

Result<json::object> BuildAttachment(std::string_view id, std::string_view source_ref,
                                     std::string_view case_id, std::string_view created_by,
                                     int64_t at_us, policy::Tlp tlp,
                                     const std::vector<std::string>& recipients) {
  const size_t dash = source_ref.find("--");
  const std::string_view source_type =
      dash == std::string_view::npos ? source_ref : source_ref.substr(0, dash);
  if (!In(kAttachable, source_type) || !IsIdOf(source_ref, source_type)) {
    return Status::InvalidArgument(
        "only an indicator, sighting, report or note attaches to "
        "a case (got '" +
        std::string(source_ref) + "')");
  }
  if (!IsIdOf(id, "relationship") || !IsIdOf(case_id, "incident") ||
      !IsIdOf(created_by, "identity")) {
    return Status::InvalidArgument("relationship, case or creator id malformed");
  }
  if (!Writable(at_us)) return Status::InvalidArgument("time out of the timestamp range");
  json::object rel{{"type", "relationship"},
                   {"spec_version", "2.1"},
                   {"id", id},
                   {"created", Ts(at_us)},
                   {"modified", Ts(at_us)},
                   {"created_by_ref", created_by},
                   {"relationship_type", source_type == "indicator" ? "detected" : "related-to"},
                   {"source_ref", source_ref},
                   {"target_ref", case_id}};
  Mark(rel, tlp, WithCreator(recipients, std::string(created_by)));
  return rel;
}

}  // namespace entente::cases
