// cli/hotline_loop: the hotline's work nobody watches (cases::Tick: deliveries and
// escalations) over every collection of the node, once (`entente hotline tick`) or every
// interval on a thread of `entente serve`; and what the `contact` and `hotline` commands
// share (the node's parties, times shown in UTC and in a viewer's zone).
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
#include "common/env.h"
#include "entente/status.h"
#include "store/federation_state.h"
#include "store/store.h"

namespace entente::cli {

// The node's organisations and, when it has a federation state, its peers.
Result<cases::NodeParties> LoadParties(store::Store& store);

// One tick over every collection of every API root at `now_us`; the counts added up and
// every problem prefixed with its collection.
Result<cases::TickReport> TickAllCollections(store::Store& store, int64_t now_us);

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
  // Ticks every `interval_seconds` (>= 1) by `clock`; `log` gets one line per tick that
  // stored something or met a problem; `on_change` runs after a tick stored objects (to
  // wake the push workers).
  HotlineLoop(store::Store& store, Clock& clock, int64_t interval_seconds,
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
  std::function<void(const std::string&)> log_;
  std::function<void()> on_change_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace entente::cli
