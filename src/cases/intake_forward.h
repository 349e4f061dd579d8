// cases/intake_forward.h: routed intake reports made to act (issue 15, "routed by documented
// rules ... to the responsible organisation or peer node"; docs/cases.md, "Forwarding").
//
// A ticket the routing rules (intake_rules.h) sent to an organisation - "org:ID" on this
// node, "peer:NAME" or "peer:NAME/identity--UUID" on a peer node - is forwarded as a
// hotline message (hotline.h) from the configured local organisation (IntakeConfig
// forward.as, a handler of the intake) to the target organisation's first point of
// contact in the forward collection, with its escalation chain and
// forward.within_seconds to acknowledge. The hotline message is TLP:AMBER (AMBER+STRICT
// when the report is) with the sender and the target as its only recipients, so the
// policy gate lets it reach the target's node and organisation and nobody else; a
// TLP:RED report is never forwarded. Only primary tickets are forwarded (a duplicate
// follows its primary), and not closed ones.
//
// The outcome is recorded on the ticket as a `note` in the intake collection (intake
// extension, state "forwarded" with message_ref and forwarded_to, "withheld" or "kept"
// with a reason), read back by IntakeDesk. Both the message's id and the note's id are
// derived from the API root and the ticket (ForwardMessageId, ForwardNoteId), and an
// existing message is not sent again, so a round interrupted by kill -9 at any instant and
// run again stores neither twice. A target that cannot be reached yet (no contact
// published, an unknown peer) stays pending and is tried again at the next round; the
// round reports why.
//
// IntakeForwarder keeps a cursor per intake collection, so a round reads only what was
// stored since the last one (the first reads everything). Not safe for concurrent use:
// one thread runs the rounds. The store must outlive it.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "cases/hotline_parties.h"
#include "cases/intake_report.h"
#include "cases/intake_rules.h"
#include "entente/status.h"
#include "store/store.h"

namespace entente::cases {

// The hotline message a ticket is forwarded as, and the ticket's note recording it.
std::string ForwardMessageId(std::string_view api_root, std::string_view ticket);
std::string ForwardNoteId(std::string_view api_root, std::string_view ticket);

struct ForwardReport {
  int64_t forwarded = 0;              // messages sent (or found sent) and recorded on their tickets
  int64_t withheld = 0;               // tickets recorded as not forwarded (TLP:RED, kept here)
  int64_t waiting = 0;                // tickets still pending after this round
  std::vector<std::string> problems;  // one sentence each, for the log
};

class IntakeForwarder {
 public:
  explicit IntakeForwarder(store::Store& store) : store_(store) {}

  // One round at `now_us` under `config` (its forward member; without a forward
  // collection nothing is sent and routed tickets stay pending).
  Result<ForwardReport> Run(const IntakeConfig& config, const NodeParties& parties, int64_t now_us);

 private:
  struct Pending {
    std::string api_root;
    std::string ticket;
    std::string route_to;
    std::string route_rule;
    std::string reporter_identity;
    int64_t received_us = 0;
    IntakeReport report;
  };
  struct Root {
    int64_t cursor_us = -1;
  };

  Status CatchUp(const store::Collection& intake, Root& root);

  store::Store& store_;
  std::map<std::string, Root> roots_;       // api root -> cursor
  std::map<std::string, Pending> pending_;  // ticket -> what to forward
};

}  // namespace entente::cases
