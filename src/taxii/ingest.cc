#include "taxii/ingest.h"

#include <algorithm>
#include <set>
#include <utility>

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "admission/admission.h"
#include "common/timestamp.h"
#include "taxii/responses.h"

namespace entente::taxii {

namespace {

// Attempts to store a completed status before the worker moves on (a store that fails
// now and then, e.g. busy, usually succeeds at once on the next attempt).
constexpr int kStatusWriteAttempts = 3;

// The failure of a version of an id another organisation owns: the rule, and nothing
// about who owns the id or when its versions were added.
constexpr std::string_view kNotOwnerMessage =
    "(object): creator-only-versions: this id is owned by another organisation; only the "
    "creator of an object issues versions of it (STIX 2.1 §3.6)";

std::string StringField(const boost::json::object& obj, std::string_view key) {
  auto it = obj.find(key);
  if (it != obj.end() && it->value().is_string()) return std::string(it->value().get_string());
  return "";
}

void AppendDetails(std::string* out, const char* name,
                   const std::vector<store::StatusDetail>& details) {
  *out += ",\"";
  *out += name;
  *out += "\":[";
  for (size_t i = 0; i < details.size(); ++i) {
    const auto& d = details[i];
    if (i) *out += ',';
    *out += "{\"id\":" + JsonQuote(d.id) + ",\"version\":" + JsonQuote(d.version);
    if (!d.message.empty()) *out += ",\"message\":" + JsonQuote(d.message);
    *out += '}';
  }
  *out += ']';
}

}  // namespace

std::string StatusJson(const store::StatusRecord& s) {
  std::string out = "{\"id\":" + JsonQuote(s.id) + ",\"status\":" + JsonQuote(s.status) +
                    ",\"request_timestamp\":\"" + FormatTimestamp(s.request_timestamp_us, 6) +
                    "\",\"total_count\":" + std::to_string(s.total_count) +
                    ",\"success_count\":" + std::to_string(s.successes.size()) +
                    ",\"failure_count\":" + std::to_string(s.failures.size()) +
                    ",\"pending_count\":" + std::to_string(s.pendings.size());
  // TAXII 2.1 §2: empty lists are prohibited; an optional list with nothing in it is
  // omitted (the counts still say 0).
  if (!s.successes.empty()) AppendDetails(&out, "successes", s.successes);
  if (!s.failures.empty()) AppendDetails(&out, "failures", s.failures);
  if (!s.pendings.empty()) AppendDetails(&out, "pendings", s.pendings);
  out += '}';
  return out;
}

Ingestor::Ingestor(store::Store& store, IngestOptions options, Clock& clock, Random& random)
    : store_(store), options_(std::move(options)), clock_(clock), random_(random) {
  if (options_.chunk_size == 0) options_.chunk_size = 1;
  worker_ = std::thread([this] { Run(); });
}

Ingestor::~Ingestor() { Stop(); }

void Ingestor::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (worker_.joinable()) worker_.join();
}

namespace {

// How many ids one lookup names (each is bound twice: its key and its text).
constexpr size_t kIdsPerLookup = 200;

// A version's instant, so that "…00Z" and "…00.000Z" name the same version; -1 when the
// text is no timestamp (then only the same text matches).
int64_t VersionInstant(std::string_view version) {
  if (version.empty()) return -1;
  auto t = ParseTimestamp(version);
  return t.ok() ? t->micros : -1;
}

// Marks in `stored` the pending entries of `status` whose (id, version) `collection_id`
// holds as contributed by the status's organisation.
Status FindStoredByOwner(store::Store& store, const std::string& collection_id,
                         const store::StatusRecord& status, std::vector<bool>* stored) {
  for (size_t begin = 0; begin < status.pendings.size(); begin += kIdsPerLookup) {
    size_t end = std::min(status.pendings.size(), begin + kIdsPerLookup);
    store::ObjectQuery q;
    q.collection_id = collection_id;
    q.match_all = true;
    q.match_last = false;
    for (size_t i = begin; i < end; ++i) {
      if (!status.pendings[i].id.empty()) q.ids.push_back(status.pendings[i].id);
    }
    if (q.ids.empty()) continue;
    std::sort(q.ids.begin(), q.ids.end());
    q.ids.erase(std::unique(q.ids.begin(), q.ids.end()), q.ids.end());
    // (id, version text) and (id, version instant) of the versions this owner stored.
    std::set<std::pair<std::string, std::string>> texts;
    std::set<std::pair<std::string, int64_t>> instants;
    Status scanned = store.ScanObjects(q, [&](const store::ObjectRow& row) {
      if (row.labels.owner_org == status.owner_org) {
        texts.emplace(std::string(row.id), std::string(row.version));
        int64_t at = VersionInstant(row.version);
        if (at >= 0) instants.emplace(std::string(row.id), at);
      }
      return store::ScanAction::kContinue;
    });
    if (scanned.code() == StatusCode::kNotFound) return Status::Ok();  // collection deleted
    ENTENTE_RETURN_IF_ERROR(scanned);
    for (size_t i = begin; i < end; ++i) {
      const store::StatusDetail& d = status.pendings[i];
      int64_t at = VersionInstant(d.version);
      if (texts.count({d.id, d.version}) || (at >= 0 && instants.count({d.id, at}))) {
        (*stored)[i] = true;
      }
    }
  }
  return Status::Ok();
}

}  // namespace

