// `entente sense`: a member's sensor logs matched on its own node, and what was seen stored
// as STIX 2.1 sightings (issue 14; docs/telemetry.md, docs/cli.md).
//
//   entente sense --as ORG --collection C [--format eve|zeek|zeek-json|stix] [--follow]
//                 [FORMAT:]FILE...|-
//
// One process reads all of an organisation's sensors (each file in its own format: a file
// named FORMAT:PATH is read as FORMAT, the others as --format), so that their hits add up
// to one sighting per (indicator, window).
// The indicators are those ORG may read on this node (sensor/indicator_feed.h: every
// collection it may read, the policy gate deciding each version), less those revoked,
// outside their validity, decayed, or on one of the node's warninglists. Each log line
// becomes one record of observables (telemetry/observable.h), matched by the compiled
// index without building JSON, in batches of up to 64 records whose probes overlap
// (sightings/record_match.h); one hit per indicator per line. Hits
// aggregate into one sighting per (indicator, window) (sightings/aggregator.h), admitted into
// collection C as ORG's objects, labelled TLP:AMBER for the indicator's creator, so federation
// sends them back toward the source.
//
// Reading resumes: after each batch of sightings the read position in every file and the
// open windows are saved in the same transaction as the sightings (a checkpoint named for
// ORG, C, the format and the files, or --name), so a sensor killed and started again
// goes on where the stored sightings leave off - nothing counted twice, nothing skipped.
// --from-start forgets that checkpoint. Standard input is read once and not resumed.
//
// With --follow it keeps reading the files as they grow and are rotated (telemetry/
// follow.h), follows the indicators as they change (new versions, revocations, deletions,
// expiry, decay), gives a new sighting at once (within --flush-ms) and later counts at
// most every --update-every seconds, until SIGINT or SIGTERM, when it stores what it holds
// and stops.
//
// A line that cannot be read is counted and named on stderr (at most kMaxLineReports per
// minute; how many more were not named is said when the minute is over and at the end),
// and reading goes on.
#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "admission/admission.h"
#include "cli/node_commands.h"
#include "cli/node_util.h"
#include "cli/remote_sensor.h"
#include "cli/warninglists.h"
#include "common/env.h"
#include "common/timestamp.h"
#include "pattern/index/decay.h"
#include "pattern/index/indicator_index.h"
#include "pattern/index/warninglist.h"
#include "policy/access.h"
#include "policy/policy.h"
#include "sensor/indicator_feed.h"
#include "sightings/aggregator.h"
#include "sightings/record_match.h"
#include "stix/stix.h"
#include "telemetry/eve.h"
#include "telemetry/follow.h"
#include "telemetry/zeek.h"

namespace entente::cli {
namespace {

namespace json = boost::json;

constexpr uint64_t kMaxLineReports = 20;
constexpr int kCheckpointVersion = 1;

struct SenseOptions {
  std::string data;
  std::string as;
  std::string collection;
  // A sensor on another host (cli/remote_sensor.h).
  std::string url, token, identity, sector, country, state = "entente-sensor";
  std::string format;
  std::string where = "organisation";
  std::string name;
  std::string decay_file;
  bool no_decay = false;
  bool follow = false;
  bool from_start = false;
  bool explain = false;
  int64_t window_s = 3600;
  int64_t update_every_s = 60;
  int64_t flush_ms = 200;
  int64_t refresh_ms = 1000;
  std::vector<std::string> files;
};

// One parser for the chosen format, behind one call.
class LineReader {
 public:
  explicit LineReader(std::string format) : format_(std::move(format)) {}
  // True when `line` gave a record; false for a header, a blank line or an error (then
  // *failed is set and *error says why).
  bool Read(std::string_view line, telemetry::Record* record, json::value* stix,
            telemetry::LineError* error, bool* failed) {
    *failed = false;
    if (format_ == "stix") return ReadStix(line, record, stix, error, failed);
    if (format_ == "eve") {
      if (line.empty()) return false;
      std::optional<telemetry::LineError> e = eve_.Parse(line, *record);
      if (e) {
        *error = std::move(*e);
        *failed = true;
        return false;
      }
      return true;
    }
    telemetry::ZeekLineKind kind =
        format_ == "zeek" ? tsv_.Feed(line, record, error) : json_.Feed(line, record, error);
    *failed = kind == telemetry::ZeekLineKind::kError;
    return kind == telemetry::ZeekLineKind::kRecord;
  }

