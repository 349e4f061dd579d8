#include "cases/case_store.h"

#include <algorithm>
#include <boost/json/parse.hpp>
#include <boost/uuid/name_generator_sha1.hpp>
#include <boost/uuid/uuid_io.hpp>
#include <map>

#include "admission/admission.h"
#include "common/timestamp.h"
#include "policy/access.h"
#include "policy/granular.h"
#include "stix/stix.h"

namespace entente::cases {
namespace {

namespace json = boost::json;

// Case objects carry millisecond timestamps: a new version is at least 1 ms later.
constexpr int64_t kTick = 1000;

struct Row {
  json::object obj;
  policy::Labels labels;
};

// The stored version as `who` may receive it (granular markings applied), or nullopt when
// it is withheld from it or does not parse.
std::optional<json::object> ReadAs(const policy::Requester& who, const store::ObjectRow& row) {
  const policy::ReaderView view = policy::ViewFor(who, row.labels, row.json);
  if (view.withheld) return std::nullopt;
  auto parsed = stix::ParseJson(view.rewritten.empty() ? row.json : view.rewritten);
  if (!parsed.ok() || !parsed->is_object()) return std::nullopt;
  return std::move(parsed->get_object());
}

bool Contains(const std::vector<std::string>& list, std::string_view v) {
  return std::find(list.begin(), list.end(), v) != list.end();
}

std::string Uuid5(std::string_view name) {
  // The namespace is entente's case extension's UUID.
  static const boost::uuids::name_generator_sha1 kGenerator(
      boost::uuids::uuid{{0x3b, 0x8a, 0x6e, 0x2c, 0x4f, 0x0d, 0x4f, 0x7e, 0x9d, 0x5a, 0x6c, 0x1e,
                          0x2b, 0x7a, 0x9f, 0x01}});
  return boost::uuids::to_string(kGenerator(name.data(), name.size()));
}

}  // namespace

Result<Actor> ActorFor(store::Store& store, std::string_view org_id) {
  auto org = store.GetOrganisation(org_id);
  if (!org.ok()) {
    if (org.status().code() == StatusCode::kNotFound) {
      return Status::NotFound("unknown organisation '" + std::string(org_id) + "'");
    }
    return org.status();
  }
  if (org->identity_id.empty()) {
    return Status::InvalidArgument("organisation '" + std::string(org_id) +
                                   "' has no STIX identity id (`entente org add --identity`)");
  }
  Actor a;
  a.org_id = org->id;
  a.identity_id = org->identity_id;
  auto orgs = store.ListOrganisations();
  if (!orgs.ok()) return orgs.status();
  for (const auto& o : *orgs) {
    if (o.id != a.org_id && !o.identity_id.empty()) a.local_identities.push_back(o.identity_id);
  }
  a.reader = policy::RequesterFor(store::OrgFactsOf(*org), "");
  return a;
}

CaseBook::CaseBook(store::Store& store, store::Collection collection, Clock& clock, Random& random)
    : store_(store), collection_(std::move(collection)), clock_(clock), random_(random) {}

int64_t CaseBook::NextTime(int64_t current_us) {
  const int64_t now = clock_.NowMicros() / kTick * kTick;
  return std::max(now, current_us / kTick * kTick + kTick);
}

Status CaseBook::Store(const Actor& as, const std::vector<json::object>& objects,
                       const CaseEvent& event) {
  // The event is recorded before anything of it is stored (docs/record-doors.md): a case
  // event the record cannot take does not happen. Its objects are recorded too, each as
  // the store commits it (object-stored).
  if (record_ != nullptr) {
    audit::Entry entry{audit::EntryKind::kCaseEvent,
                       audit::ActivityEvent{event.case_id, event.event, as.org_id, event.detail}};
    auto appended = record_->Append({&entry, 1});
    if (!appended.ok()) {
      return Status::Unavailable("the node's record cannot be written (" +
                                 appended.status().message() + "); nothing was changed");
    }
  }
  admission::Submitter submitter;
  submitter.channel = admission::Channel::kOperator;
  submitter.org_id = as.org_id;
  submitter.local_identities = as.local_identities;
  admission::Admission admission(collection_, std::move(submitter),
                                 admission::Options{admission::NodeValidateOptions(), 0, nullptr});
  for (const json::object& obj : objects) {
    std::vector<store::NewObject> one(1);
    if (auto refusal = admission.Admit(obj, &one[0])) {
      if (refusal->kind == admission::RefusalKind::kForged) {
        return Status::PermissionDenied(refusal->Describe());
      }
      return Status::InvalidArgument(refusal->Describe());
    }
    auto added = store_.AddObjects(collection_.id, one);
    if (!added.ok()) return added.status();
    if ((*added)[0].outcome == store::AddOutcome::kNotOwner) {
      return Status::PermissionDenied(
          one[0].id + ": only its creator writes new versions of an object (STIX 2.1 section 3.6)");
    }
  }
  return Status::Ok();
}

Result<json::object> CaseBook::LatestIncident(const policy::Requester& who,
                                              std::string_view case_id) {
  store::ObjectQuery q;
  q.collection_id = collection_.id;
  q.ids = {std::string(case_id)};
  q.types = {"incident"};
  q.visible = [&who](const policy::Labels& l) { return policy::MayRead(who, l); };
  std::optional<json::object> found;
  ENTENTE_RETURN_IF_ERROR(store_.ScanObjects(q, [&](const store::ObjectRow& row) {
    found = ReadAs(who, row);
    return store::ScanAction::kStop;
  }));
  if (!found) return Status::NotFound("no case " + std::string(case_id) + " in this collection");
  return std::move(*found);
}

Result<std::string> CaseBook::Open(const Actor& as, CaseSpec spec) {
  spec.id = "incident--" + NewUuid4(random_);
  spec.created_by = as.identity_id;
  spec.created_us = clock_.NowMicros() / kTick * kTick;
  spec.impact_ids.clear();
  for (size_t i = 0; i < spec.external_impacts.size(); ++i) {
    spec.impact_ids.push_back("impact--" + NewUuid4(random_));
  }
  auto built = BuildCase(spec);
  if (!built.ok()) return built.status();
  std::vector<json::object> objects = built->impacts;
  objects.push_back(built->incident);
  ENTENTE_RETURN_IF_ERROR(Store(
      as, objects,
      {spec.id, "opened", {{"name", spec.name}, {"tlp", std::string(policy::TlpName(spec.tlp))}}}));
  return spec.id;
}

Status CaseBook::Invite(const Actor& as, std::string_view case_id,
                        const std::vector<std::string>& identities) {
  auto incident = LatestIncident(as.reader, case_id);
  if (!incident.ok()) return incident.status();
  auto view = ReadCase(*incident);
  if (!view.ok()) return view.status();
  if (view->created_by != as.identity_id) {
    return Status::PermissionDenied("only the organisation that opened the case invites to it");
  }
  auto next = WithRecipients(*incident, identities, NextTime(view->modified_us));
  if (!next.ok()) return next.status();
  // What the inviter wrote about the case before (impacts, NIS2 reports, its state,
  // attachments) gets a new version shared with the new participants too.
  std::vector<json::object> objects{std::move(*next)};
  store::ObjectQuery q;
  q.collection_id = collection_.id;
  q.types = {"impact", "task", "report", "note", "relationship"};
  const std::string& owner = as.org_id;
  q.visible = [&owner](const policy::Labels& l) { return l.owner_org == owner; };
  Status failed;
  ENTENTE_RETURN_IF_ERROR(store_.ScanObjects(q, [&](const store::ObjectRow& row) {
    auto parsed = stix::ParseJson(row.json);
    if (!parsed.ok() || !parsed->is_object()) return store::ScanAction::kContinue;
    const json::object& obj = parsed->get_object();
    bool about = false;
    if (row.type == "impact") {
      about = Contains(view->impact_refs, row.id);
    } else if (row.type == "task") {
      about = Contains(view->task_refs, row.id);
    } else if (row.type == "report") {
      auto r = ReadReport(obj);
      about = r.ok() && r->case_id == case_id;
    } else if (row.type == "note") {
      auto s = ReadState(obj);
      about = s.ok() && s->case_id == case_id;
    } else if (const json::value* t = obj.if_contains("target_ref")) {
      // An attachment shared more narrowly than the case (Attach) stays as narrow.
      std::vector<std::string> had = row.labels.audience.recipients;
      std::vector<std::string> case_had = view->recipients;
      std::sort(had.begin(), had.end());
      std::sort(case_had.begin(), case_had.end());
      about = t->is_string() && t->get_string() == case_id && row.labels.tlp == view->tlp &&
              had == case_had;
    }
    if (!about) return store::ScanAction::kContinue;
    auto modified = ParseTimestamp(row.version);
    auto again =
        WithAddedRecipients(obj, identities, NextTime(modified.ok() ? modified->micros : 0));
    if (!again.ok()) {
      failed = again.status();
      return store::ScanAction::kStop;
    }
    objects.push_back(std::move(*again));
    return store::ScanAction::kContinue;
  }));
  ENTENTE_RETURN_IF_ERROR(failed);
  std::string invited;
  for (const std::string& id : identities) invited += (invited.empty() ? "" : ",") + id;
  return Store(as, objects, {std::string(case_id), "invited", {{"identities", invited}}});
}

Status CaseBook::Update(const Actor& as, std::string_view case_id, std::string_view determination,
                        std::string_view investigation_status, std::optional<int> criticality) {
  auto incident = LatestIncident(as.reader, case_id);
  if (!incident.ok()) return incident.status();
  auto view = ReadCase(*incident);
  if (!view.ok()) return view.status();
  if (view->created_by != as.identity_id) {
    return Status::PermissionDenied("only the organisation that opened the case updates it");
  }
  auto next = WithCoreUpdate(*incident, determination, investigation_status, criticality,
                             NextTime(view->modified_us));
  if (!next.ok()) return next.status();
  return Store(as, {*next},
               {std::string(case_id),
                "updated",
                {{"determination", std::string(determination)},
                 {"investigation_status", std::string(investigation_status)},
                 {"criticality", criticality ? std::to_string(*criticality) : ""}}});
}

Result<std::string> CaseBook::SetState(const Actor& as, std::string_view case_id,
                                       ParticipantState state, std::string_view text) {
  auto incident = LatestIncident(as.reader, case_id);
  if (!incident.ok()) return incident.status();
  auto view = ReadCase(*incident);
  if (!view.ok()) return view.status();
  if (view->created_by != as.identity_id && !Contains(view->recipients, as.identity_id)) {
    return Status::PermissionDenied("not a participant of case " + std::string(case_id) +
                                    " (its creator invites organisations)");
  }
  // Its own state note: the newest it owns and wrote as itself.
  std::optional<json::object> previous;
  int64_t previous_at = 0;
  store::ObjectQuery q;
  q.collection_id = collection_.id;
  q.types = {"note"};
  const std::string& owner = as.org_id;
  q.visible = [&owner](const policy::Labels& l) { return l.owner_org == owner; };
  ENTENTE_RETURN_IF_ERROR(store_.ScanObjects(q, [&](const store::ObjectRow& row) {
    auto parsed = stix::ParseJson(row.json);
    if (!parsed.ok() || !parsed->is_object()) return store::ScanAction::kContinue;
    auto s = ReadState(parsed->get_object());
    if (s.ok() && s->case_id == case_id && s->participant == as.identity_id &&
        s->at_us >= previous_at) {
      previous = std::move(parsed->get_object());
      previous_at = s->at_us;
    }
    return store::ScanAction::kContinue;
  }));
  StateSpec spec;
  spec.case_id = std::string(case_id);
  spec.participant = as.identity_id;
  spec.state = state;
  spec.text = std::string(text);
  spec.at_us = NextTime(previous ? previous_at : 0);
  spec.tlp = view->tlp;
  spec.recipients = view->recipients;
  spec.new_id = "note--" + NewUuid4(random_);
  auto note = BuildState(spec, previous ? &*previous : nullptr);
  if (!note.ok()) return note.status();
  ENTENTE_RETURN_IF_ERROR(Store(
      as, {*note},
      {std::string(case_id), "state", {{"state", std::string(ParticipantStateName(state))}}}));
  return std::string(note->at("id").get_string());
}

Result<std::string> CaseBook::FileReport(const Actor& as, std::string_view case_id, Nis2Stage stage,
                                         int64_t submitted_us, std::string_view text) {
  auto incident = LatestIncident(as.reader, case_id);
  if (!incident.ok()) return incident.status();
  auto view = ReadCase(*incident);
  if (!view.ok()) return view.status();
  if (view->created_by != as.identity_id) {
    return Status::PermissionDenied(
        "only the organisation that opened the case records its NIS2 reports");
  }
  if (!view->nis2_awareness_us) {
    return Status::InvalidArgument("case " + std::string(case_id) +
                                   " is not reported under NIS2 (open it with a moment of "
                                   "awareness)");
  }
  ReportSpec spec;
  spec.id = "report--" + Uuid5(std::string(case_id) + "/" + std::string(Nis2StageName(stage)));
  spec.case_id = std::string(case_id);
  spec.created_by = as.identity_id;
  spec.stage = stage;
  spec.submitted_us = (submitted_us ? submitted_us : clock_.NowMicros()) / kTick * kTick;
  spec.description = std::string(text);
  spec.recipients = view->recipients;
  spec.tlp = view->tlp;
  // Filed before? The earliest filing counts; a second one at another time is refused.
  store::ObjectQuery q;
  q.collection_id = collection_.id;
  q.ids = {spec.id};
  q.match_first = true;
  q.match_last = false;
  std::optional<int64_t> filed;
  ENTENTE_RETURN_IF_ERROR(store_.ScanObjects(q, [&](const store::ObjectRow& row) {
    auto parsed = stix::ParseJson(row.json);
    if (parsed.ok() && parsed->is_object()) {
      auto r = ReadReport(parsed->get_object());
      if (r.ok()) filed = r->submitted_us;
    }
    return store::ScanAction::kStop;
  }));
  if (filed && *filed != spec.submitted_us) {
    return Status::AlreadyExists("the " + std::string(Nis2StageName(stage)) +
                                 " of this case was filed at " + FormatTimestamp(*filed, 3));
  }
  auto report = BuildReport(spec);
  if (!report.ok()) return report.status();
  ENTENTE_RETURN_IF_ERROR(
      Store(as, {*report},
            {std::string(case_id), "report", {{"stage", std::string(Nis2StageName(stage))}}}));
  return spec.id;
}

Result<std::string> CaseBook::AddTask(const Actor& as, std::string_view case_id, TaskSpec spec) {
  auto incident = LatestIncident(as.reader, case_id);
  if (!incident.ok()) return incident.status();
  auto view = ReadCase(*incident);
  if (!view.ok()) return view.status();
  if (view->created_by != as.identity_id) {
    return Status::PermissionDenied("only the organisation that opened the case adds tasks");
  }
  spec.id = "task--" + NewUuid4(random_);
  spec.created_by = as.identity_id;
  spec.at_us = NextTime(0);
  spec.tlp = view->tlp;
  spec.recipients = view->recipients;
  auto task = BuildTask(spec);
  if (!task.ok()) return task.status();
  auto next = WithTask(*incident, spec.id, NextTime(view->modified_us));
  if (!next.ok()) return next.status();
  ENTENTE_RETURN_IF_ERROR(
      Store(as, {*task, *next}, {std::string(case_id), "task", {{"task", spec.id}}}));
  return spec.id;
}

Status CaseBook::SetTaskOutcome(const Actor& as, std::string_view case_id, std::string_view task_id,
                                std::string_view outcome) {
  auto incident = LatestIncident(as.reader, case_id);
  if (!incident.ok()) return incident.status();
  auto view = ReadCase(*incident);
  if (!view.ok()) return view.status();
  if (!Contains(view->task_refs, task_id)) {
    return Status::NotFound("case " + std::string(case_id) + " has no task " +
                            std::string(task_id));
  }
  store::ObjectQuery q;
  q.collection_id = collection_.id;
  q.ids = {std::string(task_id)};
  q.types = {"task"};
  q.visible = [&as](const policy::Labels& l) { return policy::MayRead(as.reader, l); };
  std::optional<json::object> task;
  ENTENTE_RETURN_IF_ERROR(store_.ScanObjects(q, [&](const store::ObjectRow& row) {
    task = ReadAs(as.reader, row);
    return store::ScanAction::kStop;
  }));
  if (!task) return Status::NotFound("no task " + std::string(task_id) + " in this collection");
  auto current = ReadTask(*task);
  if (!current.ok()) return current.status();
  auto next = WithTaskOutcome(*task, outcome, NextTime(current->modified_us));
  if (!next.ok()) return next.status();
  return Store(as, {*next},
               {std::string(case_id),
                "task-outcome",
                {{"task", std::string(task_id)}, {"outcome", std::string(outcome)}}});
}

Result<std::optional<CaseBook::Attachable>> CaseBook::FindAttachable(
    const policy::Requester& reader, std::string_view object_id) {
  std::optional<Attachable> strictest;
  auto roots = store_.ListApiRoots();
  if (!roots.ok()) return roots.status();
  for (const auto& root : *roots) {
    auto collections = store_.ListCollections(root.name);
    if (!collections.ok()) return collections.status();
    for (const auto& c : *collections) {
      if (!reader.local_operator &&
          !policy::AccessToCollection(reader, c.readers, c.writers).can_read) {
        continue;
      }
      store::ObjectQuery q;
      q.collection_id = c.id;
      q.ids = {std::string(object_id)};
      q.match_last = false;
      q.match_all = true;
      q.visible = [&reader](const policy::Labels& l) { return policy::MayRead(reader, l); };
      ENTENTE_RETURN_IF_ERROR(store_.ScanObjects(q, [&](const store::ObjectRow& row) {
        if (!strictest || row.labels.tlp > strictest->labels.tlp) {
          strictest = Attachable{c, row.labels};
        }
        return store::ScanAction::kContinue;
      }));
    }
  }
  return strictest;
}

Result<std::vector<std::string>> CaseBook::ParticipantsWhoMayRead(
    const Attachable& object, const std::vector<std::string>& participants,
    std::string_view actor_identity) {
  auto orgs = store_.ListOrganisations();
  if (!orgs.ok()) return orgs.status();
  const policy::Labels& labels = object.labels;
  std::vector<std::string> out;
  for (const std::string& p : participants) {
    if (p == actor_identity) {
      out.push_back(p);
      continue;
    }
    const store::Organisation* local = nullptr;
    for (const auto& o : *orgs) {
      if (o.identity_id == p) local = &o;
    }
    bool may = false;
    if (local != nullptr) {
      // On this node: exactly what the gate would let it read, collection included.
      const policy::Requester who = policy::RequesterFor(store::OrgFactsOf(*local), "");
      may = policy::AccessToCollection(who, object.collection.readers, object.collection.writers)
                .can_read &&
            policy::MayRead(who, labels);
    } else {
      // On another node: its communities are not known here, so only what names it or
      // is public reaches it.
      may = labels.tlp == policy::Tlp::kClear ||
            (labels.tlp >= policy::Tlp::kAmber && Contains(labels.audience.recipients, p));
    }
    if (may) out.push_back(p);
  }
  return out;
}

Result<std::string> CaseBook::Attach(const Actor& as, std::string_view case_id,
                                     std::string_view source_ref) {
  auto incident = LatestIncident(as.reader, case_id);
  if (!incident.ok()) return incident.status();
  auto view = ReadCase(*incident);
  if (!view.ok()) return view.status();
  if (view->created_by != as.identity_id && !Contains(view->recipients, as.identity_id)) {
    return Status::PermissionDenied("not a participant of case " + std::string(case_id));
  }
  // The relationship names the attached object: a participant who may not read the object
  // must not learn its id from the case either.
  auto found = FindAttachable(as.reader, source_ref);
  if (!found.ok()) return found.status();
  policy::Tlp tlp = view->tlp;
  std::vector<std::string> recipients = view->recipients;
  if (*found) {
    const policy::Labels& labels = (*found)->labels;
    if (labels.tlp == policy::Tlp::kRed) {
      return Status::InvalidArgument(std::string(source_ref) +
                                     " is TLP:RED: it is not attached to a shared case");
    }
    if (labels.tlp > tlp) tlp = labels.tlp;
    auto narrowed = ParticipantsWhoMayRead(**found, recipients, as.identity_id);
    if (!narrowed.ok()) return narrowed.status();
    if (narrowed->size() < recipients.size() && tlp < policy::Tlp::kAmber) {
      tlp = policy::Tlp::kAmber;  // only named recipients may then see it
    }
    recipients = std::move(*narrowed);
    if (!Contains(recipients, as.identity_id)) recipients.push_back(as.identity_id);
  }
  auto rel = BuildAttachment("relationship--" + NewUuid4(random_), source_ref, case_id,
                             as.identity_id, NextTime(0), tlp, recipients);
  if (!rel.ok()) return rel.status();
  ENTENTE_RETURN_IF_ERROR(Store(as, {*rel}, {std::string(case_id), "attached", {}}));
  return std::string(rel->at("id").get_string());
}

Result<CaseSnapshot> CaseBook::Load(const policy::Requester& who, std::string_view case_id,
                                    size_t scan_cap) {
  const std::string missing = "no case " + std::string(case_id) + " in this collection";
  if (!who.local_operator &&
      !policy::AccessToCollection(who, collection_.readers, collection_.writers).can_read) {
    return Status::NotFound(missing);
  }
  auto visible = [&who](const policy::Labels& l) { return policy::MayRead(who, l); };
  CaseSnapshot snap;
  store::ObjectQuery q;
  q.collection_id = collection_.id;
  q.ids = {std::string(case_id)};
  q.types = {"incident"};
  q.match_last = false;
  q.match_all = true;
  q.visible = visible;
  ENTENTE_RETURN_IF_ERROR(store_.ScanObjects(q, [&](const store::ObjectRow& row) {
    if (auto obj = ReadAs(who, row)) {
      auto v = ReadCase(*obj);
      if (v.ok()) snap.versions.push_back(std::move(*v));
    }
    return store::ScanAction::kContinue;
  }));
  if (snap.versions.empty()) return Status::NotFound(missing);
  std::sort(snap.versions.begin(), snap.versions.end(),
            [](const CaseView& a, const CaseView& b) { return a.modified_us < b.modified_us; });
  snap.now = snap.versions.back();
  // Participants: the creator, then each recipient in the order of the newest version.
  std::vector<std::string> participants{snap.now.created_by};
  for (const auto& r : snap.now.recipients) {
    if (!Contains(participants, r)) participants.push_back(r);
  }
  std::map<std::string, ParticipantTimeline> timelines;
  for (const auto& p : participants) {
    ParticipantTimeline& t = timelines[p];
    t.participant = p;
    for (const CaseView& v : snap.versions) {
      if (v.created_by == p || Contains(v.recipients, p)) {
        t.invited_us = v.modified_us;
        break;
      }
    }
  }
  // Impacts.
  if (!snap.now.impact_refs.empty()) {
    store::ObjectQuery iq;
    iq.collection_id = collection_.id;
    iq.ids = snap.now.impact_refs;
    iq.types = {"impact"};
    iq.visible = visible;
    ENTENTE_RETURN_IF_ERROR(store_.ScanObjects(iq, [&](const store::ObjectRow& row) {
      if (auto obj = ReadAs(who, row)) {
        auto v = ReadImpact(*obj);
        if (v.ok()) snap.impacts.push_back(std::move(*v));
      }
      return store::ScanAction::kContinue;
    }));
  }
  // Tasks.
  if (!snap.now.task_refs.empty()) {
    store::ObjectQuery tq;
    tq.collection_id = collection_.id;
    tq.ids = snap.now.task_refs;
    tq.types = {"task"};
    tq.visible = visible;
    ENTENTE_RETURN_IF_ERROR(store_.ScanObjects(tq, [&](const store::ObjectRow& row) {
      if (auto obj = ReadAs(who, row)) {
        auto v = ReadTask(*obj);
        if (v.ok()) snap.tasks.push_back(std::move(*v));
      }
      return store::ScanAction::kContinue;
    }));
  }
  // States, NIS2 reports and attachments: every version of notes and reports, the newest
  // relationships.
  store::ObjectQuery sq;
  sq.collection_id = collection_.id;
  // Capped: every type is read and counted (the store has no index by type).
  if (scan_cap == 0) sq.types = {"note", "report", "relationship"};
  sq.match_last = false;
  sq.match_all = true;
  sq.visible = visible;
  std::vector<std::string> attached_rels;
  // A state or report counts when it was written here by the organisation whose word it
  // is, or came from a peer (the ingress rule checked that its creator lives there): a
  // local organisation may create objects in the name of one living elsewhere (a
  // relayed report), but its word is not that organisation's.
  struct Pending {
    std::string id, version, owner, creator;
    std::optional<StateView> state;
    std::optional<ReportView> report;
  };
  std::vector<Pending> pending;
  size_t scanned = 0;
  ENTENTE_RETURN_IF_ERROR(store_.ScanObjects(sq, [&](const store::ObjectRow& row) {
    if (scan_cap > 0 && scanned == scan_cap) {
      snap.capped = true;
      return store::ScanAction::kStop;
    }
    ++scanned;
    if (row.type != "note" && row.type != "report" && row.type != "relationship") {
      return store::ScanAction::kContinue;
    }
    auto obj = ReadAs(who, row);
    if (!obj) return store::ScanAction::kContinue;
    const std::string id(row.id);
    if (row.type == "note") {
      auto s = ReadState(*obj);
      if (s.status().code() == StatusCode::kNotFound) return store::ScanAction::kContinue;
      if (!s.ok()) {
        // Only a note about this case is reported.
        const json::value* refs = obj->if_contains("object_refs");
        bool about = false;
        if (refs && refs->is_array()) {
          for (const auto& r : refs->get_array())
            about |= r.is_string() && r.get_string() == case_id;
        }
        if (about) snap.ignored.push_back(id + ": " + s.status().message());
        return store::ScanAction::kContinue;
      }
      if (s->case_id != case_id) return store::ScanAction::kContinue;
      auto t = timelines.find(s->participant);
      if (t == timelines.end()) {
        snap.ignored.push_back(id + ": " + s->participant + " is not a participant of the case");
        return store::ScanAction::kContinue;
      }
      pending.push_back({id, std::string(row.version), row.labels.owner_org, s->participant,
                         std::move(*s), std::nullopt});
    } else if (row.type == "report") {
      auto r = ReadReport(*obj);
      if (r.status().code() == StatusCode::kNotFound) return store::ScanAction::kContinue;
      if (!r.ok() || r->case_id != case_id) return store::ScanAction::kContinue;
      if (r->created_by != snap.now.created_by) {
        snap.ignored.push_back(id + ": a NIS2 report by " + r->created_by +
                               ", not by the case's creator");
        return store::ScanAction::kContinue;
      }
      pending.push_back({id, std::string(row.version), row.labels.owner_org, r->created_by,
                         std::nullopt, std::move(*r)});
    } else {
      const json::value* target = obj->if_contains("target_ref");
      const json::value* source = obj->if_contains("source_ref");
      if (target && target->is_string() && target->get_string() == case_id && source &&
          source->is_string() && !Contains(attached_rels, id)) {
        attached_rels.push_back(id);
        snap.attached.emplace_back(source->get_string());
      }
    }
    return store::ScanAction::kContinue;
  }));
  auto orgs = store_.ListOrganisations();
  if (!orgs.ok()) return orgs.status();
  std::map<std::string, std::string> identity_of;
  for (const auto& o : *orgs) identity_of[o.id] = o.identity_id;
  std::vector<std::pair<std::string_view, std::string_view>> ask;
  std::vector<size_t> asked;
  for (size_t i = 0; i < pending.size(); ++i) {
    if (identity_of[pending[i].owner] != pending[i].creator) {
      ask.emplace_back(pending[i].id, pending[i].version);
      asked.push_back(i);
    }
  }
  std::vector<bool> counts(pending.size(), true);
  if (!ask.empty()) {
    auto provenances = store_.GetProvenances(collection_.id, ask);
    if (!provenances.ok()) return provenances.status();
    for (size_t k = 0; k < asked.size(); ++k) {
      if ((*provenances)[k]) continue;
      counts[asked[k]] = false;
      const Pending& p = pending[asked[k]];
      snap.ignored.push_back(p.id + ": written on this node by organisation " + p.owner +
                             ", not by " + p.creator + " whose word it claims to be");
    }
  }
  for (size_t i = 0; i < pending.size(); ++i) {
    if (!counts[i]) continue;
    if (pending[i].state) {
      timelines[pending[i].state->participant].states.push_back(std::move(*pending[i].state));
    } else {
      snap.reports.push_back(std::move(*pending[i].report));
    }
  }
  for (const auto& p : participants) {
    ParticipantTimeline& t = timelines[p];
    std::stable_sort(t.states.begin(), t.states.end(),
                     [](const StateView& a, const StateView& b) { return a.at_us < b.at_us; });
    snap.participants.push_back(std::move(t));
  }
  std::stable_sort(
      snap.reports.begin(), snap.reports.end(),
      [](const ReportView& a, const ReportView& b) { return a.submitted_us < b.submitted_us; });
  for (const ReportView& r : snap.reports) {
    std::optional<int64_t>* slot =
        r.stage == Nis2Stage::kEarlyWarning           ? &snap.submissions.early_warning
        : r.stage == Nis2Stage::kIncidentNotification ? &snap.submissions.incident_notification
                                                      : &snap.submissions.final_report;
    if (!*slot || r.submitted_us < **slot) *slot = r.submitted_us;
  }
  return snap;
}

Result<std::vector<CaseView>> CaseBook::List(const policy::Requester& who) {
  std::vector<CaseView> out;
  if (!who.local_operator &&
      !policy::AccessToCollection(who, collection_.readers, collection_.writers).can_read) {
    return out;
  }
  store::ObjectQuery q;
  q.collection_id = collection_.id;
  q.types = {"incident"};
  q.visible = [&who](const policy::Labels& l) { return policy::MayRead(who, l); };
  ENTENTE_RETURN_IF_ERROR(store_.ScanObjects(q, [&](const store::ObjectRow& row) {
    if (auto obj = ReadAs(who, row)) {
      auto v = ReadCase(*obj);
      if (v.ok()) out.push_back(std::move(*v));
    }
    return store::ScanAction::kContinue;
  }));
  std::sort(out.begin(), out.end(),
            [](const CaseView& a, const CaseView& b) { return a.created_us < b.created_us; });
  return out;
}

}  // namespace entente::cases
