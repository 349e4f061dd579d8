// federation/sync: the federation loop that runs inside `entente serve`.
//
// Federation::Start takes the node's Store, its FederationState (store/federation_state.h)
// and options, and starts one supervisor thread, which every poll interval reloads the
// configured peers and keeps exactly one worker thread per peer (peers added, changed or
// removed with `entente peer …` while the node runs are picked up). Each worker runs sync
// rounds with its peer (federation/peer_sync.h): pull, then push, at most `quota` objects
// each way per round, then waits the poll interval — unless the quota ran out, when a
// backlog is waiting and the next round starts at once. A peer that is down, slow,
// answers garbage or over-large pages fails its round; the worker logs the error,
// records it in the peer's status and retries with capped exponential backoff with
// jitter, while the other peers' workers go on unaffected. Every wait is measured by the
// options' Clock, so a test clock drives the loop.
//
// Every witness_interval_ms, after a round, the worker also witnesses its peer's record
// (federation/witness.h); a failed witnessing is logged and does not fail the sync round.
//
// Stop() asks every worker to finish its current request and joins them; it is safe to
// call more than once and from any thread; the destructor calls it. `store` and `state`
// must outlive the Federation; which backend they are is the caller's choice (cli/).
#pragma once

#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "common/env.h"
#include "entente/status.h"
#include "federation/backoff.h"
#include "federation/peer_sync.h"
#include "store/federation_state.h"
#include "store/store.h"
#include "taxii/client.h"

namespace entente::federation {

// Makes the TAXII client a sync round talks to `peer` with.
using ClientFactory = std::function<Result<std::unique_ptr<taxii::TaxiiClient>>(const Peer& peer)>;

struct FederationOptions {
  int poll_interval_ms = 200;  // an object reaches an entitled peer within ~2 polls
  SyncLimits limits;
  BackoffPolicy backoff;
  int connect_timeout_ms = 5000;
  int io_timeout_ms = 30000;
  size_t max_response_bytes = 32 * 1024 * 1024;
  LogFn log;                 // called from worker threads, possibly concurrently; empty = quiet
  Clock* clock = nullptr;    // default SystemClock()
  Random* random = nullptr;  // default SystemRandom()
  // Default: TaxiiClient::Create(ClientOptionsFor(peer, these options)).
  ClientFactory clients;
  // How often each worker witnesses its peer's record (federation/witness.h): fetch its
  // signed head, check it extends the one kept; 0: never.
  int64_t witness_interval_ms = 60'000;
};

// The client options this node uses for `peer`.
taxii::ClientOptions ClientOptionsFor(const Peer& peer, const FederationOptions& options);

// Runs one sync round with `peer` on the caller's thread and records its status.
Status SyncPeerOnce(store::Store& store, store::FederationState& state, const Peer& peer,
                    const FederationOptions& options, RoundReport* report = nullptr);

class Federation {
 public:
  static Result<std::unique_ptr<Federation>> Start(store::Store& store,
                                                   store::FederationState& state,
                                                   FederationOptions options = {});
  ~Federation();
  Federation(const Federation&) = delete;
  Federation& operator=(const Federation&) = delete;

  void Stop();

  // Local objects changed (stored or deleted): workers waiting out a quiet poll start
  // their next round now, so a new object leaves within milliseconds instead of up to a
  // poll interval. A worker backing off after a failure keeps its delay. Cheap; safe
  // from any thread, also after Stop().
  void Wake();

 private:
  struct Worker;
  Federation(store::Store& store, store::FederationState& state, FederationOptions options);
  void Supervise();
  void RunWorker(Worker* worker);
  // Waits up to `micros` or until stopping, or, when `woken_since` is set, until Wake()
  // has been called since Wakes() returned that count (a wake during the round that
  // just ended is not lost). Returns false when stopping.
  bool WaitFor(Worker* worker, int64_t micros, std::optional<uint64_t> woken_since = {});
  uint64_t Wakes();

  store::Store& store_;
  store::FederationState& peers_;
  FederationOptions options_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  uint64_t wakes_ = 0;                                      // Wake() calls so far
  std::map<std::string, std::unique_ptr<Worker>> workers_;  // supervisor thread only
  std::thread supervisor_;
};

}  // namespace entente::federation