 private:
  // A STIX JSON line: an SCO, an observed-data, or a bundle of them, matched as `entente
  // match` matches it; its time is the observed-data's last_observed when it has one.
  bool ReadStix(std::string_view line, telemetry::Record* record, json::value* stix,
                telemetry::LineError* error, bool* failed) {
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) return false;
    auto parsed = stix::ParseJson(line);
    if (!parsed.ok() || (!parsed->is_object() && !parsed->is_array())) {
      *error = {"", parsed.ok() ? "not a JSON object or array" : parsed.status().message()};
      *failed = true;
      return false;
    }
    *stix = std::move(*parsed);
    record->Clear();
    record->format = "stix";
    if (stix->is_object()) {
      if (const json::value* t = stix->get_object().if_contains("last_observed");
          t != nullptr && t->is_string()) {
        if (auto at = ParseTimestamp(t->get_string()); at.ok()) record->time_us = at->micros;
      }
    }
    return true;
  }

  std::string format_;
  telemetry::EveParser eve_;
  telemetry::ZeekTsvReader tsv_;
  telemetry::ZeekJsonReader json_;
};

constexpr const char* kFormats[] = {"eve", "zeek", "zeek-json", "stix"};

bool KnownFormat(std::string_view f) {
  return std::find(std::begin(kFormats), std::end(kFormats), f) != std::end(kFormats);
}

// "zeek:/var/log/dns.log" -> ("zeek", "/var/log/dns.log"); without a known format prefix,
// (`fallback`, the whole argument).
std::pair<std::string, std::string> SplitFormat(const std::string& arg,
                                                const std::string& fallback) {
  const size_t colon = arg.find(':');
  if (colon != std::string::npos && KnownFormat(std::string_view(arg).substr(0, colon))) {
    return {arg.substr(0, colon), arg.substr(colon + 1)};
  }
  return {fallback, arg};
}

std::string DefaultCheckpointName(const SenseOptions& o) {
  std::string name = "sense:" + o.as + ":" + o.collection;
  for (const std::string& arg : o.files) {
    auto [format, f] = SplitFormat(arg, o.format);
    std::error_code ec;
    std::filesystem::path p = std::filesystem::absolute(f, ec);
    name += ":" + format + ":" + (ec ? f : p.lexically_normal().string());
  }
  return name;
}

// The stop signals, blocked in this thread and waited for between reads.
class StopSignals {
 public:
  StopSignals() {
    sigemptyset(&set_);
    sigaddset(&set_, SIGINT);
    sigaddset(&set_, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set_, &old_);
  }
  ~StopSignals() { pthread_sigmask(SIG_SETMASK, &old_, nullptr); }
  // Waits up to `ms`; true when a stop signal came.
  bool WaitFor(int64_t ms) {
    timespec t{static_cast<time_t>(ms / 1000), static_cast<long>((ms % 1000) * 1'000'000)};
    return sigtimedwait(&set_, nullptr, &t) > 0;
  }

 private:
  sigset_t set_, old_;
};

struct Source {
  std::string path;  // "-" for standard input
  std::string format;
  std::unique_ptr<LineReader> reader;  // its own: a Zeek header holds for its file only
  std::unique_ptr<telemetry::LogFollower> follower;
  // The header lines of the Zeek block being read (#separator ... #types): saved with the
  // position, so that a reader resuming in the middle of a file reads its lines as before.
  std::vector<std::string> header;
  uint64_t line_no = 0;
  uint64_t long_lines_reported = 0;
};

class Sense {
 public:
  // What a sensor on another host adds to the loop (cli/remote_sensor.h): fetching the
  // indicators before the feed looks at the store, sending the sightings after they are
  // stored. Their errors are reported and the sensor goes on (the node may be away).
  struct Remote {
    RemoteSensor* sensor = nullptr;
    std::string last_error;
  };

  Sense(const SenseOptions& o, std::string data_dir, store::Store& store, store::Organisation org,
        store::Collection collection, sightings::WhereSighted where,
        std::optional<pattern::index::DecayModel> decay, RemoteSensor* remote = nullptr)
      : o_(o),
        data_dir_(std::move(data_dir)),
        store_(store),
        org_(std::move(org)),
        collection_(std::move(collection)),
        // A remote sensor's copy holds what the node's gate let its token read.
        who_(remote != nullptr ? policy::LocalOperator()
                               : policy::RequesterFor(store::OrgFactsOf(org_), "")),
        remote_{remote, ""},
        feed_(store, who_, FeedOptionsFor(std::move(decay))),
        aggregator_({org_.identity_id, org_.sector, org_.country}, AggregatorOptionsFor(o, where)),
        admission_(collection_, Submitter(org_),
                   admission::Options{admission::NodeValidateOptions()}),
        checkpoint_name_(o.name.empty() ? DefaultCheckpointName(o) : o.name) {}