Status CompleteInterruptedStatuses(store::Store& store) {
  auto pending = store.ListPendingStatuses();
  if (!pending.ok()) return pending.status();
  for (store::StatusRecord& status : *pending) {
    // Where the envelope went: its collection, or for a status stored before statuses
    // named it, every collection of its API root.
    std::vector<std::string> collections;
    if (!status.collection_id.empty()) {
      collections.push_back(status.collection_id);
    } else {
      auto all = store.ListCollections(status.api_root);
      if (!all.ok()) return all.status();
      for (const store::Collection& c : *all) collections.push_back(c.id);
    }
    std::vector<bool> stored(status.pendings.size(), false);
    for (const std::string& c : collections) {
      ENTENTE_RETURN_IF_ERROR(FindStoredByOwner(store, c, status, &stored));
    }
    for (size_t i = 0; i < status.pendings.size(); ++i) {
      store::StatusDetail& d = status.pendings[i];
      if (stored[i]) {
        // Stored (and committed) before the node stopped, by this organisation.
        d.message.clear();
        status.successes.push_back(std::move(d));
      } else {
        d.message = "not processed: the node stopped before this object was stored; send it again";
        status.failures.push_back(std::move(d));
      }
    }
    status.pendings.clear();
    status.status = "complete";
    ENTENTE_RETURN_IF_ERROR(store.PutStatus(status));
  }
  return Status::Ok();
}

QueueFull Ingestor::Reserve(const std::string& org_id, uint64_t bytes) {
  uint64_t& mine = queued_by_org_[org_id];
  if (options_.max_queued_bytes_per_org > 0 && mine > 0 &&
      mine + bytes > options_.max_queued_bytes_per_org) {
    return QueueFull::kOrganisation;
  }
  if (options_.max_queued_bytes > 0 && queued_bytes_ > 0 &&
      queued_bytes_ + bytes > options_.max_queued_bytes) {
    if (mine == 0) queued_by_org_.erase(org_id);
    return QueueFull::kTotal;
  }
  mine += bytes;
  queued_bytes_ += bytes;
  return QueueFull::kNo;
}

void Ingestor::Unreserve(const std::string& org_id, uint64_t bytes) {
  queued_bytes_ -= std::min(queued_bytes_, bytes);
  auto it = queued_by_org_.find(org_id);
  if (it == queued_by_org_.end()) return;
  it->second -= std::min(it->second, bytes);
  if (it->second == 0) queued_by_org_.erase(it);
}

