#include "policy/access.h"

#include <utility>

#include "policy/audience.h"

namespace entente::policy {

Requester RequesterFor(OrgFacts org, std::string individual_id) {
  Requester r;
  r.org_id = std::move(org.org_id);
  r.identity_id = std::move(org.identity_id);
  r.client_of = std::move(org.client_of);
  r.communities = std::move(org.communities);
  r.individual_id = std::move(individual_id);
  return r;
}

Requester LocalOperator() {
  Requester r;
  r.local_operator = true;
  return r;
}

CollectionAccess AccessToCollection(const Requester& who, const std::vector<std::string>& readers,
                                    const std::vector<std::string>& writers) {
  CollectionAccess a;
  if (who.local_operator) {
    a.can_read = a.can_write = true;
    return a;
  }
  a.can_read = Names(readers, who.org_id);
  a.can_write = Names(writers, who.org_id);
  return a;
}

bool MayReadStatus(const Requester& who, std::string_view owner_org) {
  return !owner_org.empty() && owner_org == who.org_id;
}

}  // namespace entente::policy
