// admin/node_admin.h: the node's administration — organisations, tokens, collections and
// their grants, peers — as one set of functions that `entente org|token|collection|peer`
// (cli/) and the dashboard's administrator pages (web/admin_pages.cc) both call, so that a
// change made from either has the same checks, the same error texts and the same effect.
//
// Validation comes first and touches nothing; the error texts name the command line's
// flags (e.g. "--country: …"), which the dashboard's forms use as field names too.
// Every change is recorded in the node's record by the store itself (its WriteObserver,
// store/write_observer.h, inside the write's transaction: a change that cannot be
// recorded is not made). `by` names who acts in the record (store::ActingFor for the
// change): "operator" for the command line, the administrator's organisation id for the
// dashboard.
//
// Secrets: CreateToken returns the new token's secret once; only its SHA-256 is stored,
// and the record names the token by its public id. A peer's token (NewPeer::token) is
// kept in the federation state, as `entente peer add` keeps it, and no function here
// returns it.
//
// Free functions over the caller's Store / FederationState; safe for concurrent
// use as those are. Two administrators adding the same id at once may both pass the
// existence check; the store's insert-or-replace then keeps the later one.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/env.h"
#include "entente/status.h"
#include "policy/egress.h"
#include "store/federation_state.h"
#include "store/store.h"
#include "taxii/node_identity.h"

