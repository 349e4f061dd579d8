// The typed entries of the tamper-evident record (docs/record.md): what the node did,
// each entry small, typed and free of secrets, and its one byte encoding (canonical JSON,
// RFC 8785) whose RFC 9162 leaf hash the Merkle tree holds.
//
// Value types and pure functions, safe for concurrent use. EncodeEntry refuses an entry
// that carries a bearer token's secret anywhere (the typed fields name tokens by their
// public id only; the check guards free-text fields too). ParseEntry accepts only the
// exact bytes EncodeEntry gives, so that one entry has one encoding and one leaf hash.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "entente/status.h"

namespace entente::audit {

enum class EntryKind {
  kObjectStored,        // an object version entered the store
  kEgressDecision,      // an object version was sent to a peer, or withheld, and why
  kDeletion,            // an object (or one version) was deleted
  kOrganisationChange,  // organisations, tokens, grants, peers, sovereignty rules
  kTokenChange,
  kGrantChange,
  kPeerChange,
  kSovereigntyChange,
  kRestrictedRead,  // a read of an AMBER, AMBER+STRICT or RED object
  kCaseEvent,       // case, intake and hotline events
  kIntakeEvent,
  kHotlineEvent,
  kObjectsStored,  // the object versions one store batch added (stored_batch.h)
};
// "object-stored", "egress-decision", "deletion", "organisation-change", "token-change",
// "grant-change", "peer-change", "sovereignty-change", "restricted-read", "case-event",
// "intake-event", "hotline-event", "objects-stored".
std::string_view KindName(EntryKind kind);
Result<EntryKind> KindFromName(std::string_view name);

// How an object came in.
enum class Channel { kClient, kPeer, kSensor, kLocal };  // "client" "peer" "sensor" "local"

struct ObjectStored {
  std::string object_id;   // e.g. indicator--…
  std::string version;     // its `modified` (or `created`) timestamp as stored
  std::string collection;  // the collection's id
  std::string sha256;      // of the object's canonical JSON, 64 lower-case hex digits
  std::string submitter;   // organisation id (client, sensor, local) or peer name
  Channel channel = Channel::kClient;
};

// The versions one store batch added to one collection, for one submitter and channel:
// their items (stored_batch.h StoredItem: id, version, SHA-256) are kept beside the
// entry, which commits to them by their Merkle tree head. `added_from`/`added_to` are the
// range of the store's date_added of the versions (microseconds), by which the record
// finds the batch that stored a version the store holds.
struct ObjectsStored {
  std::string collection;
  std::string submitter;  // organisation id (client, sensor, local) or peer name
  Channel channel = Channel::kClient;
  uint64_t count = 0;      // items
  std::string items_root;  // stored_batch.h ItemsRoot, 64 lower-case hex digits
  int64_t added_from_us = 0;
  int64_t added_to_us = 0;
};

enum class Decision { kSent, kWithheld, kRedacted, kHashed };  // "sent" "withheld" …
struct EgressDecision {
  std::string object_id;
  std::string version;
  std::string peer;
  Decision decision = Decision::kSent;
  std::string rule;    // which rule decided (e.g. "tlp", "sovereignty:rule-id")
  std::string reason;  // the gate's reason, as it would tell the operator
};

struct Deletion {
  std::string object_id;
  std::string version;  // empty: every version
  std::string collection;
  std::string by;  // organisation id, peer name or "operator"
  std::string reason;
};

// A change to an organisation, token, grant, peer or sovereignty rule (the kind says
// which). `subject` names it by its public identifier (a token by its token id).
struct Change {
  std::string subject;
  std::string action;  // "create", "update", "delete", "revoke", …
  std::string by;
  std::map<std::string, std::string> fields;  // what changed, public values only
};

enum class Tlp { kAmber, kAmberStrict, kRed };  // "amber" "amber+strict" "red"
struct RestrictedRead {
  std::string object_id;
  std::string version;
  Tlp tlp = Tlp::kAmber;
  std::string reader;    // organisation id
  std::string token_id;  // the token's public id, empty for the local operator
  std::string via;       // "taxii", "cli", "export", …
};

// A case, intake or hotline event (the kind says which).
struct ActivityEvent {
  std::string subject;  // the case, intake report or hotline message id
  std::string event;    // "opened", "invited", "state", "closed", "submitted", "ack", …
  std::string by;
  std::map<std::string, std::string> detail;
};

using EntryBody = std::variant<ObjectStored, EgressDecision, Deletion, Change, RestrictedRead,
                               ActivityEvent, ObjectsStored>;

struct Entry {
  EntryKind kind = EntryKind::kObjectStored;
  EntryBody body;
};

// The object an entry is about (object-stored, egress-decision, deletion,
// restricted-read), the collection of an objects-stored batch, else the subject of a
// change or event.
std::string_view EntrySubject(const Entry& entry);

// The organisations an entry involves (who submitted, deleted, changed, read or acted,
// the organisation changed, the organisation a token is for) and the peers it involves
// (the peer an object came from or went to, the peer changed). For `entente log --org`
// and `--peer`.
std::vector<std::string> EntryOrganisations(const Entry& entry);
std::vector<std::string> EntryPeers(const Entry& entry);

// An entry as the log holds it: its position, when it was appended, and its encoding.
struct RecordedEntry {
  uint64_t index = 0;
  int64_t time_us = 0;
  Entry entry;
};

// True if `text` holds something shaped like a bearer token's secret ("ent_" and 43
// URL-safe base64 characters, common/env.h NewToken).
bool ContainsTokenSecret(std::string_view text);

// The canonical JSON of the record entry:
//   {"body":{…},"index":N,"kind":"…","time":"YYYY-MM-DDTHH:MM:SS.ffffffZ","v":1}
// invalid-argument when the body is not the kind's type, a field breaks its form (sha256,
// version timestamps) or any field carries a token secret.
Result<std::string> EncodeEntry(const RecordedEntry& entry);
// The inverse; invalid-argument naming what is wrong unless `text` is exactly what
// EncodeEntry gives for some entry.
Result<RecordedEntry> ParseEntry(std::string_view text);

}  // namespace entente::audit
