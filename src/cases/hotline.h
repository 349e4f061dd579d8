// cases/hotline: messages to points of contact that must be acknowledged before a
// deadline, escalation when they are not, and ping tests of reachability (issue 15;
// docs/cases.md, "Hotline").
//
// Everything is a STIX 2.1 `note` in a collection, with entente's hotline extension
// (kHotlineExtensionId, property `hotline_type`):
//   message     a request (or a ping) from a local organisation to a contact of another
//               organisation; it fixes the deadline interval and the escalation chain;
//   delivery    made on the addressee's node by the addressee when the message is stored
//               there (its time is when it arrived);
//   ack         made by the addressee organisation (and only by it), naming the contact
//               who acknowledged;
//   escalation  made on the sender's node for the sender when a deadline passes without
//               an acknowledgement: step k hands the message to the k-th contact of the
//               chain with a new deadline. Its id is derived from the message id and k,
//               and all its properties from the message, so doing a step twice (a crash
//               between two ticks) stores one object.
// All are TLP:AMBER (or AMBER+STRICT, as the sender chooses) with the sender and the
// addressee as recipients, so federation carries them to the two nodes and nowhere else.
//
// A record counts only when its created_by_ref is the party entitled to it (delivery and
// ack: the addressee; escalation: the sender) and the stored version speaks for that
// party (hotline_parties.h SpeaksFor). A forged acknowledgement is refused when made
// through Acknowledge, and ignored — listed in MessageState::ignored — whatever way it
// came in. Deadlines are stored timestamps: what is due or overdue is computed when read.
//
// Pure functions except those taking a Store, which read or write it (safe for
// concurrent use as the Store is). Results own their data.
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cases/contact.h"
#include "cases/hotline_parties.h"
#include "entente/status.h"
#include "policy/policy.h"
#include "store/store.h"

namespace entente::cases {

enum class MessageKind { kRequest, kPing };

struct Message {
  std::string id;  // note--<uuid4>
  MessageKind kind = MessageKind::kRequest;
  std::string from;                // the sender organisation's identity (created_by_ref)
  std::string to;                  // the addressee organisation's identity
  std::vector<std::string> chain;  // contact ids: the addressed one, then escalations
  std::string subject;             // note abstract
  std::string body;                // note content
  std::string about;               // an object it concerns (a case), or ""
  int64_t sent_us = 0;             // created
  int64_t ack_within_us = 0;       // each contact's time to acknowledge
  policy::Tlp tlp = policy::Tlp::kAmber;

