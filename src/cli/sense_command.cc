// `entente sense`: a member's sensor logs matched on its own node, and what was seen stored
// as STIX 2.1 sightings (issue 14; docs/telemetry.md).
//
//   entente sense --as ORG --collection C --format eve|zeek|zeek-json FILE...|-
//
// The indicators are those ORG may read on this node (every collection it may read, the
// policy gate deciding each version; the newest version of each id, none revoked: as
// `entente match`). Each log line becomes one observation holding its observables
// (telemetry/observable.h) as SCOs, matched by the compiled index. Hits aggregate into one
// sighting per (indicator, hour) (sightings/aggregator.h), admitted into collection C as
// ORG's objects, labelled TLP:AMBER for the indicator's creator, so federation sends them
// back toward the source. A line that cannot be read is counted and named on stderr (at
// most kMaxLineReports times), and reading goes on.
//
// This first version reads each file once to its end; following a growing log
// (telemetry/follow.h) and the live index come next.
#include <algorithm>
#include <boost/json.hpp>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "admission/admission.h"
#include "cli/node_commands.h"
#include "cli/node_util.h"
#include "common/env.h"
#include "pattern/index/indicator_index.h"
#include "pattern/index/live_indicators.h"
#include "policy/access.h"
#include "policy/policy.h"
#include "sightings/aggregator.h"
#include "stix/stix.h"
#include "telemetry/eve.h"
#include "telemetry/follow.h"
#include "telemetry/zeek.h"