  ~Sense() {
    if (lock_fd_ >= 0) ::close(lock_fd_);  // releases the lock
  }
  Sense(const Sense&) = delete;
  Sense& operator=(const Sense&) = delete;

  int Run() {
    // Following, SIGINT/SIGTERM end the run cleanly from here on; reading files once, they
    // stop it at once (what was stored is consistent with its checkpoint either way).
    std::optional<StopSignals> stop;
    if (o_.follow) stop.emplace();
    const int64_t started = SystemClock().NowMicros();
    // The node's warninglists (docs/warninglists.md): a list that does not load stops the
    // sensor rather than letting it match what the list should keep out.
    watcher_ = std::make_unique<WarninglistWatcher>(
        data_dir_, SystemClock(), [](const std::string& line) { PrintError(line); });
    if (Status s = watcher_->Load(); !s.ok()) return Fail(s);
    lists_ = watcher_->Current();
    if (remote_.sensor != nullptr) {
      // Without the node's indicators there is nothing to match: the first fetch must work.
      auto fetched = remote_.sensor->Fetch();
      if (!fetched.ok()) {
        return Fail(Status(fetched.status().code(), "cannot fetch the indicators from " + o_.url +
                                                        ": " + fetched.status().message()));
      }
    }
    resumable_ = std::none_of(o_.files.begin(), o_.files.end(),
                              [](const std::string& f) { return f == "-"; });
    if (resumable_) {
      if (Status s = LockCheckpoint(); !s.ok()) return Fail(s);
    }
    if (Status s = feed_.Load(started); !s.ok()) return Fail(s);
    if (o_.explain) Explain();
    if (resumable_ && !o_.from_start) {
      if (Status s = Resume(); !s.ok()) return Fail(s);
    }
    for (const std::string& arg : o_.files) {
      auto [format, path] = SplitFormat(arg, o_.format);
      Source src;
      src.path = path;
      src.format = format;
      src.reader = std::make_unique<LineReader>(format);
      if (auto h = saved_headers_.find(path); h != saved_headers_.end()) {
        // Where the saved position is, the reader stood after these header lines.
        telemetry::Record ignored_record;
        json::value ignored_stix;
        telemetry::LineError ignored_error;
        bool ignored_failed = false;
        for (const std::string& line : h->second) {
          src.reader->Read(line, &ignored_record, &ignored_stix, &ignored_error, &ignored_failed);
        }
        src.header = h->second;
      }
      if (path != "-") {
        src.follower = std::make_unique<telemetry::LogFollower>(path);
        auto it = positions_.find(path);  // where the last run stopped, if it read this file
        Status opened =
            src.follower->Open(it == positions_.end() ? telemetry::Position() : it->second);
        if (!opened.ok()) {
          PrintError(path + ": " + opened.message());
          unreadable_ = true;
          continue;
        }
        if (!o_.follow && !std::filesystem::exists(path)) {
          PrintError(path + ": no such file");
          unreadable_ = true;
          continue;
        }
      }
      sources_.push_back(std::move(src));
    }

    int64_t last_flush = started, last_refresh = started;
    for (;;) {
      uint64_t read = 0;
      for (Source& src : sources_) {
        auto n = ReadSource(src);
        if (!n.ok()) {
          PrintError(src.path + ": " + n.status().message());
          unreadable_ = true;
          if (!o_.follow) continue;
        } else {
          read += *n;
        }
      }
      if (!o_.follow) break;
      const int64_t now = SystemClock().NowMicros();
      if (now - last_refresh >= o_.refresh_ms * 1000) {
        if (auto current = watcher_->Current(); current != lists_) {
          // Every indicator is decided again under the new lists.
          lists_ = std::move(current);
          if (Status s = feed_.Load(now); !s.ok()) return Fail(s);
          std::cerr << "sense: warninglists changed; " << feed_.Counts().matched
                    << " indicators matched, " << feed_.Counts().suppressed << " suppressed"
                    << std::endl;
        }
        if (remote_.sensor != nullptr) RemoteStep(remote_.sensor->Fetch().status(), "fetch");
        auto changed = feed_.Refresh(now);
        if (!changed.ok()) return Fail(changed.status());
        last_refresh = now;
        if (changed->added != 0 || changed->removed != 0) {
          std::cerr << "sense: indicators changed: " << changed->added << " in, "
                    << changed->removed << " out" << (changed->reloaded ? " (reloaded)" : "")
                    << "; " << feed_.Counts().matched << " matched" << std::endl;
        }
      }
      if (now - last_flush >= o_.flush_ms * 1000) {
        if (Status s = Commit(now, /*all=*/false); !s.ok()) return Fail(s);
        last_flush = now;
        if (remote_.sensor != nullptr) RemoteStep(remote_.sensor->Send().status(), "send");
      }
      if (read == 0 && stop->WaitFor(std::min<int64_t>(o_.flush_ms, 100))) break;
      if (read != 0 && stop->WaitFor(0)) break;
    }
    if (o_.follow) {
      // Asked to stop: what the files hold by now is read first, so that a stop right after
      // a write loses nothing (it would be read by the next run anyway).
      for (Source& src : sources_) {
        if (src.follower != nullptr) (void)ReadSource(src);
      }
    }
    if (Status s = Commit(SystemClock().NowMicros(), /*all=*/true); !s.ok()) return Fail(s);
    bool unsent = false;
    if (remote_.sensor != nullptr) {
      auto sent = remote_.sensor->Send();
      if (!sent.ok()) {
        PrintError("sense: sightings not sent to " + o_.url +
                   " (kept; the next run sends them): " + sent.status().message());
        unsent = true;
      }
    }
    Report();
    if (unreadable_) return kExitUsage;
    if (unsent) return kExitNo;
    return refused_ > 0 ? kExitNo : kExitOk;
  }

