// cases/intake_rules.h: how the node triages intake - the dedupe window, the rate limit
// per reporter, and the routing rules that name the organisation or peer node
// responsible for a report (docs/cases.md, "Intake").
//
// The configuration is one JSON file in the node's data folder, DATA/intake.json, which
// `entente intake route ...` edits and `entente serve` re-reads when it changes:
//   {"dedupe_window_seconds": 259200, "rate_per_second": 10, "burst": 100,
//    "routes": [{"name": "energy-fr", "sector": "energy", "country": "FR",
//                "rsit_class": "availability", "to": "org:cert-energy"}, ...],
//    "default": "org:cert-fr"}
// Every member is optional (a missing file is the defaults). A rule matches a report when
// each of its non-empty conditions equals the report's: sector and country of the victim
// (else of the reporting organisation), RSIT class. Rules are tried in order; the first
// that matches wins; none: `default` ("" = the node's own handlers). A target is
// "org:ORG-ID" (an organisation of this node), "peer:PEER-NAME" (the one organisation
// declared to live on that peer node) or "peer:PEER-NAME/identity--UUID" (one of them).
//
// "forward" (optional) makes the decision act (cases/intake_forward.h): a report routed to
// an organisation is sent to it as a hotline message in `collection`, from the local
// organisation `as`, to be acknowledged within `within_seconds` by each contact:
//   "forward": {"collection": "ID", "as": "cert-fr", "within_seconds": 14400}
//
// Plain values and pure functions, safe from any thread.
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "cases/intake_report.h"
#include "entente/status.h"

namespace entente::cases {

// The configuration's file name in the node's data folder.
inline constexpr std::string_view kIntakeConfigFile = "intake.json";

struct RouteRule {
  std::string name;        // unique within the rules, shown with each routed ticket
  std::string sector;      // lower case; "" = any
  std::string country;     // ISO 3166-1 alpha-2, upper case; "" = any
  std::string rsit_class;  // an RSIT class; "" = any
  std::string to;          // "org:ID" or "peer:NAME"
  bool operator==(const RouteRule&) const = default;
};

// Where and as whom routed reports are forwarded; an empty collection: not forwarded.
struct ForwardConfig {
  std::string collection;  // the hotline collection (its directory names the contacts)
  std::string as;          // the sending organisation, of this node (a handler)
  int64_t within_seconds = 4 * 3600;
  bool operator==(const ForwardConfig&) const = default;
};

struct IntakeConfig {
  int64_t dedupe_window_seconds = 72 * 3600;
  double rate_per_second = 10;  // per reporting organisation; 0: no limit
  double burst = 100;           // reports a reporter may send at once
  std::vector<RouteRule> routes;
  std::string default_route;  // "" = the node's handlers
  ForwardConfig forward;
};

struct RouteDecision {
  std::string to;    // "" = the node's handlers
  std::string rule;  // the rule's name, "default" when none matched
};

// Facts of the reporting organisation that routing falls back on.
struct ReporterFacts {
  std::string org_id;
  std::string identity_id;
  std::string sector;   // as the operator recorded it (lower-cased here)
  std::string country;  // ISO 3166-1 alpha-2
};

RouteDecision Route(const IntakeConfig& config, const IntakeReport& report,
                    const ReporterFacts& reporter);

// "org:ID" or "peer:NAME" with a non-empty name of [a-z0-9._-] (org ids, peer names), or
// "peer:NAME/identity--UUID".
Status CheckRouteTarget(std::string_view to);
// Checks a forward configuration's shape (not that its collection or organisation exist).
Status CheckForwardConfig(const ForwardConfig& forward);
// Checks a rule (name, target, class through NormaliseRsit, country) and normalises it.
Result<RouteRule> CheckRouteRule(RouteRule rule);

Result<IntakeConfig> ParseIntakeConfig(std::string_view json_text);
boost::json::object IntakeConfigToJson(const IntakeConfig& config);

}  // namespace entente::cases