namespace entente::admin {

// Lower-case canonical UUID "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx".
bool IsUuid(std::string_view text);
// "identity--" followed by a UUID.
bool IsIdentityId(std::string_view text);
// Organisation ids: 1-64 characters from [a-z0-9._-], starting with a letter or digit.
bool IsOrgId(std::string_view text);
// A public token id "tok_" + 8 random hex digits (not the secret).
std::string NewTokenId(Random& random = SystemRandom());
// Loads each organisation id of `ids`; not-found naming `flag` for an unknown one.
Status CheckOrgsExist(store::Store& store, const std::vector<std::string>& ids,
                      std::string_view flag);

// --- organisations (`entente org add|remove`) ---

struct NewOrganisation {
  std::string id;
  std::string name;
  std::string country;  // ISO 3166-1 alpha-2, assigned, upper case
  std::string sector;
  std::string client_of;  // an organisation id, or ""
  std::vector<std::string> communities;
  bool admin = false;
  std::string identity;  // identity--UUID, or "" for a new one
};

// Checks `org` without touching anything (invalid-argument naming the flag).
Status ValidateOrganisation(const NewOrganisation& org);
// Adds it (recorded by the store as `by`); already-exists for a known id or
// identity, not-found for an unknown client_of. Returns what was stored.
Result<store::Organisation> AddOrganisation(store::Store& store, const NewOrganisation& org,
                                            const std::string& by);
// Removes it and its tokens (recorded by the store as `by`); not-found for
// an unknown id.
Status RemoveOrganisation(store::Store& store, const std::string& id, const std::string& by);

// --- tokens (`entente token create|list|revoke`) ---

struct NewToken {
  std::string org;
  std::string label;
  std::string individual;  // identity--UUID of the person holding it, or ""
};

struct CreatedToken {
  store::TokenInfo info;
  std::string secret;  // shown once, never stored
};

Status ValidateToken(const NewToken& token);
// Creates a token (recorded by the store by its public id, as `by`); not-found
// for an unknown organisation.
Result<CreatedToken> CreateToken(store::Store& store, const NewToken& token, const std::string& by,
                                 Clock& clock = SystemClock(), Random& random = SystemRandom());
// The tokens of `org` ("" = of every organisation, in the store's order of organisations).
Result<std::vector<store::TokenInfo>> ListTokens(store::Store& store, const std::string& org);
// Revokes a token by its public id; not-found for an unknown one (recorded by the store,
// as whoever store::ActingFor names).
Status RevokeToken(store::Store& store, const std::string& token_id);

// --- collections and grants (`entente collection add|grant|revoke|remove`) ---

struct NewCollection {
  std::string title;
  std::string api_root = "api";
  std::string description;
  std::string tlp = "amber";       // clear, green, amber, amber+strict, red
  std::vector<std::string> read;   // organisation ids; items may be comma-separated lists
  std::vector<std::string> write;  // likewise
  std::string id;                  // a UUID, or "" for a new one
};

// ok when an API root named `name` exists; not-found naming --api-root otherwise.
Status CheckApiRoot(store::Store& store, const std::string& name);
// Checks what needs no store: title, TLP, id (invalid-argument naming the flag).
Status ValidateCollection(const NewCollection& c);
// Adds a collection; returns it. invalid-argument, not-found (API root, organisation) or
// already-exists (id), each naming the flag.
Result<store::Collection> AddCollection(store::Store& store, const NewCollection& c);
// Adds read and/or write grants of `org` (invalid-argument when neither is asked for).
Status GrantCollection(store::Store& store, const std::string& collection_id,
                       const std::string& org, bool read, bool write);
// Removes every grant of `org` on the collection (an org without grants: no change).
Status RevokeCollectionGrants(store::Store& store, const std::string& collection_id,
                              const std::string& org);
// Removes a collection and its objects.
Status RemoveCollection(store::Store& store, const std::string& collection_id);
// The collection, with a not-found naming the command line's ID argument.
Result<store::Collection> LoadCollection(store::Store& store, const std::string& id);
// Comma-separated and repeated list values, flattened, each once ("a,b" "b" -> a, b).
std::vector<std::string> FlattenList(const std::vector<std::string>& values);
// "a,b,,c" -> {"a","b","c"} (empty items dropped, spaces trimmed).
std::vector<std::string> SplitList(std::string_view text);

// --- peers (`entente peer add|remove|set`) ---

struct NewPeer {
  std::string name;
  std::string url;    // the peer's TAXII API root URL ('/' appended when missing)
  std::string token;  // the token this node presents there (a secret)
  std::string user;
  std::string jurisdiction;
  std::vector<std::string> communities;
  std::vector<std::string> recipients;
  std::vector<std::string> rules;  // TYPE[.PROPERTY]=withhold|redact|hash
  std::string hash_key;
  std::vector<std::string> pull;  // REMOTE[:LOCAL]
  std::vector<std::string> push;  // LOCAL[:REMOTE]
  std::string pin_sha256;
  std::string pin_pem;  // the PEM text (the command line reads it from --pin-pem FILE)
  std::string local_org;
  int64_t quota = 10000;
  int64_t hop_limit = policy::kDefaultHopLimit;
  std::string log_key;  // 64 hex digits, or ""
};

// Empty `text`: nothing (ok, `*out` left empty); else 64 hex digits, stored lower case.
Status CheckLogKey(const std::string& text, std::string* out);
// Checks a new peer as `entente peer add` does (its URL and pin through the TAXII client
// it will use, its collections and local organisation in `store`) and adds it;
// already-exists for a known name.
Status AddPeer(store::Store& store, store::FederationState& peers, const NewPeer& peer);

// What AddPeer learned of the peer's published identity (taxii/node_identity.h).
struct PeerIdentityRead {
  bool attempted = false;  // false when the key was given (NewPeer::log_key)
  Status status;           // not OK: why it could not be read (the peer is added all the same)
  taxii::NodeIdentity identity;  // what the peer published, when status is OK
  bool pinned = false;           // its record key is now the one the peer's heads must bear
};

// AddPeer, and when no key is given (`peer.log_key` empty), first reads the peer's
// identity from its TAXII discovery resource (GET /taxii2/) over the URL, token and pin
// given, through the client the peer will be synced with, with short timeouts
// (`identity_timeout_ms` to connect and for the answer): trust on first use. The record
// key it publishes becomes the key the peer's signed heads must bear
// (federation/witness.h; Peer::log_key_read_us = `now_us`) — the caller shows it, so the
// operator can compare it with the key the peer's operator gives out of band. A peer that
// cannot be asked, or publishes no identity or no key, is added all the same, its key
// pinned at first witnessing as before; `*read` says what happened. An identity that
// names another node or jurisdiction is reported in `*read` (the caller warns), not
// refused: the name here is this node's name for it.
Status AddPeer(store::Store& store, store::FederationState& peers, const NewPeer& peer,
               int64_t now_us, PeerIdentityRead* read, int identity_timeout_ms = 5000);
// Removes a peer, its checkpoints and status; not-found for an unknown name.
Status RemovePeer(store::FederationState& peers, const std::string& name);
// Sets the key the peer's record's heads must be signed with (`entente peer set
// --log-key`; it is then configured, no longer read from the peer's identity); returns the
// key as stored (lower-case hex). invalid-argument when `log_key` is empty or not 64 hex
// digits.
Result<std::string> SetPeerLogKey(store::FederationState& peers, const std::string& name,
                                  const std::string& log_key);

}  // namespace entente::admin
