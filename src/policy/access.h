// policy/access.h: who is asking, what they may do with a collection, and which status
// resources they may read — decided once for every way in (TAXII, `entente export`).
//
// A request acts for one organisation, through one of its tokens: RequesterFor builds
// the policy::Requester from the organisation's facts and the token's individual, so
// that every path that acts for a token sees exactly what the others see. The local
// operator (the CLI on the node's own data folder) reads and writes everything and is
// never derived from a token.
//
// Collection grants are organisation ids: an organisation reads a collection that
// lists it among its readers, writes one that lists it among its writers, and deletes
// only where it does both (it must see what it removes). A collection it may neither
// read nor write is treated as absent. A TAXII status resource is visible only to the
// organisation whose request created it. An empty organisation id matches nothing.
//
// Pure functions on plain data, safe for concurrent use; results own their data.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "policy/policy.h"

namespace entente::policy {

// What the gate needs to know about an organisation (as stored by store/).
struct OrgFacts {
  std::string org_id;
  std::string identity_id;               // its STIX identity id
  std::string client_of;                 // identity id of the organisation it is a client of
  std::vector<std::string> communities;  // trust communities it belongs to
};

// The requester acting for `org` through a token held by `individual_id` (the token's
// individual identity id; "" when the token names no person).
Requester RequesterFor(OrgFacts org, std::string individual_id);

// The local operator: sees every object and every collection.
Requester LocalOperator();

struct CollectionAccess {
  bool can_read = false;
  bool can_write = false;
  bool may_delete() const { return can_read && can_write; }
  // False: the collection is answered as if it did not exist.
  bool visible() const { return can_read || can_write; }
};

// What `who` may do with a collection whose grants are `readers` and `writers`.
CollectionAccess AccessToCollection(const Requester& who, const std::vector<std::string>& readers,
                                    const std::vector<std::string>& writers);

// True if `who` may read a status resource created by organisation `owner_org`.
bool MayReadStatus(const Requester& who, std::string_view owner_org);

}  // namespace entente::policy