 private:
  static admission::Submitter Submitter(const store::Organisation& org) {
    admission::Submitter as;
    as.channel = admission::Channel::kOperator;
    as.org_id = org.id;
    as.sensor = true;  // recorded as channel "sensor"
    return as;
  }
  static sightings::AggregatorOptions AggregatorOptionsFor(const SenseOptions& o,
                                                           sightings::WhereSighted where) {
    sightings::AggregatorOptions a;
    a.where = where;
    a.window_us = o.window_s * 1'000'000;
    a.update_every_us = o.update_every_s * 1'000'000;
    return a;
  }
  sensor::FeedOptions FeedOptionsFor(std::optional<pattern::index::DecayModel> decay) {
    sensor::FeedOptions f;
    f.decay = std::move(decay);
    // Issue 14: an indicator a value of which is on a warninglist is not matched unless an
    // operator overrode it.
    f.suppress = [this](const pattern::index::IndicatorState& s) -> std::string {
      if (lists_ == nullptr || lists_->set.lists().empty()) return {};
      if (lists_->OverrideOf(s.spec.id) != nullptr) return {};
      return pattern::index::DescribeWarninglistHits(
          pattern::index::WarninglistHitsOfPattern(lists_->set, s.spec.pattern, s.spec.version));
    };
    return f;
  }

  Status Resume() {
    auto text = store_.GetCheckpoint(checkpoint_name_);
    if (!text.ok()) return text.status();
    if (text->empty()) return Status::Ok();
    auto parsed = stix::ParseJson(*text);
    const json::object* state = parsed.ok() ? parsed->if_object() : nullptr;
    const json::value* files = state ? state->if_contains("files") : nullptr;
    const json::value* windows = state ? state->if_contains("aggregator") : nullptr;
    if (files == nullptr || !files->is_object() || windows == nullptr || !windows->is_object()) {
      return Status::Corruption("sense checkpoint '" + checkpoint_name_ +
                                "' is not what entente writes (start again with --from-start)");
    }
    for (const auto& [path, entry] : files->get_object()) {
      telemetry::Position p;
      const json::object* e = entry.if_object();
      const json::value* pos = e ? e->if_contains("position") : nullptr;
      const json::value* header = e ? e->if_contains("header") : nullptr;
      if (pos == nullptr || !pos->is_string() || !telemetry::ParsePosition(pos->get_string(), &p) ||
          header == nullptr || !header->is_array()) {
        return Status::Corruption("sense checkpoint '" + checkpoint_name_ + "': bad position for " +
                                  std::string(path));
      }
      positions_[std::string(path)] = p;
      std::vector<std::string>& lines = saved_headers_[std::string(path)];
      for (const json::value& line : header->get_array()) {
        if (line.is_string()) lines.emplace_back(line.get_string());
      }
    }
    Status s = aggregator_.RestoreState(windows->get_object());
    if (!s.ok()) {
      return Status::Corruption("sense checkpoint '" + checkpoint_name_ + "': " + s.message() +
                                " (start again with --from-start)");
    }
    if (const json::value* t = state->if_contains("latest_event"); t && t->is_int64()) {
      latest_event_us_ = t->get_int64();
    }
    return Status::Ok();
  }

