// The peer commands' side of witnessing (federation/witness.h): `peer set NAME --log-key`,
// `peer show NAME` (configuration, the key expected, heads kept, alarms), and the summary
// `peer list` shows in its WITNESS column.
//
// For the `entente` process's main thread.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "cli/command.h"
#include "entente/status.h"
#include "store/federation_state.h"

namespace entente::cli {

struct WitnessSummary {
  std::string text;  // "-" (never witnessed), "ok N" (size of the newest head kept), "ALARM (k)"
  int64_t alarms = 0;
};
Result<WitnessSummary> WitnessSummaryOf(store::FederationState& state, const std::string& peer);

// Adds `set` and `show` to the `peer` command.
void RegisterPeerWitnessCommands(CLI::App* peer, CommandContext& ctx);

}  // namespace entente::cli
