// cases/ping_schedule.h: periodic ping tests of points of contact, sent by the node itself
// (issue 15, "periodic ping tests ... measure each contact's reachability"; docs/cases.md,
// "Scheduled pings").
//
// A schedule names a sending organisation of this node, a hotline collection, the
// contacts to ping (one contact, or every contact of an organisation, optionally of one
// role), how often (`every_seconds`) and how long each ping may wait for its
// acknowledgement (`within_seconds`). The schedules live in one JSON file in the node's
// data folder, DATA/hotline-pings.json, which `entente hotline schedule ...` edits and
// `entente serve` re-reads at every hotline tick:
//   {"schedules": [{"name": "de-daily", "as": "cert-fr", "collection": "ID",
//                   "org": "identity--...", "role": "technical",
//                   "every_seconds": 86400, "within_seconds": 900}]}
//
// Time is cut into slots of `every_seconds` counted from the Unix epoch; a round sends,
// for each schedule and contact, the ping of the current slot unless it is stored already.
// Its id is derived from the schedule's name, the contact and the slot
// (ScheduledPingId), so a restart or a kill -9 at any instant never sends a slot's ping
// twice; slots that passed while the node was down are not made up.
//
// Plain values and pure functions, except SendScheduledPings, which reads and writes the
// store (safe for concurrent use as the Store is).
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "cases/hotline_parties.h"
#include "entente/status.h"
#include "store/store.h"

namespace entente::cases {

inline constexpr std::string_view kPingScheduleFile = "hotline-pings.json";

struct PingSchedule {
  std::string name;        // 1-64 of [a-z0-9._-], unique
  std::string as;          // the sending organisation (of this node)
  std::string collection;  // the hotline collection
  std::string contact;     // one contact's identity id, or
  std::string org;         // every contact of this organisation's identity
  std::string role;        // with org: "policy" or "technical"; "" = both
  int64_t every_seconds = 86400;
  int64_t within_seconds = 900;
  bool operator==(const PingSchedule&) const = default;
};

// Checks one schedule's shape (not that its organisation, collection or contacts exist).
Status CheckPingSchedule(const PingSchedule& s);
Result<std::vector<PingSchedule>> ParsePingSchedules(std::string_view json_text);
boost::json::object PingSchedulesToJson(const std::vector<PingSchedule>& schedules);

// The id of the ping `schedule` sends to `contact` in `slot` (now / every).
std::string ScheduledPingId(std::string_view schedule, std::string_view contact, int64_t slot);

struct PingRoundReport {
  int64_t sent = 0;
  std::vector<std::string> problems;  // one sentence each, for the log
};

// Sends the pings of the current slot at `now_us` that are not stored yet, for the
// schedules given (those of `only_collection` when it is not empty).
Result<PingRoundReport> SendScheduledPings(store::Store& store, const NodeParties& parties,
                                           const std::vector<PingSchedule>& schedules,
                                           int64_t now_us, std::string_view only_collection = "");

}  // namespace entente::cases