  Result<uint64_t> ReadSource(Source& src) {
    if (src.path == "-") {
      if (stdin_done_) return uint64_t{0};
      uint64_t n = 0;
      std::string line;
      while (std::getline(std::cin, line)) {
        OnLine(src, line);
        ++n;
      }
      MatchPending();
      stdin_done_ = true;
      return n;
    }
    telemetry::Position& position = positions_[src.path];
    auto n = src.follower->Poll([&](std::string_view line, const telemetry::Position& after) {
      OnLine(src, line);
      position = after;
    });
    MatchPending();
    if (src.follower->long_lines() > src.long_lines_reported) {
      const uint64_t more = src.follower->long_lines() - src.long_lines_reported;
      refused_ += more;
      src.long_lines_reported = src.follower->long_lines();
      PrintError(src.path + ": " + std::to_string(more) + " line(s) longer than the limit skipped");
    }
    return n;
  }

  // Counts a refused line; true when it may be named (kMaxLineReports a minute).
  bool MayReport() {
    ++refused_;
    const int64_t now = SystemClock().NowMicros();
    if (now - report_window_us_ >= int64_t{60} * 1'000'000) {
      if (unreported_ > 0) {
        PrintError(std::to_string(unreported_) + " more refused line(s) not shown");
      }
      report_window_us_ = now;
      reported_ = unreported_ = 0;
    }
    if (reported_ < kMaxLineReports) {
      ++reported_;
      return true;
    }
    ++unreported_;
    return false;
  }

  void OnLine(Source& src, std::string_view line) {
    unsaved_ = true;  // its position, at least, is not saved yet
    ++src.line_no;
    ++lines_;
    if (src.format == "zeek" && line.starts_with("#")) {
      if (line.starts_with("#separator")) src.header.clear();  // a new block
      if (!line.starts_with("#close")) src.header.emplace_back(line);
    }
    telemetry::LineError error;
    bool failed = false;
    // Log records wait in a batch (see MatchPending); STIX lines are matched one by one.
    const bool stix = src.format == "stix";
    telemetry::Record& record = stix ? record_ : batch_[pending_];
    if (!src.reader->Read(line, &record, &stix_, &error, &failed)) {
      if (failed && MayReport()) {
        PrintError(src.path + ":" + std::to_string(src.line_no) + ": " +
                   (error.field.empty() ? "" : error.field + ": ") + error.message);
      }
      return;
    }
    ++records_;
    if (!stix) {
      if (record.count != 0 && ++pending_ == batch_.size()) MatchPending();
      return;
    }
    // One hit per indicator per line, however many of its observables matched. The ids
    // point into the snapshot, held until the end of the line.
    auto snapshot = feed_.snapshot();
    hits_.clear();
    snapshot->MatchRecord(stix_, &hits_);
    matched_ids_.clear();
    for (const pattern::index::Hit& hit : hits_) matched_ids_.push_back(hit.indicator);
    std::sort(matched_ids_.begin(), matched_ids_.end());
    matched_ids_.erase(std::unique(matched_ids_.begin(), matched_ids_.end()), matched_ids_.end());
    const int64_t when = record.time_us != 0 ? record.time_us : SystemClock().NowMicros();
    for (std::string_view id : matched_ids_) CountHit(id, when);
  }

  // Matches the log records waiting in batch_ (without JSON, their index probes overlapped:
  // sightings/record_match.h), one hit per indicator per record. Called when the batch is
  // full and after every read of a source, so that no record waits across a commit of the
  // read positions or a change of the indicators.
  void MatchPending() {
    if (pending_ == 0) return;
    batch_ptrs_.clear();
    for (size_t i = 0; i < pending_; ++i) batch_ptrs_.push_back(&batch_[i]);
    pending_ = 0;
    auto snapshot = feed_.snapshot();  // the ids below point into it: held until the end
    matcher_.MatchBatch(*snapshot, batch_ptrs_, &batch_hits_);
    for (const sightings::RecordHit& hit : batch_hits_) {
      const telemetry::Record& record = *batch_ptrs_[hit.record];
      CountHit(hit.indicator, record.time_us != 0 ? record.time_us : SystemClock().NowMicros());
    }
  }

  // One hit of indicator `id` by an event at `when`: a sighting's count, or a suppressed
  // match with its reason.
  void CountHit(std::string_view id, int64_t when) {
    latest_event_us_ = std::max(latest_event_us_, when);
    std::string why;
    if (!feed_.Matches(id, &why)) {
      Suppressed& s = suppressed_[std::string(id)];
      if (s.hits++ == 0) s.why = std::move(why);
      ++suppressed_hits_;
      return;
    }
    ++matched_;
    aggregator_.Add(id, when, feed_.CreatorOf(id));
  }