  // The deadline of the k-th contact of the chain: sent + (k+1) * ack_within.
  int64_t DeadlineOf(size_t step) const {
    return sent_us + static_cast<int64_t>(step + 1) * ack_within_us;
  }
};

enum class RecordKind { kDelivery, kAck, kEscalation };
std::string_view RecordKindName(RecordKind kind);  // "delivery", "ack", "escalation"

struct Record {
  std::string id;
  RecordKind kind = RecordKind::kDelivery;
  std::string message;  // message_ref
  std::string by;       // created_by_ref
  int64_t at_us = 0;    // when it happened
  std::string contact;  // ack: who acknowledged; escalation: the next contact
  int step = 0;         // escalation: k (1 = the second contact of the chain)
  std::string note;     // ack: free text
};

// Reads a message or a record out of a STIX note (the fuzzed entry points). invalid-
// argument when `obj` is not one, naming the member.
Result<Message> ParseMessage(const boost::json::object& obj);
Result<Record> ParseRecord(const boost::json::object& obj);
// Either kind: which one `obj` is ("" when neither), without checking it.
std::string HotlineTypeOf(const boost::json::object& obj);

// The STIX objects. A message's id is given (random); records' ids: delivery and
// escalation are deterministic (DeliveryId, EscalationId), an ack's is given.
boost::json::object MessageObject(const Message& m);
boost::json::object RecordObject(const Message& m, const Record& r);
std::string DeliveryId(std::string_view message_id);
std::string EscalationId(std::string_view message_id, int step);

// One line of a message's history, in time order.
struct Step {
  enum class What { kSent, kDelivered, kEscalated, kAcknowledged, kIgnored };
  What what = What::kSent;
  int64_t at_us = 0;
  std::string by;           // identity of who did it
  std::string contact;      // the contact concerned
  int64_t deadline_us = 0;  // sent, escalated: the deadline it set
  std::string detail;       // ignored: why; ack: its note
};
std::string_view StepName(Step::What what);

enum class Phase {
  kWaiting,       // the current contact's deadline has not passed
  kOverdue,       // a deadline passed and the next step is not recorded yet (a tick is due)
  kUnanswered,    // the whole chain's deadlines passed without an acknowledgement
  kAcknowledged,  // a valid acknowledgement is stored
};
std::string_view PhaseName(Phase phase);

struct MessageState {
  Message message;
  std::vector<Step> steps;  // sent, delivered, escalations, acks, ignored records
  Phase phase = Phase::kWaiting;
  size_t current = 0;       // index in the chain of the contact it is with
  int64_t deadline_us = 0;  // that contact's deadline
  bool delivered = false;
  int64_t delivered_us = 0;
  bool acknowledged = false;
  int64_t ack_us = 0;  // the first valid acknowledgement
  std::string ack_contact;
  bool ack_in_time = false;  // before the first contact's deadline
  int64_t stored_us = 0;     // when the message was stored on this node (date_added)
};

// Everything the hotline holds in `collection_id` that `visible` lets through (null:
// all), with records folded into their messages, as of `now_us`. Messages whose sender
// does not speak for itself (SpeaksFor) are left out; records that do not count are kept
// as kIgnored steps. By send time. `max_rows` > 0 bounds the read: the scan (oldest
// added first) stops after that many rows that `visible` lets through, of any type (the
// store has no index by type: counting notes only would not bound a collection that
// holds much else), and *capped (when given) says whether it stopped there (the messages
// and records after it are then missing from the result: for views that must answer in
// bounded time).
Result<std::vector<MessageState>> LoadMessages(
    store::Store& store, std::string_view collection_id, const NodeParties& parties, int64_t now_us,
    std::function<bool(const policy::Labels&)> visible = {}, size_t max_rows = 0,
    bool* capped = nullptr);

// What to send.
struct SendRequest {
  MessageKind kind = MessageKind::kRequest;
  Contact to;                  // the addressed contact
  std::vector<Contact> chain;  // EscalationChain(to, ...) for a request; {to} for a ping
  std::string subject, body, about;
  int64_t ack_within_us = 0;              // > 0
  policy::Tlp tlp = policy::Tlp::kAmber;  // AMBER or AMBER+STRICT
};

// Stores a message from the local organisation `from` (kept in `collection`), with a
// fresh id `id` ("note--<uuid4>"), sent at `now_us`. invalid-argument for a bad request
// (no subject, a deadline of zero, a TLP other than AMBER/AMBER+STRICT, a message to its
// own organisation, a chain of another organisation).
Result<Message> Send(store::Store& store, const store::Collection& collection,
                     const NodeParties& parties, const store::Organisation& from,
                     const SendRequest& request, std::string id, int64_t now_us);

// Stores the acknowledgement of `message_id` by the local organisation `by`, naming
// `contact` ("" for none) and `note`, at `now_us`, with the fresh id `id`. not-found
// when the collection holds no such message (that `by` may see); permission-denied when
// `by` is not its addressee (a forged acknowledgement is refused here).
Result<Record> Acknowledge(store::Store& store, const store::Collection& collection,
                           const NodeParties& parties, const store::Organisation& by,
                           std::string_view message_id, std::string_view contact,
                           std::string_view note, std::string id, int64_t now_us);

// What one tick did.
struct TickReport {
  int64_t deliveries = 0;             // delivery records stored
  int64_t escalations = 0;            // escalation records stored
  std::vector<std::string> problems;  // one sentence each (for the log)
};

// The work nobody watches, as of `now_us`: records the delivery of every message to an
// organisation of this node that has none, and for every unacknowledged message from an
// organisation of this node stores each escalation step whose deadline has passed (each
// with its deadline as its time). Idempotent: a second run at the same time stores
// nothing; a run after a crash stores exactly the missing steps.
Result<TickReport> Tick(store::Store& store, const store::Collection& collection,
                        const NodeParties& parties, int64_t now_us);

// Tick's work for `entente serve`'s loop, reading only what was stored since the previous
// tick: per collection it holds the messages that may still need a step on this node
// (a delivery to one of its organisations, an escalation of one of its organisations'
// unacknowledged requests) with their records, and forgets a message once nothing will
// ever be due for it (delivered or not to this node, and acknowledged, not from this
// node, or with every escalation step recorded). The first tick of a collection reads it
// once; later ticks read the rows added since (date_added) and fold the held messages
// only. The records it stores are the same objects Tick stores (deterministic ids), so
// a restart with a fresh watch, or Tick run by another process meanwhile, doubles
// nothing. A message whose parties change afterwards (an organisation added to the node
// later) is looked at again only by a fresh watch (a restart) or by Tick.
// Not safe for concurrent use (one thread ticks); the store must outlive it.
class HotlineWatch {
 public:
  explicit HotlineWatch(store::Store& store);
  ~HotlineWatch();
  HotlineWatch(const HotlineWatch&) = delete;
  HotlineWatch& operator=(const HotlineWatch&) = delete;

  // As Tick(store, collection, parties, now_us).
  Result<TickReport> Tick(const store::Collection& collection, const NodeParties& parties,
                          int64_t now_us);
  // How many messages of the collection it holds (for tests and the log).
  size_t HeldMessages(std::string_view collection_id) const;

 private:
  struct State;
  store::Store& store_;
  std::map<std::string, std::unique_ptr<State>> states_;
};

// Reachability per addressee organisation and kind, from the messages given; pings
// per contact too (a ping goes to one contact).
struct ReachStats {
  std::string org;      // addressee identity
  std::string contact;  // pings: the contact pinged; requests: ""
  MessageKind kind = MessageKind::kRequest;
  int64_t sent = 0, delivered = 0, acknowledged = 0, in_time = 0, escalated = 0;
  int64_t median_ack_us = -1, max_ack_us = -1;  // -1: none acknowledged
};
std::vector<ReachStats> ComputeStats(const std::vector<MessageState>& messages);

}  // namespace entente::cases
