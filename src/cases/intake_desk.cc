#include "cases/intake_desk.h"

#include <sys/stat.h>

#include <algorithm>
#include <boost/json/array.hpp>
#include <boost/json/value.hpp>
#include <fstream>
#include <sstream>

#include "admission/admission.h"
#include "common/timestamp.h"
#include "policy/policy.h"
#include "stix/stix.h"

namespace entente::cases {

namespace {

constexpr int64_t kSecond = 1'000'000;
constexpr int64_t kHour = 3600 * kSecond;
// A report's awareness may be ahead of this node's clock by this much (clock skew).
constexpr int64_t kFutureSlack = 5 * 60 * kSecond;

// A name-based UUID (RFC 9562 version 8) from SHA-256 of `name`.
std::string NameUuid(std::string_view name) {
  std::string h = Sha256Hex(name).substr(0, 32);
  h[12] = '8';
  const int v = std::stoi(std::string(1, h[16]), nullptr, 16);
  h[16] = "0123456789abcdef"[(v & 0x3) | 0x8];
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) +
         "-" + h.substr(20, 12);
}

int CriticalityOf(Severity s) {
  switch (s) {
    case Severity::kLow:
      return 25;
    case Severity::kMedium:
      return 50;
    case Severity::kHigh:
      return 75;
    case Severity::kCritical:
      return 100;
  }
  return 50;
}

// How long a handler has to act, by severity; a NIS2 report's early warning is due 24 h
// after awareness (Art. 23(4)(a)), whichever comes first.
int64_t DeadlineOf(const IntakeReport& r, int64_t received_us) {
  int64_t within = 72 * kHour;
  switch (r.severity) {
    case Severity::kLow:
      within = 7 * 24 * kHour;
      break;
    case Severity::kMedium:
      within = 72 * kHour;
      break;
    case Severity::kHigh:
      within = 24 * kHour;
      break;
    case Severity::kCritical:
      within = 4 * kHour;
      break;
  }
  int64_t deadline = received_us + within;
  if (r.nis2) {
    const int64_t aware = r.aware_at_us != 0 ? r.aware_at_us : received_us;
    deadline = std::min(deadline, aware + 24 * kHour);
  }
  return deadline;
}

std::string Lower(std::string_view s) {
  std::string out;
  bool space = false;
  for (char c : s) {
    if (c == ' ' || c == '\t') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

std::string Str(const boost::json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (v == nullptr || !v->is_string()) return "";
  return std::string(v->get_string().data(), v->get_string().size());
}

int64_t Time(const boost::json::object& o, std::string_view key) {
  auto ts = ParseTimestamp(Str(o, key));
  return ts.ok() ? ts->micros : 0;
}

}  // namespace

std::string IntakeCollectionId(std::string_view api_root) {
  return NameUuid("entente intake collection\n" + std::string(api_root));
}

std::string_view TicketStateName(TicketState s) {
  switch (s) {
    case TicketState::kOpen:
      return "open";
    case TicketState::kCase:
      return "case";
    case TicketState::kClosed:
      return "closed";
  }
  return "open";
}

IntakeDesk::IntakeDesk(store::Store& store, IntakeDeskOptions options)
    : store_(store),
      options_(std::move(options)),
      clock_(options_.clock != nullptr ? *options_.clock : SystemClock()),
      random_(options_.random != nullptr ? *options_.random : SystemRandom()),
      config_(std::make_shared<const IntakeConfig>(options_.config)) {}

Result<std::unique_ptr<IntakeDesk>> IntakeDesk::Open(store::Store& store,
                                                     IntakeDeskOptions options) {
  std::unique_ptr<IntakeDesk> desk(new IntakeDesk(store, std::move(options)));
  desk->MaybeReloadConfig();
  {
    auto roots = store.ListApiRoots();
    if (!roots.ok()) return roots.status();
    std::lock_guard<std::mutex> lock(desk->index_mu_);
    for (const auto& r : *roots) {
      auto c = store.GetCollection(IntakeCollectionId(r.name));
      if (!c.ok()) {
        if (c.status().code() == StatusCode::kNotFound) continue;
        return c.status();
      }
      RootState& state = desk->roots_[r.name];
      state.collection = std::move(*c);
      ENTENTE_RETURN_IF_ERROR(desk->CatchUp(r.name, state));
    }
    desk->handlers_checked_us_ = desk->clock_.NowMicros();
  }
  desk->committer_ = std::thread([d = desk.get()] { d->Run(); });
  return desk;
}

IntakeDesk::~IntakeDesk() {
  {
    std::lock_guard<std::mutex> lock(queue_mu_);
    stopping_ = true;
  }
  queue_cv_.notify_all();
  if (committer_.joinable()) committer_.join();
}

void IntakeDesk::MaybeReloadConfig() {
  if (options_.config_path.empty()) return;
  const int64_t now = clock_.NowMicros();
  std::lock_guard<std::mutex> lock(config_mu_);
  if (config_mtime_ >= 0 && now - config_checked_us_ < kSecond) return;
  config_checked_us_ = now;
  struct stat st {};
  int64_t mtime = 0;
  if (::stat(options_.config_path.c_str(), &st) == 0) {
    mtime = static_cast<int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
  }
  if (mtime == config_mtime_) return;
  config_mtime_ = mtime;
  if (mtime == 0) {
    config_ = std::make_shared<const IntakeConfig>(options_.config);  // no file: the defaults
    return;
  }
  std::ifstream in(options_.config_path);
  std::stringstream text;
  text << in.rdbuf();
  auto parsed = ParseIntakeConfig(text.str());
  if (!parsed.ok()) {
    if (options_.log) {
      options_.log("entente: " + options_.config_path +
                   " not applied (the previous rules stay): " + parsed.status().message());
    }
    return;
  }
  config_ = std::make_shared<const IntakeConfig>(std::move(*parsed));
}

std::shared_ptr<const IntakeConfig> IntakeDesk::Config() {
  MaybeReloadConfig();
  std::lock_guard<std::mutex> lock(config_mu_);
  return config_;
}

bool IntakeDesk::Admit(const ReporterFacts& reporter, int64_t* retry_after_seconds) {
  const auto c = Config();
  int64_t retry_us = 0;
  if (rate_.Take(reporter.org_id, clock_.NowMicros(), c->rate_per_second, c->burst, &retry_us)) {
    return true;
  }
  if (retry_after_seconds != nullptr) {
    *retry_after_seconds = std::max<int64_t>(1, (retry_us + kSecond - 1) / kSecond);
  }
  return false;
}

Result<Ack> IntakeDesk::Submit(std::string_view api_root, const ReporterFacts& reporter,
                               IntakeReport report) {
  std::vector<IntakeReport> one;
  one.push_back(std::move(report));
  return std::move(SubmitMany(api_root, reporter, std::move(one)).front());
}

std::vector<Result<Ack>> IntakeDesk::SubmitMany(std::string_view api_root,
                                                const ReporterFacts& reporter,
                                                std::vector<IntakeReport> reports) {
  std::vector<std::promise<Result<Ack>>> promises(reports.size());
  std::vector<std::future<Result<Ack>>> futures;
  for (auto& p : promises) futures.push_back(p.get_future());
  Enqueue(api_root, reporter, std::move(reports),
          [&promises](size_t i, Result<Ack> r) { promises[i].set_value(std::move(r)); });
  std::vector<Result<Ack>> out;
  for (auto& f : futures) out.push_back(f.get());
  return out;
}

void IntakeDesk::SubmitAsync(std::string_view api_root, const ReporterFacts& reporter,
                             IntakeReport report, std::function<void(Result<Ack>)> done) {
  std::vector<IntakeReport> one;
  one.push_back(std::move(report));
  Enqueue(api_root, reporter, std::move(one),
          [done = std::move(done)](size_t, Result<Ack> r) { done(std::move(r)); });
}

void IntakeDesk::Enqueue(std::string_view api_root, const ReporterFacts& reporter,
                         std::vector<IntakeReport> reports,
                         std::function<void(size_t, Result<Ack>)> done) {
  auto shared_done = std::make_shared<std::function<void(size_t, Result<Ack>)>>(std::move(done));
  std::vector<std::unique_ptr<Pending>> pendings;
  std::vector<size_t> refused_future;
  const int64_t now = clock_.NowMicros();
  for (size_t i = 0; i < reports.size(); ++i) {
    if (reports[i].aware_at_us > now + kFutureSlack) {
      refused_future.push_back(i);
      continue;
    }
    auto pending = std::make_unique<Pending>();
    pending->api_root = std::string(api_root);
    pending->reporter = reporter;
    pending->report = std::move(reports[i]);
    pending->index = i;
    pending->done = shared_done;
    pendings.push_back(std::move(pending));
  }
  bool stopping = false;
  {
    std::lock_guard<std::mutex> lock(queue_mu_);
    stopping = stopping_;
    if (!stopping) {
      for (auto& p : pendings) queue_.push_back(std::move(p));
    }
  }
  if (!stopping) queue_cv_.notify_one();
  for (size_t i : refused_future)
    (*shared_done)(i, Status::InvalidArgument("aware_at: in the future"));
  if (stopping) {
    for (auto& p : pendings) {
      (*shared_done)(p->index, Status::Unavailable("the intake desk is stopping"));
    }
  }
}

void IntakeDesk::Run() {
  for (;;) {
    std::vector<std::unique_ptr<Pending>> batch;
    {
      std::unique_lock<std::mutex> lock(queue_mu_);
      queue_cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, nothing left
      while (!queue_.empty() && batch.size() < options_.max_batch) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    ProcessBatch(batch);
    // Answered outside the index lock: a caller's completion may read the desk.
    for (auto& p : batch) {
      (*p->done)(p->index, p->result
                               ? std::move(*p->result)
                               : Result<Ack>(Status::Internal("the report was not processed")));
    }
  }
}

std::vector<std::string> IntakeDesk::HandlerIdentities(const store::Collection& c) {
  std::vector<std::string> out;
  for (const auto& org : c.readers) {
    auto it = identity_of_org_.find(org);
    if (it == identity_of_org_.end()) {
      auto o = store_.GetOrganisation(org);
      if (!o.ok()) continue;
      it = identity_of_org_.emplace(org, o->identity_id).first;
    }
    if (!it->second.empty()) out.push_back(it->second);
  }
  return out;
}

Result<IntakeDesk::RootState*> IntakeDesk::EnsureRoot(std::string_view api_root) {
  auto it = roots_.find(api_root);
  if (it != roots_.end()) return &it->second;
  const std::string id = IntakeCollectionId(api_root);
  auto c = store_.GetCollection(id);
  if (!c.ok()) {
    if (c.status().code() != StatusCode::kNotFound) return c.status();
    auto roots = store_.ListApiRoots();
    if (!roots.ok()) return roots.status();
    bool found = false;
    for (const auto& r : *roots) found = found || r.name == api_root;
    if (!found) return Status::NotFound("no API root " + std::string(api_root));
    auto orgs = store_.ListOrganisations();
    if (!orgs.ok()) return orgs.status();
    store::Collection created;
    created.id = id;
    created.api_root = std::string(api_root);
    created.title = "Intake (" + std::string(api_root) + ")";
    created.description =
        "Constituents' reports to this node (entente intake): node-local, read by the node's "
        "handlers; written only by the intake desk.";
    created.default_tlp = policy::Tlp::kAmber;
    for (const auto& o : *orgs) {
      if (o.admin) created.readers.push_back(o.id);
    }
    ENTENTE_RETURN_IF_ERROR(store_.PutCollection(created));
    c = std::move(created);
  }
  RootState& state = roots_[std::string(api_root)];
  state.collection = std::move(*c);
  ENTENTE_RETURN_IF_ERROR(CatchUp(std::string(api_root), state));
  return &state;
}

Status IntakeDesk::CatchUp(const std::string& api_root, RootState& root, int64_t before_us) {
  store::ObjectQuery q;
  q.collection_id = root.collection.id;
  if (root.cursor_us >= 0) q.added_after_us = root.cursor_us;
  q.match_last = false;
  q.match_all = true;
  q.types = {"incident", "note"};
  return store_.ScanObjects(q, [&](const store::ObjectRow& row) {
    if (before_us >= 0 && row.date_added_us >= before_us) return store::ScanAction::kStop;
    root.cursor_us = std::max(root.cursor_us, row.date_added_us);
    if (row.type == "incident" && row.id.starts_with("incident--") &&
        tickets_.count(std::string(row.id.substr(10))) > 0) {
      return store::ScanAction::kContinue;  // stored by this desk, already indexed
    }
    ApplyStored(api_root, row.type, row.json);
    return store::ScanAction::kContinue;
  });
}

void IntakeDesk::ApplyStored(const std::string& api_root, std::string_view type,
                             std::string_view json) {
  auto parsed = stix::ParseJson(json);
  if (!parsed.ok() || !parsed->is_object()) return;
  const auto& obj = parsed->get_object();
  const auto* exts = obj.if_contains("extensions");
  if (exts == nullptr || !exts->is_object()) return;
  const auto* ext = exts->get_object().if_contains(kIntakeExtensionId);
  if (ext == nullptr || !ext->is_object()) return;
  const auto& e = ext->get_object();
  const std::string ticket = Str(e, "ticket");
  if (ticket.empty()) return;
  if (type == "note") {
    auto it = tickets_.find(ticket);
    if (it == tickets_.end()) return;
    const std::string state = Str(e, "state");
    if (state == "case") {
      if (it->second.state != TicketState::kClosed) it->second.state = TicketState::kCase;
      it->second.case_ref = Str(e, "case_ref");
    } else if (state == "closed") {
      it->second.state = TicketState::kClosed;
    } else if (state == "forwarded" || state == "withheld" || state == "kept") {
      it->second.forward_state = state;
      it->second.forward_message = Str(e, "message_ref");
      it->second.forward_to = Str(e, "forwarded_to");
      it->second.forward_collection = Str(e, "forward_collection");
      it->second.forward_reason = Str(e, "reason");
      it->second.forward_at_us = Time(obj, "created");
    }
    return;
  }
  if (tickets_.count(ticket) > 0) return;
  const auto* report = e.if_contains("report");
  if (report == nullptr || !report->is_object()) return;
  auto r = IntakeReportFromJson(report->get_object());
  if (!r.ok()) {
    if (options_.log)
      options_.log("entente: intake ticket " + ticket + " unreadable: " + r.status().message());
    return;
  }
  Ticket t;
  t.ticket = ticket;
  t.api_root = api_root;
  t.reporter_org = Str(e, "reporter_org");
  t.reporter_identity = Str(obj, "created_by_ref");
  t.received_us = Time(e, "received");
  t.report = std::move(*r);
  t.report.rsit_as_given = Str(e, "rsit_as_given");
  if (const auto* tr = e.if_contains("triage"); tr != nullptr && tr->is_object()) {
    const auto& tj = tr->get_object();
    t.duplicate_of = Str(tj, "duplicate_of");
    t.matched_on = Str(tj, "matched_on");
    t.route.to = Str(tj, "routed_to");
    t.route.rule = Str(tj, "route_rule");
    if (const auto* c = tj.if_contains("criticality"); c != nullptr && c->is_int64()) {
      t.criticality = static_cast<int>(c->get_int64());
    }
    t.deadline_us = Time(tj, "deadline");
  }
  IndexTicket(t);
}

std::vector<std::string> IntakeDesk::DedupeKeys(const Ticket& t) const {
  std::vector<std::string> keys;
  for (const auto& o : t.report.observables) {
    keys.push_back(t.api_root + "\no\n" + o.type + "\n" + o.value);
  }
  if (!t.report.victim.organisation.empty()) {
    keys.push_back(t.api_root + "\nv\n" + t.report.victim.country + "\n" +
                   Lower(t.report.victim.organisation));
  }
  return keys;
}

void IntakeDesk::IndexTicket(const Ticket& t) {
  tickets_[t.ticket] = t;
  const std::string& primary = t.duplicate_of.empty() ? t.ticket : t.duplicate_of;
  if (!t.duplicate_of.empty()) attached_[primary].push_back(t.ticket);
  int64_t& last = last_activity_[primary];
  last = std::max(last, t.received_us);
  for (auto& key : DedupeKeys(t)) {
    auto [it, inserted] = primary_by_key_.emplace(std::move(key), primary);
    if (inserted || it->second == primary) continue;
    // A key another primary holds moves to this one when that one is closed or older.
    auto other = tickets_.find(it->second);
    if (other == tickets_.end() || other->second.state == TicketState::kClosed ||
        last_activity_[it->second] <= last) {
      it->second = primary;
    }
  }
}

std::optional<std::pair<std::string, std::string>> IntakeDesk::FindDuplicate(
    const Ticket& t, int64_t window_us) const {
  if (window_us <= 0) return std::nullopt;
  auto keys = DedupeKeys(t);
  for (size_t i = 0; i < keys.size(); ++i) {
    auto it = primary_by_key_.find(keys[i]);
    if (it == primary_by_key_.end()) continue;
    auto p = tickets_.find(it->second);
    if (p == tickets_.end() || p->second.state == TicketState::kClosed) continue;
    auto last = last_activity_.find(it->second);
    if (last == last_activity_.end() || last->second < t.received_us - window_us) continue;
    std::string why;
    if (i < t.report.observables.size()) {
      why = "observable " + t.report.observables[i].type + " " + t.report.observables[i].value;
    } else {
      why = "victim " + t.report.victim.organisation +
            (t.report.victim.country.empty() ? "" : " (" + t.report.victim.country + ")");
    }
    return std::make_pair(it->second, why);
  }
  return std::nullopt;
}

namespace {

boost::json::object IncidentJson(const Ticket& t, const std::vector<std::string>& recipients) {
  const std::string when = FormatTimestamp(t.received_us, 3);
  boost::json::object triage;
  if (!t.duplicate_of.empty()) {
    triage["duplicate_of"] = t.duplicate_of;
    triage["matched_on"] = t.matched_on;
  }
  if (!t.route.to.empty()) triage["routed_to"] = t.route.to;
  triage["route_rule"] = t.route.rule;
  triage["criticality"] = t.criticality;
  triage["deadline"] = FormatTimestamp(t.deadline_us, 3);
  boost::json::object ext;
  ext["extension_type"] = "property-extension";
  ext["ticket"] = t.ticket;
  ext["api_root"] = t.api_root;
  ext["reporter_org"] = t.reporter_org;
  ext["received"] = when;
  ext["report"] = IntakeReportToJson(t.report);
  if (!t.report.rsit_as_given.empty()) ext["rsit_as_given"] = t.report.rsit_as_given;
  ext["triage"] = std::move(triage);
  boost::json::array recips;
  for (const auto& r : recipients) recips.emplace_back(r);
  boost::json::object audience{{"extension_type", "property-extension"},
                               {"recipients", std::move(recips)}};
  boost::json::object exts;
  exts[policy::kAudienceExtensionId] = std::move(audience);
  exts[kIntakeExtensionId] = std::move(ext);
  boost::json::object o;
  o["type"] = "incident";
  o["spec_version"] = "2.1";
  o["id"] = t.object_id();
  o["created"] = when;
  o["modified"] = when;
  if (!t.reporter_identity.empty()) o["created_by_ref"] = t.reporter_identity;
  o["name"] = t.report.title.empty() ? "Intake report " + t.ticket : t.report.title;
  o["description"] = t.report.description;
  o["object_marking_refs"] =
      boost::json::array{std::string(policy::Tlp2MarkingId(policy::Tlp::kAmber))};
  o["extensions"] = std::move(exts);
  return o;
}

std::vector<std::string> Recipients(const std::string& reporter_identity,
                                    std::vector<std::string> handlers) {
  std::vector<std::string> out;
  if (!reporter_identity.empty()) out.push_back(reporter_identity);
  for (auto& h : handlers) {
    if (std::find(out.begin(), out.end(), h) == out.end()) out.push_back(std::move(h));
  }
  return out;
}

}  // namespace

void IntakeDesk::ProcessBatch(std::vector<std::unique_ptr<Pending>>& batch) {
  const auto config_ptr = Config();
  const IntakeConfig& config = *config_ptr;
  const int64_t window_us = config.dedupe_window_seconds * kSecond;
  std::lock_guard<std::mutex> lock(index_mu_);
  const int64_t now = clock_.NowMicros() / 1000 * 1000;  // milliseconds, as stored
  if (now - handlers_checked_us_ >= kSecond) {
    // Grants changed through the CLI take effect within a second.
    handlers_checked_us_ = now;
    identity_of_org_.clear();
    for (auto& [name, state] : roots_) {
      auto c = store_.GetCollection(state.collection.id);
      if (c.ok()) state.collection = std::move(*c);
    }
  }
  std::map<std::string, std::vector<Pending*>> by_root;
  for (auto& p : batch) by_root[p->api_root].push_back(p.get());
  bool stored_any = false;
  for (auto& [root_name, pendings] : by_root) {
    auto root = EnsureRoot(root_name);
    Status ready = root.ok() ? CatchUp(root_name, **root) : root.status();
    if (!ready.ok()) {
      // Looked up again for the next batch (an operator may have removed the collection).
      roots_.erase(root_name);
      ResetIndex();
      const Status failed = Status::Unavailable("the intake could not be read (" + ready.message() +
                                                "); nothing was stored; send it again");
      for (Pending* p : pendings) p->result.emplace(failed);
      continue;
    }
    const store::Collection& collection = (*root)->collection;
    const auto handlers = HandlerIdentities(collection);
    std::vector<store::NewObject> objects;
    std::vector<std::pair<Pending*, Ack>> acks;
    std::vector<std::pair<Pending*, Status>> refused;
    for (Pending* p : pendings) {
      Ticket t;
      t.ticket = p->report.report_id.empty()
                     ? NewUuid4(random_)
                     : NameUuid("entente intake ticket\n" + root_name + "\n" + p->reporter.org_id +
                                "\n" + p->report.report_id);
      if (auto it = tickets_.find(t.ticket); it != tickets_.end()) {
        acks.push_back({p, Ack{it->second, true}});
        continue;
      }
      t.api_root = root_name;
      t.reporter_org = p->reporter.org_id;
      t.reporter_identity = p->reporter.identity_id;
      t.received_us = now;
      t.report = std::move(p->report);
      if (auto dup = FindDuplicate(t, window_us)) {
        t.duplicate_of = dup->first;
        t.matched_on = dup->second;
      }
      t.route = Route(config, t.report, p->reporter);
      t.criticality = CriticalityOf(t.report.severity);
      t.deadline_us = DeadlineOf(t.report, now);
      admission::Submitter submitter;
      submitter.channel = admission::Channel::kClient;
      submitter.org_id = p->reporter.org_id;
      admission::Admission admission(collection, std::move(submitter), admission::Options{});
      store::NewObject row;
      boost::json::object obj = IncidentJson(t, Recipients(t.reporter_identity, handlers));
      if (auto refusal = admission.Admit(obj, &row)) {
        refused.push_back(
            {p, Status::Internal("the report could not be admitted: " + refusal->Describe())});
        continue;
      }
      objects.push_back(std::move(row));
      IndexTicket(t);  // tentatively: later reports of the batch dedupe against it
      acks.push_back({p, Ack{std::move(t), false}});
    }
    Status committed = Status::Ok();
    if (!objects.empty()) {
      auto added = store_.AddObjects(collection.id, objects);
      committed = added.status();
      stored_any = stored_any || added.ok();
      if (added.ok()) {
        // The batch's rows are contiguous in date_added (one transaction): read what other
        // processes stored before them, then move the cursor past them, so that the next
        // batch does not read this one back.
        int64_t first = -1, last = -1;
        for (const auto& a : *added) {
          if (a.outcome != store::AddOutcome::kAdded) continue;
          if (first < 0 || a.date_added_us < first) first = a.date_added_us;
          last = std::max(last, a.date_added_us);
        }
        if (first >= 0 && CatchUp(root_name, **root, first).ok()) {
          (*root)->cursor_us = std::max((*root)->cursor_us, last);
        }
      }
    }
    for (auto& [p, status] : refused) p->result.emplace(std::move(status));
    if (!committed.ok()) {
      // Nothing of the batch is stored: forget what was indexed and read the store again
      // (the root's collection too: an operator may have removed it; the next batch
      // creates it again).
      roots_.erase(root_name);
      ResetIndex();
      for (auto& [p, ack] : acks) {
        p->result.emplace(Status::Unavailable(
            "the report could not be stored (nothing was stored); send it again"));
      }
      continue;
    }
    for (auto& [p, ack] : acks) p->result.emplace(std::move(ack));
  }
  if (stored_any && options_.on_stored) options_.on_stored();
}

void IntakeDesk::ResetIndex() {
  tickets_.clear();
  primary_by_key_.clear();
  last_activity_.clear();
  attached_.clear();
  for (auto& [name, state] : roots_) {
    state.cursor_us = -1;
    CatchUpQuietly(name);
  }
}

void IntakeDesk::CatchUpQuietly(std::string_view api_root) {
  auto it = roots_.find(api_root);
  if (it == roots_.end()) {
    // Another process (the CLI) may have created the intake since this desk opened.
    auto c = store_.GetCollection(IntakeCollectionId(api_root));
    if (!c.ok()) return;
    it = roots_.emplace(std::string(api_root), RootState{}).first;
    it->second.collection = std::move(*c);
  }
  Status s = CatchUp(it->first, it->second);
  if (!s.ok() && options_.log) options_.log("entente: intake: " + s.message());
}

Status IntakeDesk::Refresh() {
  std::lock_guard<std::mutex> lock(index_mu_);
  auto roots = store_.ListApiRoots();
  if (!roots.ok()) return roots.status();
  for (const auto& r : *roots) {
    if (roots_.count(r.name) == 0) {
      auto c = store_.GetCollection(IntakeCollectionId(r.name));
      if (!c.ok()) continue;
      roots_[r.name].collection = std::move(*c);
    }
  }
  for (auto& [name, state] : roots_) ENTENTE_RETURN_IF_ERROR(CatchUp(name, state));
  return Status::Ok();
}

bool IntakeDesk::IsHandler(std::string_view api_root, std::string_view org_id) {
  std::lock_guard<std::mutex> lock(index_mu_);
  auto it = roots_.find(api_root);
  if (it != roots_.end()) {
    const auto& readers = it->second.collection.readers;
    return std::find(readers.begin(), readers.end(), org_id) != readers.end();
  }
  if (auto c = store_.GetCollection(IntakeCollectionId(api_root)); c.ok()) {
    return std::find(c->readers.begin(), c->readers.end(), org_id) != c->readers.end();
  }
  // No intake yet: the collection will be read by the administering organisations.
  auto org = store_.GetOrganisation(org_id);
  return org.ok() && org->admin;
}

Result<Ticket> IntakeDesk::Get(std::string_view api_root, std::string_view ticket,
                               const policy::Requester& who) {
  const bool handler = who.local_operator || IsHandler(api_root, who.org_id);
  std::lock_guard<std::mutex> lock(index_mu_);
  CatchUpQuietly(api_root);
  auto it = tickets_.find(std::string(ticket));
  if (it == tickets_.end() || it->second.api_root != api_root ||
      (!handler && it->second.reporter_org != who.org_id)) {
    return Status::NotFound("no such ticket, or it is not visible to you");
  }
  return it->second;
}

std::vector<QueueEntry> IntakeDesk::Queue(std::string_view api_root) {
  std::lock_guard<std::mutex> lock(index_mu_);
  CatchUpQuietly(api_root);
  std::vector<QueueEntry> out;
  for (const auto& [id, t] : tickets_) {
    if (t.api_root != api_root || !t.duplicate_of.empty() || t.state != TicketState::kOpen) {
      continue;
    }
    QueueEntry e;
    e.primary = t;
    e.criticality = t.criticality;
    e.deadline_us = t.deadline_us;
    if (auto a = attached_.find(id); a != attached_.end()) {
      e.attached = a->second;
      for (const auto& other : a->second) {
        auto o = tickets_.find(other);
        if (o == tickets_.end()) continue;
        e.criticality = std::max(e.criticality, o->second.criticality);
        e.deadline_us = std::min(e.deadline_us, o->second.deadline_us);
      }
    }
    out.push_back(std::move(e));
  }
  std::sort(out.begin(), out.end(), [](const QueueEntry& a, const QueueEntry& b) {
    if (a.criticality != b.criticality) return a.criticality > b.criticality;
    if (a.deadline_us != b.deadline_us) return a.deadline_us < b.deadline_us;
    if (a.primary.received_us != b.primary.received_us) {
      return a.primary.received_us < b.primary.received_us;
    }
    return a.primary.ticket < b.primary.ticket;
  });
  return out;
}

std::vector<Ticket> IntakeDesk::List(std::string_view api_root, const policy::Requester& who,
                                     size_t limit) {
  const bool handler = who.local_operator || IsHandler(api_root, who.org_id);
  std::lock_guard<std::mutex> lock(index_mu_);
  CatchUpQuietly(api_root);
  std::vector<Ticket> out;
  for (const auto& [id, t] : tickets_) {
    if (t.api_root == api_root && (handler || t.reporter_org == who.org_id)) out.push_back(t);
  }
  std::sort(out.begin(), out.end(), [](const Ticket& a, const Ticket& b) {
    if (a.received_us != b.received_us) return a.received_us > b.received_us;
    return a.ticket < b.ticket;
  });
  if (out.size() > limit) out.resize(limit);
  return out;
}

Status IntakeDesk::StoreNote(std::string_view api_root, std::string_view ticket,
                             const std::string& handler_org, TicketState state,
                             std::string_view case_id, std::string_view text) {
  if (!IsHandler(api_root, handler_org)) {
    return Status::PermissionDenied("only a handler of the intake of " + std::string(api_root) +
                                    " may change a ticket (" + handler_org + " is not one)");
  }
  auto org = store_.GetOrganisation(handler_org);
  if (!org.ok()) return org.status();
  std::lock_guard<std::mutex> lock(index_mu_);
  auto root = roots_.find(api_root);
  auto it = tickets_.find(std::string(ticket));
  if (root == roots_.end() || it == tickets_.end() || it->second.api_root != api_root) {
    return Status::NotFound("no ticket " + std::string(ticket));
  }
  if (it->second.state == TicketState::kClosed) {
    return Status::InvalidArgument("ticket " + std::string(ticket) + " is closed");
  }
  const std::string when = FormatTimestamp(clock_.NowMicros(), 3);
  boost::json::object ext{{"extension_type", "property-extension"},
                          {"ticket", std::string(ticket)},
                          {"state", std::string(TicketStateName(state))}};
  if (!case_id.empty()) ext["case_ref"] = std::string(case_id);
  boost::json::array recips;
  for (const auto& r :
       Recipients(it->second.reporter_identity, HandlerIdentities(root->second.collection))) {
    recips.emplace_back(r);
  }
  boost::json::object exts;
  exts[policy::kAudienceExtensionId] =
      boost::json::object{{"extension_type", "property-extension"}, {"recipients", recips}};
  exts[kIntakeExtensionId] = std::move(ext);
  boost::json::object note;
  note["type"] = "note";
  note["spec_version"] = "2.1";
  note["id"] = "note--" + NewUuid4(random_);
  note["created"] = when;
  note["modified"] = when;
  if (!org->identity_id.empty()) note["created_by_ref"] = org->identity_id;
  note["content"] = std::string(text);
  note["object_refs"] = boost::json::array{it->second.object_id()};
  note["object_marking_refs"] =
      boost::json::array{std::string(policy::Tlp2MarkingId(policy::Tlp::kAmber))};
  note["extensions"] = std::move(exts);
  admission::Submitter submitter;
  submitter.channel = admission::Channel::kOperator;
  submitter.org_id = handler_org;
  admission::Admission admission(root->second.collection, std::move(submitter), {});
  store::NewObject row;
  if (auto refusal = admission.Admit(note, &row)) {
    return Status::InvalidArgument(refusal->Describe());
  }
  auto added = store_.AddObjects(root->second.collection.id, {row});
  if (!added.ok()) return added.status();
  it->second.state = state;
  if (!case_id.empty()) it->second.case_ref = std::string(case_id);
  if (options_.on_stored) options_.on_stored();
  return Status::Ok();
}

Status IntakeDesk::LinkCase(std::string_view api_root, std::string_view ticket,
                            std::string_view case_id, const std::string& handler_org) {
  if (!case_id.starts_with("incident--")) {
    return Status::InvalidArgument("a case is an incident id (incident--UUID)");
  }
  return StoreNote(
      api_root, ticket, handler_org, TicketState::kCase, case_id,
      "Case " + std::string(case_id) + " opened from intake ticket " + std::string(ticket));
}

Status IntakeDesk::Close(std::string_view api_root, std::string_view ticket,
                         const std::string& handler_org, std::string_view reason) {
  return StoreNote(api_root, ticket, handler_org, TicketState::kClosed, "",
                   reason.empty() ? "Intake ticket closed" : reason);
}

boost::json::object ForwardJson(const Ticket& t) {
  boost::json::object f;
  f["state"] = t.forward_state.empty() ? "pending" : t.forward_state;
  if (!t.forward_message.empty()) f["message"] = t.forward_message;
  if (!t.forward_to.empty()) f["to"] = t.forward_to;
  if (!t.forward_collection.empty()) f["collection"] = t.forward_collection;
  if (!t.forward_reason.empty()) f["reason"] = t.forward_reason;
  if (t.forward_at_us != 0) f["at"] = FormatTimestamp(t.forward_at_us, 3);
  return f;
}

boost::json::object IntakeDesk::TicketJson(const Ticket& t, bool for_handler,
                                           std::string_view status_url) {
  boost::json::object o;
  o["ticket"] = t.ticket;
  if (!status_url.empty()) o["status_url"] = std::string(status_url);
  o["received"] = FormatTimestamp(t.received_us, 3);
  std::lock_guard<std::mutex> lock(index_mu_);
  // The state a reporter sees is its primary's: a duplicate goes where its primary goes.
  TicketState state = t.state;
  std::string primary_reporter;
  if (!t.duplicate_of.empty()) {
    if (auto p = tickets_.find(t.duplicate_of); p != tickets_.end()) {
      if (state == TicketState::kOpen) state = p->second.state;
      primary_reporter = p->second.reporter_org;
    }
  }
  o["status"] = std::string(TicketStateName(state));
  o["rsit_class"] = t.report.rsit.class_name;
  if (!t.report.rsit.type_name.empty()) o["rsit_type"] = t.report.rsit.type_name;
  if (!t.report.rsit_as_given.empty()) o["rsit_as_given"] = t.report.rsit_as_given;
  if (t.report.nis2) {
    const int64_t aware = t.report.aware_at_us != 0 ? t.report.aware_at_us : t.received_us;
    o["nis2_early_warning_due"] = FormatTimestamp(aware + 24 * kHour, 3);
  }
  // Another organisation's ticket is never named to a reporter.
  if (!t.duplicate_of.empty() && (for_handler || primary_reporter == t.reporter_org)) {
    o["duplicate_of"] = t.duplicate_of;
  }
  if (for_handler) {
    o["reporter_org"] = t.reporter_org;
    if (!t.matched_on.empty()) o["matched_on"] = t.matched_on;
    o["routed_to"] = t.route.to.empty() ? "handlers" : t.route.to;
    o["route_rule"] = t.route.rule;
    o["criticality"] = t.criticality;
    o["deadline"] = FormatTimestamp(t.deadline_us, 3);
    if (!t.case_ref.empty()) o["case_ref"] = t.case_ref;
    if (!t.route.to.empty() && t.duplicate_of.empty()) o["forward"] = ForwardJson(t);
    if (auto a = attached_.find(t.ticket); a != attached_.end()) {
      boost::json::array arr;
      for (const auto& x : a->second) arr.emplace_back(x);
      o["attached"] = std::move(arr);
    }
  }
  o["report"] = IntakeReportToJson(t.report);
  return o;
}

boost::json::object IntakeDesk::QueueJson(const std::vector<QueueEntry>& queue) {
  boost::json::array items;
  for (const auto& e : queue) {
    boost::json::object o;
    o["ticket"] = e.primary.ticket;
    o["criticality"] = e.criticality;
    o["deadline"] = FormatTimestamp(e.deadline_us, 3);
    o["received"] = FormatTimestamp(e.primary.received_us, 3);
    o["rsit_class"] = e.primary.report.rsit.class_name;
    if (!e.primary.report.rsit.type_name.empty()) o["rsit_type"] = e.primary.report.rsit.type_name;
    o["reporter_org"] = e.primary.reporter_org;
    o["routed_to"] = e.primary.route.to.empty() ? "handlers" : e.primary.route.to;
    o["route_rule"] = e.primary.route.rule;
    o["nis2"] = e.primary.report.nis2;
    if (!e.primary.route.to.empty()) {
      o["forward"] = e.primary.forward_state.empty() ? "pending" : e.primary.forward_state;
    }
    if (!e.primary.report.title.empty()) o["title"] = e.primary.report.title;
    boost::json::array attached;
    for (const auto& a : e.attached) attached.emplace_back(a);
    o["attached"] = std::move(attached);
    items.push_back(std::move(o));
  }
  return boost::json::object{{"queue", std::move(items)}};
}

}  // namespace entente::cases