  // Two sensors resuming from the same checkpoint would each overwrite what the other
  // stored: the second is refused while the first runs (an flock on a file in the data
  // folder named after the checkpoint, released when the process ends, however it ends).
  Status LockCheckpoint() {
    const std::string path =
        data_dir_ + "/sense-" + Sha256Hex(checkpoint_name_).substr(0, 16) + ".lock";
    lock_fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (lock_fd_ < 0) {
      return Status::IoError("cannot open " + path + ": " + std::strerror(errno));
    }
    while (::flock(lock_fd_, LOCK_EX | LOCK_NB) != 0) {
      if (errno == EINTR) continue;
      if (errno == EWOULDBLOCK) {
        return Status::Unavailable(
            "another `entente sense` is reading the same logs into the same collection for "
            "this organisation (saved position '" +
            checkpoint_name_ + "'); stop it first, or give this run another --name");
      }
      return Status::IoError("cannot lock " + path + ": " + std::strerror(errno));
    }
    return Status::Ok();
  }

  // Reports a remote step's error once (until it changes or clears).
  void RemoteStep(const Status& status, std::string_view what) {
    std::string error = status.ok() ? "" : std::string(what) + ": " + status.message();
    if (!error.empty() && error != remote_.last_error) {
      PrintError("sense: " + o_.url + ": " + error + " (will try again)");
    }
    remote_.last_error = std::move(error);
  }

  // Stores the sightings that are due, with the checkpoint, in one transaction.
  Status Commit(int64_t now, bool all) {
    // Windows are forgotten by the events' own time, so that replaying an old log works.
    if (latest_event_us_ != INT64_MIN) aggregator_.Expire(latest_event_us_);
    std::vector<store::NewObject> admitted;
    for (const json::object& obj : aggregator_.Flush(now, all)) {
      store::NewObject out;
      if (auto refusal = admission_.Admit(obj, &out)) {
        PrintError("sense: a sighting was refused: " + refusal->findings.front().message);
        continue;
      }
      if (obj.at("type").as_string() == "sighting") ++sightings_;
      admitted.push_back(std::move(out));
    }
    if (!resumable_) {
      if (admitted.empty()) return Status::Ok();
      return store_.AddObjects(collection_.id, admitted).status();
    }
    // No line read and no sighting to store since the last commit: the state is the one
    // saved (the open windows change only with lines or with a version given above).
    if (admitted.empty() && !unsaved_) return Status::Ok();
    json::object files;
    for (const auto& [path, pos] : positions_) {
      json::array header;
      for (const Source& src : sources_) {
        if (src.path != path) continue;
        for (const std::string& line : src.header) header.emplace_back(line);
      }
      files[path] =
          json::object{{"position", telemetry::FormatPosition(pos)}, {"header", std::move(header)}};
    }
    json::object state{{"version", kCheckpointVersion},
                       {"files", std::move(files)},
                       {"aggregator", aggregator_.SaveState()},
                       {"latest_event", latest_event_us_}};
    std::string text = json::serialize(state);
    unsaved_ = false;
    if (admitted.empty() && text == last_checkpoint_) return Status::Ok();
    auto added = store_.AddObjectsAndCheckpoint(collection_.id, admitted, checkpoint_name_, text);
    if (!added.ok()) {
      unsaved_ = true;
      return added.status();
    }
    last_checkpoint_ = std::move(text);
    return Status::Ok();
  }

  void Explain() {
    sensor::FeedCounts c = feed_.Counts();
    std::cerr << "indicators: " << c.matched << " matched, " << c.revoked << " revoked, "
              << c.expired << " expired, " << c.not_yet_valid << " not yet valid, " << c.decayed
              << " decayed, " << c.suppressed << " suppressed, " << c.not_stix
              << " not STIX patterning, " << c.not_compiled << " not compiled" << std::endl;
  }

  void Report() {
    if (unreported_ > 0) {
      PrintError(std::to_string(unreported_) + " more refused line(s) not shown");
    }
    if (aggregator_.late_hits() > 0) {
      PrintError(std::to_string(aggregator_.late_hits()) +
                 " hit(s) for windows already closed and forgotten were not counted");
    }
    const sensor::FeedCounts c = feed_.Counts();
    std::cout << "lines " << lines_ << ", records " << records_ << ", refused " << refused_
              << ", indicators " << c.matched << ", hits " << matched_ << ", sightings "
              << sightings_ << ", suppressed " << suppressed_hits_ << std::endl;
    // Every suppressed match, with why: an analyst can see what a warninglist or the decay
    // kept from becoming a sighting.
    for (const auto& [id, s] : suppressed_) {
      std::cout << "suppressed " << id << ": " << s.hits << " hit(s), " << s.why << std::endl;
    }
    if (o_.explain) Explain();
  }

