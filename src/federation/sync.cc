#include "federation/sync.h"

#include <boost/json/serialize.hpp>

#include "federation/witness.h"

namespace entente::federation {

struct Federation::Worker {
  std::string name;
  std::string config;  // serialized peer the thread was started with
  bool stop = false;   // guarded by Federation::mu_
  std::thread thread;
};

taxii::ClientOptions ClientOptionsFor(const Peer& peer, const FederationOptions& options) {
  taxii::ClientOptions c;
  c.api_root_url = peer.api_root_url;
  c.token = peer.token;
  c.username = peer.username;
  c.pin_sha256 = peer.pin_sha256;
  c.pin_pem = peer.pin_pem;
  c.connect_timeout_ms = options.connect_timeout_ms;
  c.io_timeout_ms = options.io_timeout_ms;
  c.max_response_bytes = options.max_response_bytes;
  return c;
}

namespace {

Result<std::unique_ptr<taxii::TaxiiClient>> MakeClient(const Peer& peer,
                                                       const FederationOptions& options) {
  if (options.clients) return options.clients(peer);
  return taxii::TaxiiClient::Create(ClientOptionsFor(peer, options));
}

// Updates the stored status of `peer` after a round. Deliberately best effort: the
// status is a report for operators, and a round's objects and checkpoints are committed
// already; a state that cannot be read or written fails the next round, which says why.
void RecordRound(store::FederationState& peers, const std::string& name, const Status& result,
                 const RoundReport& r, int64_t now) {
  auto st = peers.GetStatus(name);
  if (!st.ok()) return;
  PeerStatus s = *st;
  s.last_attempt_us = now;
  s.pulled += r.pulled;
  s.pushed += r.pushed;
  s.withheld += r.withheld;
  s.refused += r.refused + r.rejected_by_peer;
  s.deleted += r.deleted;
  if (r.lag_us >= 0) s.lag_us = r.lag_us;
  if (result.ok()) {
    s.last_success_us = now;
    s.last_error.clear();
    s.failures = 0;
  } else {
    s.last_error = result.ToString();
    ++s.failures;
  }
  (void)peers.PutStatus(name, s);
}

bool SameStatusWorthSkipping(const Status& result, const RoundReport& r) {
  return result.ok() && r.pulled == 0 && r.pushed == 0 && r.withheld == 0 && r.refused == 0 &&
         r.rejected_by_peer == 0 && r.duplicates == 0 && r.deleted == 0;
}

}  // namespace

Status SyncPeerOnce(store::Store& store, store::FederationState& peers, const Peer& peer,
                    const FederationOptions& options, RoundReport* report) {
  RoundReport local;
  RoundReport* r = report ? report : &local;
  Clock& clock = options.clock ? *options.clock : SystemClock();
  auto settings = store.GetSettings();
  if (!settings.ok()) return settings.status();
  auto client = MakeClient(peer, options);
  Status result;
  if (!client.ok()) {
    result = client.status();
  } else {
    PeerSyncer syncer(store, peers, settings->name, peer, options.limits, std::move(*client),
                      options.log, clock);
    result = syncer.RunRound(r);
  }
  RecordRound(peers, peer.name, result, *r, clock.NowMicros());
  return result;
}

Result<std::unique_ptr<Federation>> Federation::Start(store::Store& store,
                                                      store::FederationState& state,
                                                      FederationOptions options) {
  auto settings = store.GetSettings();
  if (!settings.ok()) return settings.status();
  std::unique_ptr<Federation> f(new Federation(store, state, std::move(options)));
  f->supervisor_ = std::thread([p = f.get()] { p->Supervise(); });
  return f;
}

Federation::Federation(store::Store& store, store::FederationState& state,
                       FederationOptions options)
    : store_(store), peers_(state), options_(std::move(options)) {
  if (!options_.clock) options_.clock = &SystemClock();
  if (!options_.random) options_.random = &SystemRandom();
  if (options_.poll_interval_ms < 1) options_.poll_interval_ms = 1;
}

Federation::~Federation() { Stop(); }

void Federation::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_ && !supervisor_.joinable()) return;
    stopping_ = true;
  }
  cv_.notify_all();
  if (supervisor_.joinable() && supervisor_.get_id() != std::this_thread::get_id()) {
    supervisor_.join();
  }
}

bool Federation::WaitFor(Worker* worker, int64_t micros, std::optional<uint64_t> woken_since) {
  const int64_t deadline = options_.clock->NowMicros() + micros;
  std::unique_lock<std::mutex> lock(mu_);
  WaitUntilOr(*options_.clock, cv_, lock, deadline, [&] {
    return stopping_ || (worker && worker->stop) || (woken_since && wakes_ != *woken_since);
  });
  return !(stopping_ || (worker && worker->stop));
}

uint64_t Federation::Wakes() {
  std::lock_guard<std::mutex> lock(mu_);
  return wakes_;
}

void Federation::Wake() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++wakes_;
  }
  cv_.notify_all();
}

