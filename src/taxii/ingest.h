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
// completes it. Invalid objects never affect the others.
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
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/env.h"
#include "entente/status.h"
#include "stix/stix.h"
#include "store/store.h"

namespace entente::taxii {

struct IngestOptions {
  size_t async_threshold = 1000;
  size_t chunk_size = 500;
  stix::ValidateOptions validate;
  std::function<void()> on_stored;  // after a chunk added at least one new version
  // Problems no request can be answered with (a completed status that could not be
  // stored), and every owner override; called from the background thread and the
  // submitting threads. Empty: not reported.
  std::function<void(const std::string& line)> log;
};

class Ingestor {
 public:
  Ingestor(store::Store& store, IngestOptions options, Clock& clock = SystemClock(),
           Random& random = SystemRandom());
  ~Ingestor();
  Ingestor(const Ingestor&) = delete;
  Ingestor& operator=(const Ingestor&) = delete;

  // Adds `objects` (the envelope's "objects" array) to `collection` on behalf of
  // `org_id`. Returns the status resource: complete, or pending when queued. A version
  // of an object another organisation owns is a failure naming the rule (nothing about
  // that organisation or the stored versions is told), unless `override_owner` (an
  // administrator's explicit override, which the caller has checked): then it is stored
  // as that organisation's and the override is logged.
  Result<store::StatusRecord> Submit(const store::Collection& collection, const std::string& org_id,
                                     boost::json::array objects, bool override_owner = false);

  void Stop();

 private:
  struct Job {
    store::Collection collection;
    std::string org_id;
    boost::json::array objects;
    store::StatusRecord status;
    bool override_owner = false;
  };
  // Validates and stores, filling successes/failures; leaves pendings empty.
  void Process(const store::Collection& collection, const std::string& org_id,
               const boost::json::array& objects, bool override_owner, store::StatusRecord* status);
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
  bool stopping_ = false;
  std::vector<store::StatusRecord> unwritten_;  // used by the worker thread only
  std::thread worker_;
};

// Finishes the statuses left "pending" by a node that stopped abruptly (their envelope
// was held in memory only): each pending object becomes a failure that asks the client
// to send it again (a copy already stored is then reported as already present), and the
// status becomes "complete". Called before a server starts accepting requests.
Status CompleteInterruptedStatuses(store::Store& store);

// The status resource as TAXII JSON.
std::string StatusJson(const store::StatusRecord& status);

}  // namespace entente::taxii