Result<store::StatusRecord> Ingestor::Submit(const store::Collection& collection,
                                             const std::string& org_id, boost::json::array objects,
                                             Submission submission, QueueFull* full) {
  if (full) *full = QueueFull::kNo;
  const uint64_t envelope_bytes = submission.envelope_bytes;
  store::StatusRecord status;
  status.id = NewUuid4(random_);
  status.api_root = collection.api_root;
  status.owner_org = org_id;
  status.collection_id = collection.id;
  status.request_timestamp_us = clock_.NowMicros();
  status.total_count = static_cast<int64_t>(objects.size());
  if (objects.size() <= options_.async_threshold) {
    status.status = "complete";
    Process(collection, org_id, objects, submission.provenance, submission.override_owner, &status);
    ENTENTE_RETURN_IF_ERROR(store_.PutStatus(status));
    return status;
  }
  // An envelope counts at least one byte, so that a queued one always holds its place.
  const uint64_t bytes = std::max<uint64_t>(envelope_bytes, 1);
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) return Status::Unavailable("the server is stopping");
    QueueFull refused = Reserve(org_id, bytes);
    if (refused != QueueFull::kNo) {
      if (full) *full = refused;
      return Status::ResourceExhausted(
          refused == QueueFull::kOrganisation
              ? "your organisation's envelopes waiting to be processed fill its share of the "
                "queue (" +
                    std::to_string(options_.max_queued_bytes_per_org) +
                    " bytes); send it again when its earlier envelopes have completed"
              : "the queue of envelopes waiting to be processed is full (" +
                    std::to_string(options_.max_queued_bytes) + " bytes); send it again later");
    }
  }
  status.status = "pending";
  for (const auto& v : objects) {
    store::StatusDetail d;
    if (v.is_object()) {
      d.id = StringField(v.get_object(), "id");
      d.version = StringField(v.get_object(), "modified");
      if (d.version.empty()) d.version = StringField(v.get_object(), "created");
    }
    status.pendings.push_back(std::move(d));
  }
  Status put = store_.PutStatus(status);
  std::lock_guard<std::mutex> lock(mu_);
  if (!put.ok() || stopping_) {
    Unreserve(org_id, bytes);
    if (!put.ok()) return put;
    return Status::Unavailable("the server is stopping");
  }
  queue_.push_back(Job{collection, org_id, std::move(objects), status, bytes,
                       std::move(submission.provenance), submission.override_owner});
  cv_.notify_one();
  return status;
}

void Ingestor::Run() {
  for (;;) {
    Job job;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) {  // stopping, and everything queued is done
        lock.unlock();
        RetryUnwritten();
        for (const store::StatusRecord& s : unwritten_) {
          if (options_.log) {
            options_.log("ingest: status " + s.id +
                         " stays pending: the node stopped before it could be stored; at the "
                         "next start its objects are reported as not processed (a copy sent "
                         "again is then already present)");
          }
        }
        return;
      }
      job = std::move(queue_.front());
      queue_.pop_front();
    }
    RetryUnwritten();
    job.status.pendings.clear();
    Process(job.collection, job.org_id, job.objects, job.provenance, job.override_owner,
            &job.status);
    job.objects = boost::json::array();  // its memory leaves with its place in the queue
    {
      std::lock_guard<std::mutex> lock(mu_);
      Unreserve(job.org_id, job.bytes);
    }
    job.status.status = "complete";
    // The objects stored stay stored; the status the client polls must say so.
    if (!WriteCompleted(job.status)) unwritten_.push_back(std::move(job.status));
  }
}

bool Ingestor::WriteCompleted(const store::StatusRecord& status) {
  Status written;
  for (int attempt = 0; attempt < kStatusWriteAttempts; ++attempt) {
    written = store_.PutStatus(status);
    if (written.ok()) return true;
  }
  if (options_.log) {
    options_.log("ingest: status " + status.id + " completed but could not be stored (" +
                 written.ToString() + "); it reads pending until it is, tried again later");
  }
  return false;
}

void Ingestor::RetryUnwritten() {
  std::erase_if(unwritten_, [this](const store::StatusRecord& s) { return WriteCompleted(s); });
}

