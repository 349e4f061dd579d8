// taxii/testing/fixture.h: a running TAXII server over an in-memory store, with
// organisations, tokens and collections, and helpers to talk to it — for tests.
//
// Organisations: alpha (community eu-csirts), beta (community eu-csirts), gamma (a
// declared client of alpha), delta (no grants). Tokens: one per organisation, and
// beta_red for a beta person named as an individual recipient. Collections in API root
// "api": shared (read alpha/beta/gamma, write alpha/beta, default AMBER), private (read
// and write alpha only), dropbox (write beta only). Not thread-safe except Send.
// The store comes from MakeTestStore().
#pragma once

#include <boost/json/value.hpp>
#include <memory>
#include <string>
#include <vector>

#include "http/testing/client.h"
#include "taxii/server.h"
#include "taxii/testing/memory_store.h"

namespace entente::taxii::testing {

struct Org {
  std::string id;
  std::string identity;
  std::string token;
};

// The store the fixture runs on. Defined by the test executable: an in-memory store
// (memory_store_factory.cc) or the SQLite store (sqlite_store_factory.cc). A directory
// to remove afterwards may be returned in `cleanup_dir`.
std::unique_ptr<store::Store> MakeTestStore(std::string* cleanup_dir);

class TaxiiFixture {
 public:
  explicit TaxiiFixture(ServerOptions options = {});
  ~TaxiiFixture();

  store::Store& store() { return *store_; }
  TaxiiServer& server() { return *server_; }

  // One request on a fresh keep-alive connection per thread.
  http::Response Send(const std::string& method, const std::string& target,
                      const std::string& token, const std::string& body = "",
                      std::vector<std::pair<std::string, std::string>> headers = {});
  http::Response Get(const std::string& target, const std::string& token) {
    return Send("GET", target, token);
  }
  // POSTs {"objects": objects} with the TAXII content type.
  http::Response PostObjects(const std::string& collection, const std::string& token,
                             const std::vector<std::string>& objects);

  static std::string Header(const http::Response& res, std::string_view name);
  static boost::json::value Json(const http::Response& res);

  Org alpha, beta, gamma, delta;
  std::string beta_red_token;
  std::string beta_red_individual;
  std::string shared_id, private_id, dropbox_id;

 private:
  std::string cleanup_dir_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<TaxiiServer> server_;
};

// A valid STIX 2.1 indicator; `extra` is inserted verbatim as more properties
// (e.g. "\"object_marking_refs\":[...]").
std::string Indicator(const std::string& id, const std::string& modified,
                      const std::string& extra = "");
// The entente audience extension property text for `extra`.
std::string Audience(const std::string& list_name, const std::vector<std::string>& values);
std::string NewId(const std::string& type);

inline constexpr const char* kAmber = "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82";
inline constexpr const char* kGreen = "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da";
inline constexpr const char* kRed = "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1";
inline constexpr const char* kClear = "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9";

}  // namespace entente::taxii::testing