  const SenseOptions& o_;
  const std::string data_dir_;
  std::shared_ptr<const NodeWarninglists> lists_;  // what suppress decides by
  std::unique_ptr<WarninglistWatcher> watcher_;
  store::Store& store_;
  store::Organisation org_;
  store::Collection collection_;
  policy::Requester who_;
  Remote remote_;
  sensor::IndicatorFeed feed_;
  sightings::Aggregator aggregator_;
  admission::Admission admission_;
  const std::string checkpoint_name_;
  int lock_fd_ = -1;  // held open, and locked, while this object lives
  std::vector<Source> sources_;
  std::map<std::string, telemetry::Position> positions_;
  std::map<std::string, std::vector<std::string>> saved_headers_;
  std::string last_checkpoint_;
  bool resumable_ = false, stdin_done_ = false, unreadable_ = false;
  int64_t latest_event_us_ = INT64_MIN;
  // A line was read since the state was last saved (true at the start, so that the first
  // commit compares the state with the saved one).
  bool unsaved_ = true;
  telemetry::Record record_;  // a STIX line's
  // Log records read and not matched yet (MatchPending): batch_[0, pending_).
  std::vector<telemetry::Record> batch_ = std::vector<telemetry::Record>(64);
  size_t pending_ = 0;
  std::vector<const telemetry::Record*> batch_ptrs_;
  std::vector<sightings::RecordHit> batch_hits_;
  json::value stix_;
  std::vector<pattern::index::Hit> hits_;
  std::vector<std::string_view> matched_ids_;
  sightings::RecordMatcher matcher_;
  struct Suppressed {
    uint64_t hits = 0;
    std::string why;  // as when first met
  };
  std::map<std::string, Suppressed> suppressed_;
  uint64_t suppressed_hits_ = 0;
  uint64_t lines_ = 0, records_ = 0, refused_ = 0, matched_ = 0, sightings_ = 0;
  int64_t report_window_us_ = INT64_MIN / 2;
  uint64_t reported_ = 0, unreported_ = 0;
};

int RunSense(const SenseOptions& o) {
  if (!o.format.empty() && !KnownFormat(o.format)) {
    return UsageError("sense: --format must be eve, zeek, zeek-json or stix");
  }
  for (const std::string& arg : o.files) {
    if (SplitFormat(arg, o.format).first.empty()) {
      return UsageError("sense: " + arg +
                        ": no format (--format, or name the file FORMAT:PATH, e.g. zeek:" + arg +
                        ")");
    }
  }
  sightings::WhereSighted where;
  if (!sightings::ParseWhereSighted(o.where, &where)) {
    return UsageError("sense: --where must be organisation, sector-and-country or nothing");
  }
  if (o.window_s <= 0 || o.update_every_s < 0 || o.flush_ms <= 0 || o.refresh_ms <= 0) {
    return UsageError(
        "sense: --window, --flush-ms and --refresh-ms must be positive, "
        "--update-every not negative");
  }
  if (o.follow && std::find(o.files.begin(), o.files.end(), "-") != o.files.end()) {
    return UsageError("sense: --follow reads files; standard input (-) is read to its end");
  }
  std::optional<pattern::index::DecayModel> decay;
  if (!o.no_decay) {
    decay = pattern::index::DecayModel();
    if (!o.decay_file.empty()) {
      std::ifstream in(o.decay_file);
      if (!in) return UsageError("sense: cannot read --decay file " + o.decay_file);
      std::stringstream text;
      text << in.rdbuf();
      auto model = pattern::index::DecayModel::Parse(text.str());
      if (!model.ok()) return UsageError(o.decay_file + ": " + model.status().message());
      decay = std::move(*model);
    }
  } else if (!o.decay_file.empty()) {
    return UsageError("sense: --decay and --no-decay exclude each other");
  }
  if (!o.url.empty()) {
    if (o.token.empty() || o.identity.empty() || o.collection.empty()) {
      return UsageError(
          "sense: --url needs --token (of the sighting organisation on the node), --identity "
          "(its STIX identity there) and --collection (the node's collection for the sightings)");
    }
    if (!o.as.empty()) {
      return UsageError(
          "sense: --as names an organisation of this node; with --url the organisation is "
          "the token's");
    }
    auto remote = RemoteSensor::Open(
        {o.url, o.token, o.collection, o.identity, o.sector, o.country, o.state});
    if (!remote.ok()) return Fail(remote.status());
    Sense sense(o, o.state, (*remote)->local(), (*remote)->organisation(), (*remote)->sightings(),
                where, std::move(decay), remote->get());
    return sense.Run();
  }
  if (o.as.empty() || o.collection.empty()) {
    return UsageError(
        "sense: --as ORG and --collection ID are required (or --url for a sensor on another "
        "host)");
  }
  auto store = OpenNodeStore(ResolveDataDir(o.data));
  if (!store.ok()) return Fail(store.status());
  auto org = (*store)->GetOrganisation(o.as);
  if (!org.ok()) {
    if (org.status().code() == StatusCode::kNotFound) {
      return Fail(Status::NotFound("unknown organisation '" + o.as +
                                   "' (--as: an organisation added with `entente org add`)"));
    }
    return Fail(org.status());
  }
  if (org->identity_id.empty()) {
    return Fail(Status::InvalidArgument("organisation '" + o.as +
                                        "' has no STIX identity: a sighting names its "
                                        "sighting organisation (`entente org add --identity`)"));
  }
  auto collection = (*store)->GetCollection(o.collection);
  if (!collection.ok()) {
    return Fail(Status::NotFound("unknown collection '" + o.collection +
                                 "' (--collection: an id from `entente collection list`)"));
  }
  // The sightings are ORG's objects in C: as for a TAXII POST, ORG must be a writer of C.
  if (!policy::AccessToCollection(policy::RequesterFor(store::OrgFactsOf(*org), ""),
                                  collection->readers, collection->writers)
           .can_write) {
    return Fail(Status::PermissionDenied(
        "organisation '" + o.as + "' may not write to collection '" + o.collection +
        "', where its sightings would be stored (`entente collection grant " + o.collection +
        " --org " + o.as + " --write`)"));
  }
  Sense sense(o, ResolveDataDir(o.data), **store, std::move(*org), std::move(*collection), where,
              std::move(decay));
  return sense.Run();
}

}  // namespace