void Ingestor::Process(const store::Collection& collection, const std::string& org_id,
                       const boost::json::array& objects, const EnvelopeProvenance& provenance,
                       bool override_owner, store::StatusRecord* status) {
  std::vector<store::NewObject> batch;
  // flags[i]: what the success of batch[i] says about warninglists ("" when nothing).
  std::vector<std::string> flags;
  auto flush = [&] {
    if (batch.empty()) return;
    auto added = store_.AddObjects(collection.id, batch);
    if (added.ok() && options_.on_stored &&
        std::any_of(added->begin(), added->end(),
                    [](const auto& a) { return a.outcome == store::AddOutcome::kAdded; })) {
      options_.on_stored();
    }
    for (size_t i = 0; i < batch.size(); ++i) {
      store::StatusDetail d{batch[i].id, batch[i].version, ""};
      if (!added.ok()) {
        d.message = "not stored: " + added.status().message();
        status->failures.push_back(std::move(d));
        continue;
      }
      const store::AddResult& r = (*added)[i];
      if (r.outcome == store::AddOutcome::kNotOwner) {
        d.message = std::string(kNotOwnerMessage);
        status->failures.push_back(std::move(d));
        continue;
      }
      if (!r.overridden_owner.empty() && options_.log) {
        options_.log("owner override: organisation " + org_id + " " +
                     (r.outcome == store::AddOutcome::kAdded ? "stored" : "sent again") +
                     " version " + batch[i].version + " of " + batch[i].id + ", owned by " +
                     r.overridden_owner + ", in collection " + collection.id);
      }
      // Only this organisation's own rows are told about (an unversioned object's
      // version is the date_added of this organisation's copy).
      if (d.version.empty()) d.version = FormatTimestamp(r.date_added_us, 6);
      if (r.outcome == store::AddOutcome::kDuplicate) d.message = "already present";
      if (!flags[i].empty()) d.message += (d.message.empty() ? "" : "; ") + flags[i];
      status->successes.push_back(std::move(d));
    }
    batch.clear();
    flags.clear();
  };
  admission::Submitter submitter;
  submitter.channel = admission::Channel::kClient;
  submitter.org_id = org_id;
  submitter.override_owner = override_owner;
  auto fail_all = [&](const Status& s) {
    for (const auto& v : objects) {
      status->failures.push_back({v.is_object() ? StringField(v.get_object(), "id") : "", "",
                                  "not stored: " + s.message()});
    }
  };
  // A peer pushing with this organisation's token speaks only for the organisations that
  // live on it, as when this node pulls from it.
  if (options_.pushing_peer) {
    auto peer = options_.pushing_peer(org_id);
    if (!peer.ok()) return fail_all(peer.status());
    if (peer->has_value()) {
      submitter.channel = admission::Channel::kPeer;
      submitter.peer = std::move(**peer);
      submitter.override_owner = false;
    }
  }
  if (auto orgs = store_.ListOrganisations(); orgs.ok()) {
    for (const store::Organisation& org : *orgs) {
      // For a peer, every organisation of this node (its own token's too) is one it may
      // not speak for; a client speaks for its own.
      const bool own = org.id == org_id && submitter.channel != admission::Channel::kPeer;
      if (!own && !org.identity_id.empty()) {
        submitter.local_identities.push_back(org.identity_id);
      }
    }
  } else {
    return fail_all(orgs.status());
  }
  stix::ValidateOptions validate = options_.validate;
  if (options_.envelope_pattern_checker) {
    validate.check_pattern = options_.envelope_pattern_checker();
  }
  admission::Options admit_options;
  admit_options.validate = std::move(validate);
  if (options_.warninglists) admit_options.warninglists = options_.warninglists();
  admission::Admission admission(collection, std::move(submitter), std::move(admit_options));
  // This node's name, to recognise what comes back to where it started (a keyed copy of
  // an object made here included): the provenance path the sender gives names it.
  std::string local_node;
  // A claim is recorded only with a version this node did not hold before (the store
  // records provenance only with the versions it adds): an organisation that may write
  // cannot rewrite where a version already here goes next.
  if (!provenance.empty()) {
    if (auto settings = store_.GetSettings(); settings.ok()) local_node = settings->name;
  }
  for (const auto& v : objects) {
    if (!v.is_object()) {
      status->failures.push_back({"", "", "objects[]: object-type: not a JSON object"});
      continue;
    }
    store::NewObject& n = batch.emplace_back();
    if (auto refusal = admission.Admit(v.get_object(), &n)) {
      batch.pop_back();
      status->failures.push_back(
          {std::move(refusal->id), std::move(refusal->version), refusal->Describe()});
      continue;
    }
    // What another entente node says about where the object has been (a restriction on
    // where it goes next, recorded with it).
    if (const store::Provenance* p = FindProvenance(provenance, n.id, n.version)) {
      if (!local_node.empty() &&
          std::find(p->path.begin(), p->path.end(), local_node) != p->path.end()) {
        // A loop (the sender knows this node under another name): not stored again.
        status->successes.push_back(
            {n.id, n.version, "not stored: it came from or through this node (provenance)"});
        batch.pop_back();
        continue;
      }
      n.provenance = *p;
    }
    // About this object only, which the poster sent: the values of its pattern that are
    // on a list of this node.
    flags.push_back(pattern::index::DescribeWarninglistHits(admission.warninglist_hits()));
    if (batch.size() >= options_.chunk_size) flush();
  }
  flush();
}

}  // namespace entente::taxii