namespace entente::cli {
namespace {

namespace json = boost::json;

constexpr uint64_t kMaxLineReports = 20;

struct SenseOptions {
  std::string data;
  std::string as;
  std::string collection;
  std::string format;
  std::string where = "organisation";
  std::vector<std::string> files;
};

// One parser for the chosen format, behind one call.
class LineReader {
 public:
  explicit LineReader(std::string format) : format_(std::move(format)) {}
  // True when `line` gave a record; false for a header or an error (then *error says why
  // when it is one).
  bool Read(std::string_view line, telemetry::Record* record, telemetry::LineError* error,
            bool* failed) {
    *failed = false;
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
  std::string format_;
  telemetry::EveParser eve_;
  telemetry::ZeekTsvReader tsv_;
  telemetry::ZeekJsonReader json_;
};

// The SCO an observable stands for (STIX 2.1 §6), without an id: the index matches on the
// properties.
json::object ScoOf(const telemetry::Observable& o) {
  using telemetry::ObservableKind;
  json::object sco;
  auto hashes = [&](const char* type, const char* algorithm) {
    sco["type"] = type;
    sco["hashes"] = json::object{{algorithm, o.value}};
  };
  switch (o.kind) {
    case ObservableKind::kIpv4:
      sco["type"] = "ipv4-addr";
      sco["value"] = o.value;
      break;
    case ObservableKind::kIpv6:
      sco["type"] = "ipv6-addr";
      sco["value"] = o.value;
      break;
    case ObservableKind::kDomain:
      sco["type"] = "domain-name";
      sco["value"] = o.value;
      break;
    case ObservableKind::kUrl:
      sco["type"] = "url";
      sco["value"] = o.value;
      break;
    case ObservableKind::kEmail:
      sco["type"] = "email-addr";
      sco["value"] = o.value;
      break;
    case ObservableKind::kMd5:
      hashes("file", "MD5");
      break;
    case ObservableKind::kSha1:
      hashes("file", "SHA-1");
      break;
    case ObservableKind::kSha256:
      hashes("file", "SHA-256");
      break;
    case ObservableKind::kX509Sha1:
      hashes("x509-certificate", "SHA-1");
      break;
    case ObservableKind::kX509Sha256:
      hashes("x509-certificate", "SHA-256");
      break;
  }
  return sco;
}

// One log record as one observation: a JSON array of the SCOs, which the index reads as one
// observation per SCO (pattern/index/observation.h).
json::value ObservationOf(const telemetry::Record& record) {
  json::array scos;
  scos.reserve(record.count);
  for (size_t i = 0; i < record.count; ++i) scos.push_back(ScoOf(record.observables[i]));
  return scos;
}

struct Indicators {
  pattern::index::IndicatorIndex index;
  std::map<std::string, std::string, std::less<>> creator;  // id -> created_by_ref
  size_t live = 0;
};

// Every indicator version `who` may read in any collection it may read.
Status LoadIndicators(store::Store& store, const policy::Requester& who, Indicators* out) {
  auto collections = store.ListCollections("");
  if (!collections.ok()) return collections.status();
  pattern::index::LiveIndicators versions;
  for (const store::Collection& c : *collections) {
    if (!policy::AccessToCollection(who, c.readers, c.writers).can_read) continue;
    store::ObjectQuery q;
    q.collection_id = c.id;
    q.types = {"indicator"};
    q.match_all = true;
    q.match_last = false;
    Status s = store.ScanObjects(q, [&](const store::ObjectRow& row) {
      if (!policy::MayRead(who, row.labels)) return store::ScanAction::kContinue;
      auto parsed = stix::ParseJson(row.json);
      if (!parsed.ok() || !parsed->is_object()) return store::ScanAction::kContinue;
      const json::object& o = parsed->get_object();
      (void)versions.Add(o);  // an indicator without id or pattern is not admitted anyway
      if (const json::value* by = o.if_contains("created_by_ref"); by && by->is_string()) {
        out->creator[std::string(row.id)] = std::string(by->get_string());
      }
      return store::ScanAction::kContinue;
    });
    if (!s.ok()) return s;
  }
  std::vector<pattern::index::IndicatorSpec> specs = versions.Live();
  std::vector<std::pair<std::string, Status>> rejected;
  ENTENTE_RETURN_IF_ERROR(out->index.Add(specs, &rejected));
  out->live = specs.size() - rejected.size();
  return Status::Ok();
}

int RunSense(const SenseOptions& o) {
  if (o.format != "eve" && o.format != "zeek" && o.format != "zeek-json") {
    return UsageError("sense: --format must be eve, zeek or zeek-json");
  }
  sightings::WhereSighted where;
  if (!sightings::ParseWhereSighted(o.where, &where)) {
    return UsageError("sense: --where must be organisation, sector-and-country or nothing");
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
  const policy::Requester who = policy::RequesterFor(store::OrgFactsOf(*org), "");
  Indicators indicators;
  if (Status s = LoadIndicators(**store, who, &indicators); !s.ok()) return Fail(s);
  auto snapshot = indicators.index.snapshot();

  sightings::AggregatorOptions aggregation;
  aggregation.where = where;
  sightings::Aggregator aggregator({org->identity_id, org->sector, org->country}, aggregation);
  LineReader reader(o.format);
  telemetry::Record record;
  std::vector<pattern::index::Hit> hits;
  uint64_t lines = 0, records = 0, refused = 0, matched = 0;
  bool unreadable = false;
  for (const std::string& path : o.files) {
    uint64_t line_no = 0;
    auto on_line = [&](std::string_view line) {
      ++line_no;
      ++lines;
      telemetry::LineError error;
      bool failed = false;
      if (!reader.Read(line, &record, &error, &failed)) {
        if (failed && ++refused <= kMaxLineReports) {
          PrintError(path + ":" + std::to_string(line_no) + ": " +
                     (error.field.empty() ? "" : error.field + ": ") + error.message);
        }
        return;
      }
      ++records;
      if (record.count == 0) return;
      hits.clear();
      snapshot->MatchRecord(ObservationOf(record), &hits);
      const int64_t when = record.time_us != 0 ? record.time_us : SystemClock().NowMicros();
      // One hit per indicator per line, however many of its observables matched.
      std::vector<std::string_view> matched_ids;
      for (const pattern::index::Hit& hit : hits) matched_ids.push_back(hit.indicator);
      std::sort(matched_ids.begin(), matched_ids.end());
      matched_ids.erase(std::unique(matched_ids.begin(), matched_ids.end()), matched_ids.end());
      for (std::string_view id : matched_ids) {
        ++matched;
        auto creator = indicators.creator.find(id);
        aggregator.Add(id, when,
                       creator == indicators.creator.end() ? std::string_view()
                                                           : std::string_view(creator->second));
      }
    };
    if (path == "-") {
      std::string line;
      while (std::getline(std::cin, line)) on_line(line);
      continue;
    }
    telemetry::LogFollower follower(path);
    Status opened = follower.Open();
    auto read = opened.ok() ? follower.Poll([&](std::string_view line, const telemetry::Position&) {
      on_line(line);
    })
                            : Result<uint64_t>(opened);
    if (!read.ok()) {
      PrintError(read.status().message());
      unreadable = true;
    } else if (follower.long_lines() > 0) {
      refused += follower.long_lines();
      PrintError(path + ": " + std::to_string(follower.long_lines()) +
                 " line(s) longer than the limit skipped");
    }
  }
  if (refused > kMaxLineReports) {
    PrintError(std::to_string(refused - kMaxLineReports) + " more refused line(s) not shown");
  }

  // What was seen, as sightings of ORG in collection C, through the one way in.
  admission::Submitter as;
  as.channel = admission::Channel::kOperator;
  as.org_id = org->id;
  admission::Admission admission(*collection, std::move(as),
                                 admission::Options{admission::NodeValidateOptions()});
  std::vector<store::NewObject> admitted;
  uint64_t sightings = 0;
  for (const json::object& obj : aggregator.Flush(SystemClock().NowMicros())) {
    store::NewObject out;
    if (auto refusal = admission.Admit(obj, &out)) {
      PrintError("sense: a sighting was refused: " + refusal->findings.front().message);
      continue;
    }
    if (obj.at("type").as_string() == "sighting") ++sightings;
    admitted.push_back(std::move(out));
  }
  if (!admitted.empty()) {
    auto added = (*store)->AddObjects(collection->id, admitted);
    if (!added.ok()) return Fail(added.status());
  }
  std::cout << "lines " << lines << ", records " << records << ", refused " << refused
            << ", indicators " << indicators.live << ", hits " << matched << ", sightings "
            << sightings << std::endl;
  if (unreadable) return kExitUsage;
  return refused > 0 ? kExitNo : kExitOk;
}

}  // namespace

void RegisterSenseCommand(CLI::App& app, CommandContext& ctx) {
  auto o = std::make_shared<SenseOptions>();
  CLI::App* cmd = app.add_subcommand(
      "sense",
      "Match sensor logs (Suricata EVE, Zeek) against the indicators an organisation "
      "may read, and store what was seen as STIX sightings");
  AddDataOption(cmd, &o->data);
  cmd->add_option("--as", o->as, "the sighting organisation (an id from `entente org list`)")
      ->required();
  cmd->add_option("--collection", o->collection, "collection the sightings are stored in")
      ->required();
  cmd->add_option("--format", o->format, "eve (Suricata), zeek (tab-separated) or zeek-json")
      ->required();
  cmd->add_option("--where", o->where,
                  "what the sightings say of who saw: organisation (default), "
                  "sector-and-country or nothing");
  cmd->add_option("files", o->files, "log files (- for standard input)")->required();
  cmd->callback([o, &ctx] { ctx.exit_code = RunSense(*o); });
}

}  // namespace entente::cli
