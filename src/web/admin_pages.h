// web/admin_pages.h: the administrator pages (/ui/admin/…), written from data the handler
// loaded (web/admin_routes.cc): organisations, tokens, collections and grants, peers, each
// with its forms. Every form is a POST carrying the session's CSRF token; the fields are
// named after the `entente` command line's flags (admin/node_admin.h checks them).
//
// A token's secret enters a page in one place only: the notice of the answer to the POST
// that created it (AdminNotice::secret). No other page and no list ever holds a secret:
// tokens are listed by their public id, peers without the token they present.
// Pure functions, safe from any thread.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "store/store.h"
#include "web/pages.h"

namespace entente::web {

enum class AdminSection { kOrganisations, kTokens, kCollections, kPeers };

struct AdminData {
  std::vector<store::Organisation> orgs;
  std::vector<store::TokenInfo> tokens;
  std::vector<store::ApiRoot> roots;
  std::vector<store::Collection> collections;  // of every API root
  std::optional<std::vector<PeerLine>> peers;  // nullopt: the node runs without federation
  int64_t now_us = 0;
};

// What the answer to a change says at the top of the page.
struct AdminNotice {
  std::string text;    // what changed, or why nothing did
  bool error = false;  // `text` is a refusal
  std::string secret;  // a token created just now (shown once), else ""
};

// Rows a table shows at most (the lists are node configuration; the page says so when
// there are more).
inline constexpr size_t kAdminRowCap = 500;

std::string AdminPage(const Viewer& viewer, AdminSection section, const AdminData& data,
                      const AdminNotice& notice);

}  // namespace entente::web