void RegisterSenseCommand(CLI::App& app, CommandContext& ctx) {
  auto o = std::make_shared<SenseOptions>();
  CLI::App* cmd = app.add_subcommand(
      "sense",
      "Match sensor logs (Suricata EVE, Zeek, STIX) against the indicators an organisation "
      "may read, and store what was seen as STIX sightings");
  AddDataOption(cmd, &o->data);
  cmd->add_option("--as", o->as, "the sighting organisation (an id from `entente org list`)");
  cmd->add_option("--collection", o->collection,
                  "collection the sightings are stored in (with --url: the node's)");
  cmd->add_option("--url", o->url,
                  "a sensor on another host: the node's TAXII API root URL; indicators are "
                  "fetched from it and sightings posted to it with --token");
  cmd->add_option("--token", o->token, "with --url: a token of the sighting organisation");
  cmd->add_option("--identity", o->identity,
                  "with --url: the sighting organisation's STIX identity id on the node");
  cmd->add_option("--sector", o->sector, "with --url: its sector (for --where sector-and-country)");
  cmd->add_option("--country", o->country, "with --url: its country (ISO 3166-1 alpha-2)");
  cmd->add_option("--state", o->state,
                  "with --url: the sensor's state folder (indicators copied from the node, "
                  "sightings, read positions; default ./entente-sensor)");
  cmd->add_option("--format", o->format,
                  "eve (Suricata), zeek (tab-separated), zeek-json, or stix (SCO / "
                  "observed-data JSON lines): of the files not named FORMAT:PATH");
  cmd->add_option("--where", o->where,
                  "what the sightings say of who saw: organisation (default), "
                  "sector-and-country or nothing");
  cmd->add_flag("--follow", o->follow,
                "keep reading the files as they grow and rotate, until SIGINT or SIGTERM");
  cmd->add_option("--name", o->name,
                  "name of the saved read position (default: from --as, --collection, "
                  "--format and the files)");
  cmd->add_flag("--from-start", o->from_start,
                "read the files from their beginning, forgetting the saved position");
  cmd->add_option("--decay", o->decay_file,
                  "decay model file (lines: KIND lifetime=DURATION speed=N threshold=N; "
                  "docs/telemetry.md); default: the built-in model");
  cmd->add_flag("--no-decay", o->no_decay, "match indicators however old they are");
  cmd->add_option("--window", o->window_s, "seconds of one sighting window (default 3600)");
  cmd->add_option("--update-every", o->update_every_s,
                  "with --follow: seconds between new versions of an open sighting (default 60)");
  cmd->add_option("--flush-ms", o->flush_ms,
                  "with --follow: milliseconds between stores of new sightings (default 200)");
  cmd->add_option("--refresh-ms", o->refresh_ms,
                  "with --follow: milliseconds between looks at changed indicators (default 1000)");
  cmd->add_flag("--explain", o->explain,
                "print on stderr how many indicators are matched and why the others are not");
  cmd->add_option("files", o->files,
                  "log files, each FORMAT:PATH or PATH (read as --format); - for standard input")
      ->required();
  cmd->callback([o, &ctx] { ctx.exit_code = RunSense(*o); });
}

}  // namespace entente::cli