void Federation::Supervise() {
  for (;;) {
    auto peers = peers_.ListPeers();
    if (peers.ok()) {
      std::map<std::string, std::string> wanted;
      for (const Peer& p : *peers) wanted[p.name] = boost::json::serialize(PeerToJson(p));
      // Stop workers whose peer is gone or changed.
      for (auto it = workers_.begin(); it != workers_.end();) {
        auto w = wanted.find(it->first);
        if (w != wanted.end() && w->second == it->second->config) {
          ++it;
          continue;
        }
        {
          std::lock_guard<std::mutex> lock(mu_);
          it->second->stop = true;
        }
        cv_.notify_all();
        it->second->thread.join();
        it = workers_.erase(it);
      }
      for (const auto& [name, config] : wanted) {
        if (workers_.count(name)) continue;
        auto w = std::make_unique<Worker>();
        w->name = name;
        w->config = config;
        Worker* raw = w.get();
        w->thread = std::thread([this, raw] { RunWorker(raw); });
        workers_[name] = std::move(w);
      }
    } else if (options_.log) {
      options_.log("federation: cannot list peers: " + peers.status().ToString());
    }
    if (!WaitFor(nullptr, int64_t{options_.poll_interval_ms} * 1000)) break;
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& [name, w] : workers_) w->stop = true;
  }
  cv_.notify_all();
  for (auto& [name, w] : workers_) w->thread.join();
  workers_.clear();
}

void Federation::RunWorker(Worker* worker) {
  auto peer = peers_.GetPeer(worker->name);
  if (!peer.ok()) return;
  auto settings = store_.GetSettings();
  const std::string local_node = settings.ok() ? settings->name : "";
  Backoff backoff(options_.backoff, *options_.clock, *options_.random);
  std::unique_ptr<PeerSyncer> syncer;
  std::string last_error;
  int64_t last_recorded_us = 0;
  int64_t last_witness_us = 0;
  std::string last_witness_error;
  std::unique_ptr<taxii::TaxiiClient> witness_client;
  for (;;) {
    const uint64_t wakes_at_start = Wakes();
    Status result;
    RoundReport report;
    if (!syncer) {
      auto client = MakeClient(*peer, options_);
      if (client.ok()) {
        syncer = std::make_unique<PeerSyncer>(store_, peers_, local_node, *peer, options_.limits,
                                              std::move(*client), options_.log, *options_.clock);
      } else {
        result = client.status();
      }
    }
    if (syncer) result = syncer->RunRound(&report);
    const int64_t now = options_.clock->NowMicros();
    // A quiet successful round is recorded at most every 5 s (it changes nothing but the
    // time of the last sync).
    if (!SameStatusWorthSkipping(result, report) || !last_error.empty() ||
        now - last_recorded_us >= 5'000'000) {
      RecordRound(peers_, worker->name, result, report, now);
      last_recorded_us = now;
    }
    // Witnessing, after a round that reached the peer (a peer that is down is not asked
    // twice), on a client of its own kept between witnessings.
    if (options_.witness_interval_ms > 0 && result.ok() &&
        (last_witness_us == 0 || now - last_witness_us >= options_.witness_interval_ms * 1000)) {
      last_witness_us = now;
      Status witnessed = Status::Ok();
      if (!witness_client) {
        auto client = MakeClient(*peer, options_);
        if (client.ok()) {
          witness_client = std::move(*client);
        } else {
          witnessed = client.status();
        }
      }
      if (witness_client) {
        witnessed = WitnessPeerOnce(peers_, *witness_client, *peer, *options_.clock, options_.log);
        if (!witnessed.ok()) witness_client.reset();  // a fresh connection next time
      }
      // A failure is logged when it changes (a peer without a record, e.g. a plain TAXII
      // server, is said once).
      std::string error = witnessed.ok() ? "" : witnessed.ToString();
      if (error != last_witness_error && options_.log) {
        options_.log("federation: peer " + worker->name + ": " +
                     (error.empty() ? std::string("witnessing its record again")
                                    : "cannot witness its record: " + error));
      }
      last_witness_error = std::move(error);
    }
    // A backlog is worked through round after round; a quiet peer is polled.
    int64_t wait_us = report.more ? 0 : int64_t{options_.poll_interval_ms} * 1000;
    if (result.ok()) {
      if (!last_error.empty() && options_.log) {
        options_.log("federation: peer " + worker->name + ": back in sync");
      }
      last_error.clear();
      backoff.RecordSuccess();
    } else {
      const int64_t delay = backoff.RecordFailure();
      wait_us = std::max(wait_us, delay);
      if (options_.log) {
        options_.log("federation: peer " + worker->name + ": " + result.ToString() + " (attempt " +
                     std::to_string(backoff.failures()) + ", retry in " +
                     std::to_string(delay / 1000) + " ms)");
      }
      last_error = result.ToString();
      syncer.reset();  // a fresh connection next time
    }
    if (!WaitFor(worker, wait_us,
                 result.ok() ? std::optional<uint64_t>(wakes_at_start) : std::nullopt)) {
      break;
    }
  }
}

}  // namespace entente::federation
