#include "cli/hotline_loop.h"

#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "cli/node_util.h"
#include "common/timestamp.h"

namespace entente::cli {

Result<cases::NodeParties> LoadParties(store::Store& store) {
  auto federation = OpenFederationState(store);
  if (!federation.ok()) return federation.status();
  return cases::LoadNodeParties(store, federation->get());
}

Result<cases::TickReport> TickAllCollections(store::Store& store, int64_t now_us,
                                             cases::HotlineWatch* watch) {
  auto parties = LoadParties(store);
  if (!parties.ok()) return parties.status();
  auto roots = store.ListApiRoots();
  if (!roots.ok()) return roots.status();
  cases::TickReport total;
  for (const store::ApiRoot& root : *roots) {
    auto collections = store.ListCollections(root.name);
    if (!collections.ok()) return collections.status();
    for (const store::Collection& c : *collections) {
      auto report = watch != nullptr ? watch->Tick(c, *parties, now_us)
                                     : cases::Tick(store, c, *parties, now_us);
      if (!report.ok()) {
        total.problems.push_back("collection " + c.id + ": " + report.status().message());
        continue;
      }
      total.deliveries += report->deliveries;
      total.escalations += report->escalations;
      for (const std::string& p : report->problems) {
        total.problems.push_back("collection " + c.id + ": " + p);
      }
    }
  }
  return total;
}

namespace {

Result<std::string> ReadIfPresent(const std::string& path, bool* present) {
  std::error_code ec;
  *present = std::filesystem::exists(path, ec);
  if (!*present) return std::string();
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  if (!in && !in.eof()) return Status::IoError("cannot read " + path);
  return text.str();
}

}  // namespace

Result<std::vector<cases::PingSchedule>> ReadPingSchedules(const std::string& data_dir) {
  if (data_dir.empty()) return std::vector<cases::PingSchedule>{};
  bool present = false;
  auto text = ReadIfPresent(data_dir + "/" + std::string(cases::kPingScheduleFile), &present);
  if (!text.ok()) return text.status();
  if (!present) return std::vector<cases::PingSchedule>{};
  return cases::ParsePingSchedules(*text);
}

Result<cases::IntakeConfig> ReadIntakeConfig(const std::string& data_dir) {
  if (data_dir.empty()) return cases::IntakeConfig{};
  bool present = false;
  auto text = ReadIfPresent(data_dir + "/" + std::string(cases::kIntakeConfigFile), &present);
  if (!text.ok()) return text.status();
  if (!present) return cases::IntakeConfig{};
  return cases::ParseIntakeConfig(*text);
}

Result<RoundReport> RunRound(store::Store& store, const std::string& data_dir, int64_t now_us,
                             cases::IntakeForwarder& forwarder, const std::string& only_collection,
                             cases::HotlineWatch* watch) {
  RoundReport round;
  auto parties = LoadParties(store);
  if (!parties.ok()) return parties.status();
  auto schedules = ReadPingSchedules(data_dir);
  if (!schedules.ok()) {
    round.problems.push_back("pings: " + schedules.status().message());
  } else if (!schedules->empty()) {
    auto pings = cases::SendScheduledPings(store, *parties, *schedules, now_us, only_collection);
    if (!pings.ok()) {
      round.problems.push_back("pings: " + pings.status().message());
    } else {
      round.pings = pings->sent;
      for (const auto& p : pings->problems) round.problems.push_back("pings: " + p);
    }
  }
  auto config = ReadIntakeConfig(data_dir);
  if (!config.ok()) {
    round.problems.push_back("intake forwarding: " + config.status().message());
  } else {
    auto forwarded = forwarder.Run(*config, *parties, now_us);
    if (!forwarded.ok()) {
      round.problems.push_back("intake forwarding: " + forwarded.status().message());
    } else {
      round.forward = std::move(*forwarded);
      for (const auto& p : round.forward.problems) {
        round.problems.push_back("intake forwarding: " + p);
      }
    }
  }
  Result<cases::TickReport> tick = cases::TickReport{};
  if (only_collection.empty()) {
    tick = TickAllCollections(store, now_us, watch);
  } else {
    auto collection = store.GetCollection(only_collection);
    if (!collection.ok()) {
      return Status::NotFound("unknown collection '" + only_collection + "' (--collection)");
    }
    tick = watch != nullptr ? watch->Tick(*collection, *parties, now_us)
                            : cases::Tick(store, *collection, *parties, now_us);
  }
  if (!tick.ok()) return tick.status();
  round.tick = std::move(*tick);
  for (const auto& p : round.tick.problems) round.problems.push_back(p);
  return round;
}

namespace {

// Sets TZ for the life of the object and puts the previous value back.
class ScopedTz {
 public:
  explicit ScopedTz(const std::string& tz) {
    if (const char* old = std::getenv("TZ")) {
      had_ = true;
      old_ = old;
    }
    setenv("TZ", tz.c_str(), 1);
    tzset();
  }
  ~ScopedTz() {
    if (had_) {
      setenv("TZ", old_.c_str(), 1);
    } else {
      unsetenv("TZ");
    }
    tzset();
  }

