// cli/hotline_loop: the hotline's work nobody watches, once (`entente hotline tick`) or
// every interval on a thread of `entente serve`: the scheduled pings of
// DATA/hotline-pings.json (cases/ping_schedule.h), routed intake reports forwarded under
// DATA/intake.json (cases/intake_forward.h), then deliveries and escalations
// (cases::Tick) over every collection of the node; and what the `contact` and `hotline`
// commands share (the node's parties, times shown in UTC and in a viewer's zone).
//
// HotlineLoop is started and stopped by one thread (serve's main thread); its own thread
// only reads and writes the store, which is safe for concurrent use. Stop() returns once
// that thread has finished; the store must outlive the loop.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "cases/hotline.h"
#include "cases/intake_forward.h"
#include "cases/ping_schedule.h"
#include "common/env.h"
#include "entente/status.h"
#include "store/federation_state.h"
#include "store/store.h"

namespace entente::cli {

// The node's organisations and, when it has a federation state, its peers.
Result<cases::NodeParties> LoadParties(store::Store& store);

// One tick over every collection of every API root at `now_us`; the counts added up and
// every problem prefixed with its collection. With `watch`, each collection is ticked
// through it (only what was stored since its previous tick is read).
Result<cases::TickReport> TickAllCollections(store::Store& store, int64_t now_us,
                                             cases::HotlineWatch* watch = nullptr);

// DATA/hotline-pings.json: the schedules (none when the file is missing).
Result<std::vector<cases::PingSchedule>> ReadPingSchedules(const std::string& data_dir);
// DATA/intake.json: the intake's rules (the defaults when the file is missing).
Result<cases::IntakeConfig> ReadIntakeConfig(const std::string& data_dir);

// What one round did.
struct RoundReport {
  int64_t pings = 0;  // scheduled pings sent
  cases::ForwardReport forward;
  cases::TickReport tick;
  std::vector<std::string> problems;  // every problem of the three, prefixed
};

// One round at `now_us`: the scheduled pings due, the routed intake reports forwarded (by
// `forwarder`, which keeps its place between rounds), then a tick over every collection
// (or only `only_collection`, which also limits the pings to that collection's
// schedules). `data_dir` "" reads no files: no pings, no forwarding configuration.
Result<RoundReport> RunRound(store::Store& store, const std::string& data_dir, int64_t now_us,
                             cases::IntakeForwarder& forwarder,
                             const std::string& only_collection = "",
                             cases::HotlineWatch* watch = nullptr);

// "2026-05-28T20:26:40.000Z", and with a zone " (2026-05-28 22:26:40 CEST)": the IANA
// `tz` read through TZ and localtime_r (the C++ library of g++ 12 has no time-zone
// database). CLI thread only: it sets TZ for the call and puts it back.
std::string ShowTime(int64_t micros, const std::string& tz);
// Checks `tz` names a zone of the system's database (usage error text otherwise).
Status CheckTimeZone(const std::string& tz);

// "90s", "30m", "2h", "1d" -> microseconds; invalid-argument otherwise.
Result<int64_t> ParseDuration(const std::string& text);

class HotlineLoop {
 public:
  // Runs a round (RunRound over `data_dir`) every `interval_seconds` (>= 1) by `clock`;
  // `log` gets one line per round that stored something or met a new problem (a problem
  // is logged again only when it changes); `on_change` runs after a round stored objects
  // (to wake the push workers).
  HotlineLoop(store::Store& store, Clock& clock, int64_t interval_seconds, std::string data_dir,
              std::function<void(const std::string&)> log, std::function<void()> on_change);
  ~HotlineLoop();
  HotlineLoop(const HotlineLoop&) = delete;
  HotlineLoop& operator=(const HotlineLoop&) = delete;

  void Stop();

 private:
  void Run();

  store::Store& store_;
  Clock& clock_;
  const int64_t interval_us_;
  const std::string data_dir_;
  cases::IntakeForwarder forwarder_;        // the loop's thread only
  cases::HotlineWatch watch_;               // the loop's thread only
  std::vector<std::string> last_problems_;  // the loop's thread only
  std::function<void(const std::string&)> log_;
  std::function<void()> on_change_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace entente::cli
