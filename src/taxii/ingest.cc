#include "taxii/ingest.h"

#include <algorithm>

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
  AppendDetails(&out, "successes", s.successes);
  AppendDetails(&out, "failures", s.failures);
  AppendDetails(&out, "pendings", s.pendings);
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

Status CompleteInterruptedStatuses(store::Store& store) {
  auto pending = store.ListPendingStatuses();
  if (!pending.ok()) return pending.status();
  for (store::StatusRecord& status : *pending) {
    for (store::StatusDetail& d : status.pendings) {
      d.message = "not processed: the node stopped before this object was stored; send it again";
      status.failures.push_back(std::move(d));
    }
    status.pendings.clear();
    status.status = "complete";
    ENTENTE_RETURN_IF_ERROR(store.PutStatus(status));
  }
  return Status::Ok();
}

Result<store::StatusRecord> Ingestor::Submit(const store::Collection& collection,
                                             const std::string& org_id, boost::json::array objects,
                                             bool override_owner) {
  store::StatusRecord status;
  status.id = NewUuid4(random_);
  status.api_root = collection.api_root;
  status.owner_org = org_id;
  status.request_timestamp_us = clock_.NowMicros();
  status.total_count = static_cast<int64_t>(objects.size());
  if (objects.size() <= options_.async_threshold) {
    status.status = "complete";
    Process(collection, org_id, objects, override_owner, &status);
    ENTENTE_RETURN_IF_ERROR(store_.PutStatus(status));
    return status;
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
  ENTENTE_RETURN_IF_ERROR(store_.PutStatus(status));
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) return Status::Unavailable("the server is stopping");
    queue_.push_back(Job{collection, org_id, std::move(objects), status, override_owner});
  }
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
    Process(job.collection, job.org_id, job.objects, job.override_owner, &job.status);
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
                       const boost::json::array& objects, bool override_owner,
                       store::StatusRecord* status) {
  std::vector<store::NewObject> batch;
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
      status->successes.push_back(std::move(d));
    }
    batch.clear();
  };
  admission::Submitter submitter;
  submitter.channel = admission::Channel::kClient;
  submitter.org_id = org_id;
  submitter.override_owner = override_owner;
  if (auto orgs = store_.ListOrganisations(); orgs.ok()) {
    for (const store::Organisation& org : *orgs) {
      if (org.id != org_id && !org.identity_id.empty()) {
        submitter.local_identities.push_back(org.identity_id);
      }
    }
  } else {
    for (const auto& v : objects) {
      status->failures.push_back({v.is_object() ? StringField(v.get_object(), "id") : "", "",
                                  "not stored: " + orgs.status().message()});
    }
    return;
  }
  admission::Admission admission(collection, std::move(submitter), {options_.validate});
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
    if (batch.size() >= options_.chunk_size) flush();
  }
  flush();
}

}  // namespace entente::taxii
