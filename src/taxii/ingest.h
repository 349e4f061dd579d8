// taxii/ingest.h: adding a POSTed envelope to a collection and tracking its status.
//
// Ingestor admits every object of an envelope through admission::Admission (validated,
// keyed, labelled for the policy gate with the collection's default TLP, owned by the
// contributing organisation), stores the admitted ones with Store::AddObjects in chunks
// (one transaction per chunk) and records successes (stored, or this organisation's copy
// already present),
// failures (with the property and rule that failed) and pendings in a TAXII status
// resource persisted through Store::PutStatus. Envelopes larger than the threshold are
// queued: the caller gets a "pending" status at once and one background thread
// completes it. Invalid objects never affect the others. An indicator looking for a value
// on one of the node's warninglists (IngestOptions::warninglists) is stored and its
// success carries "on warninglist NAME (VALUE)" in its `message` (TAXII 2.1 §4.3.1,
// status-details): the poster learns this about the objects it sent, nothing about any
// other.
//
// The queue is bounded by the bytes of the envelopes it holds (as received; parsed,
// they take several times that in memory), counted from Submit until the worker has
// finished the envelope: per organisation and in total. An envelope over a bound is
// refused (QueueFull says which), unless nothing is queued on that bound's account, so
// that one envelope of any accepted size can always be queued.
//
// A status is reported to the caller only once it is stored. When the background
// thread cannot store a completed status it logs, tries again at once, then each time
// it wakes (the next envelope, Stop): until then the stored status still reads
// "pending", which is true of what the client can know.
//
// Safe for concurrent use. Stop() processes what is queued, then joins the worker; the
// store must outlive the Ingestor.
#pragma once

#include <boost/json/array.hpp>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "common/env.h"
#include "entente/status.h"
#include "pattern/index/warninglist.h"
#include "policy/ingress.h"
#include "stix/stix.h"
#include "store/store.h"
#include "taxii/provenance.h"

namespace entente::taxii {

struct IngestOptions {
  size_t async_threshold = 1000;
  size_t chunk_size = 500;
  stix::ValidateOptions validate;
  // When set, called once per envelope for the pattern check of its objects (replacing
  // validate.check_pattern), e.g. admission::EnvelopePatternChecker with a budget per
  // envelope.
  std::function<stix::PatternChecker()> envelope_pattern_checker;
  // When set, called once per envelope (from the thread that processes it) for the
  // node's warninglists at that moment; null or no lists: nothing is looked up.
  std::function<std::shared_ptr<const pattern::index::WarninglistSet>()> warninglists;
  // When set, called once per envelope with the submitting organisation: the peer node
  // that pushes to this node with that organisation's token (the peer's --local-org), if
  // any. Its objects then meet the ingress trust rule exactly as a pull from that peer
  // would (policy::DecideIngress: a peer speaks for the organisations living on it and
  // for no one else), not the looser rule for a local organisation's own clients.
  std::function<Result<std::optional<policy::IngressPeer>>(const std::string& org_id)> pushing_peer;
  // Bounds of the queue of envelopes waiting for the background thread (bytes as
  // received); 0: no bound.
  uint64_t max_queued_bytes_per_org = 16ull << 20;
  uint64_t max_queued_bytes = 64ull << 20;
  std::function<void()> on_stored;  // after a chunk added at least one new version
  // Problems no request can be answered with (a completed status that could not be
  // stored), and every owner override; called from the background thread and the
  // submitting threads. Empty: not reported.
  std::function<void(const std::string& line)> log;
};

// Why Submit refused to queue an envelope.
enum class QueueFull {
  kNo,
  kOrganisation,  // the organisation's envelopes fill its share of the queue
  kTotal,         // the queue is full
};

// What a POST says about its envelope besides the objects.
struct Submission {
  // Where the objects have been, as the entente node that sent them claims
  // (taxii/provenance.h); recorded only with versions the collection did not hold.
  EnvelopeProvenance provenance;
  // An administrator's explicit override of the owner rule, which the caller checked.
  bool override_owner = false;
  uint64_t envelope_bytes = 0;  // the envelope's size as received, for the queue bounds
};

class Ingestor {
 public:
  Ingestor(store::Store& store, IngestOptions options, Clock& clock = SystemClock(),
           Random& random = SystemRandom());
  ~Ingestor();
  Ingestor(const Ingestor&) = delete;
  Ingestor& operator=(const Ingestor&) = delete;

  // Adds `objects` (the envelope's "objects" array) to `collection` on behalf of
  // `org_id`, with what `submission` says about the envelope. Returns the status
  // resource: complete, or pending when queued. When the queue has no room:
  // kResourceExhausted, nothing stored, and *full (when given) says which bound.
  //
  // A version of an object another organisation owns is a failure naming the rule
  // (nothing about that organisation or the stored versions is told), unless
  // `submission.override_owner`: then it is stored as that organisation's and the
  // override is logged. A version whose claimed provenance path names this node (its
  // settings' name) came back to where it started and is not stored (a success that
  // says so).
  Result<store::StatusRecord> Submit(const store::Collection& collection, const std::string& org_id,
                                     boost::json::array objects, Submission submission = {},
                                     QueueFull* full = nullptr);

  void Stop();

 private:
  struct Job {
    store::Collection collection;
    std::string org_id;
    boost::json::array objects;
    store::StatusRecord status;
    uint64_t bytes = 0;
    EnvelopeProvenance provenance;
    bool override_owner = false;
  };
  // Counts `bytes` more for `org_id`, or says which bound has no room. Requires mu_.
  QueueFull Reserve(const std::string& org_id, uint64_t bytes);
  void Unreserve(const std::string& org_id, uint64_t bytes);
  // Validates and stores, filling successes/failures; leaves pendings empty.
  void Process(const store::Collection& collection, const std::string& org_id,
               const boost::json::array& objects, const EnvelopeProvenance& provenance,
               bool override_owner, store::StatusRecord* status);
  void Run();
  // Stores a completed status (a few attempts); false, logged, when it could not.
  bool WriteCompleted(const store::StatusRecord& status);
  // Tries again to store the completed statuses that could not be stored before.
  void RetryUnwritten();

  store::Store& store_;
  IngestOptions options_;
  Clock& clock_;
  Random& random_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Job> queue_;
  uint64_t queued_bytes_ = 0;                                   // guarded by mu_
  std::map<std::string, uint64_t, std::less<>> queued_by_org_;  // guarded by mu_
  bool stopping_ = false;
  std::vector<store::StatusRecord> unwritten_;  // used by the worker thread only
  std::thread worker_;
};

// Finishes the statuses left "pending" by a node that stopped abruptly (their envelope
// was held in memory only): a pending object whose (id, version) the status's
// collection holds as contributed by the status's organisation (committed before the
// stop) becomes a success; every other one becomes a failure that asks the client to
// send it again; the status becomes "complete". A status stored before statuses named
// their collection is looked up in every collection of its API root. Called before a
// server starts accepting requests.
Status CompleteInterruptedStatuses(store::Store& store);

// The status resource as TAXII JSON.
std::string StatusJson(const store::StatusRecord& status);

}  // namespace entente::taxii