 private:
  bool had_ = false;
  std::string old_;
};

}  // namespace

Status CheckTimeZone(const std::string& tz) {
  // glibc reads any TZ value, falling back to UTC for an unknown name: look the name up
  // in the zone database first.
  const bool plain = !tz.empty() && tz.find("..") == std::string::npos && tz[0] != '/' &&
                     tz.find_first_not_of(
                         "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                         "0123456789/_+-") == std::string::npos;
  std::error_code ec;
  if (!plain ||
      (!std::filesystem::is_regular_file("/usr/share/zoneinfo/" + tz, ec) && tz != "UTC")) {
    return Status::InvalidArgument("unknown time zone '" + tz +
                                   "' (--tz: an IANA name such as Europe/Paris)");
  }
  return Status::Ok();
}

std::string ShowTime(int64_t micros, const std::string& tz) {
  std::string out = FormatTimestamp(micros, 3);
  if (tz.empty()) return out;
  ScopedTz scoped(tz);
  const time_t seconds = static_cast<time_t>(micros / 1'000'000);
  struct tm local {};
  if (localtime_r(&seconds, &local) == nullptr) return out;
  char buf[64];
  if (strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S %Z", &local) == 0) return out;
  return out + " (" + buf + ")";
}

Result<int64_t> ParseDuration(const std::string& text) {
  if (text.size() < 2 || text.size() > 12) {
    return Status::InvalidArgument("'" + text + "': a number and s, m, h or d, e.g. 30m");
  }
  int64_t unit = 0;
  switch (text.back()) {
    case 's':
      unit = 1'000'000;
      break;
    case 'm':
      unit = 60'000'000;
      break;
    case 'h':
      unit = 3'600'000'000;
      break;
    case 'd':
      unit = 86'400'000'000;
      break;
    default:
      return Status::InvalidArgument("'" + text + "': a number and s, m, h or d, e.g. 30m");
  }
  int64_t n = 0;
  for (size_t i = 0; i + 1 < text.size(); ++i) {
    if (text[i] < '0' || text[i] > '9') {
      return Status::InvalidArgument("'" + text + "': a number and s, m, h or d, e.g. 30m");
    }
    n = n * 10 + (text[i] - '0');
  }
  if (n <= 0) return Status::InvalidArgument("'" + text + "': more than zero");
  constexpr int64_t kLongest = 400LL * 86'400'000'000;  // 400 days, far from overflowing
  if (n > kLongest / unit) return Status::InvalidArgument("'" + text + "': at most 400 days");
  return n * unit;
}

HotlineLoop::HotlineLoop(store::Store& store, Clock& clock, int64_t interval_seconds,
                         std::string data_dir, std::function<void(const std::string&)> log,
                         std::function<void()> on_change)
    : store_(store),
      clock_(clock),
      interval_us_(interval_seconds * 1'000'000),
      data_dir_(std::move(data_dir)),
      forwarder_(store),
      watch_(store),
      log_(std::move(log)),
      on_change_(std::move(on_change)),
      thread_([this] { Run(); }) {}

HotlineLoop::~HotlineLoop() { Stop(); }

void HotlineLoop::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void HotlineLoop::Run() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stop_) {
    lock.unlock();
    auto report = RunRound(store_, data_dir_, clock_.NowMicros(), forwarder_, "", &watch_);
    if (!report.ok()) {
      log_("entente: hotline tick: " + report.status().message());
    } else {
      const auto& t = report->tick;
      const auto& f = report->forward;
      if (t.deliveries > 0 || t.escalations > 0 || report->pings > 0 || f.forwarded > 0 ||
          f.withheld > 0) {
        log_("entente: hotline: " + std::to_string(t.deliveries) + " delivery(ies), " +
             std::to_string(t.escalations) + " escalation(s) recorded, " +
             std::to_string(report->pings) + " scheduled ping(s) sent, " +
             std::to_string(f.forwarded) + " intake report(s) forwarded, " +
             std::to_string(f.withheld) + " not forwarded");
        if (on_change_) on_change_();
      }
      // A problem that lasts (a contact not published yet) is logged when it appears.
      if (report->problems != last_problems_) {
        for (const std::string& p : report->problems) log_("entente: hotline: " + p);
        last_problems_ = report->problems;
      }
    }
    lock.lock();
    const int64_t next = clock_.NowMicros() + interval_us_;
    WaitUntilOr(clock_, cv_, lock, next, [this] { return stop_; });
  }
}

}  // namespace entente::cli
