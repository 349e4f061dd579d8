#include "taxii/testing/fixture.h"

#include <boost/json/parse.hpp>
#include <filesystem>
#include <map>
#include <stdexcept>
#include <thread>

#include "common/env.h"
#include "http/message.h"

namespace entente::taxii::testing {

namespace {

Org MakeOrg(store::Store& s, const std::string& id, const std::string& client_of,
            std::vector<std::string> communities) {
  Org o;
  o.id = id;
  o.identity = "identity--" + NewUuid4();
  o.token = NewToken();
  store::Organisation org;
  org.id = id;
  org.name = id;
  org.country = "FR";
  org.identity_id = o.identity;
  org.client_of = client_of;
  org.communities = std::move(communities);
  (void)s.PutOrganisation(org);
  store::TokenInfo t;
  t.token_id = "tok_" + id;
  t.org_id = id;
  (void)s.AddToken(t, Sha256Hex(o.token));
  return o;
}

}  // namespace

TaxiiFixture::TaxiiFixture(ServerOptions options) : store_(MakeTestStore(&cleanup_dir_)) {
  // Test code: gtest reports the exception as a failure of the test being set up.
  if (!store_) throw std::runtime_error("the test store could not be opened");
  store::NodeSettings settings;
  settings.name = "node-a";
  settings.title = "Node A";
  settings.description = "test node";
  settings.contact = "cert@example.org";
  settings.default_api_root = "api";
  (void)store_->PutSettings(settings);
  store::ApiRoot root;
  root.name = "api";
  root.title = "Main";
  root.max_content_length = 256 * 1024;
  (void)store_->PutApiRoot(root);
  alpha = MakeOrg(*store_, "alpha", "", {"eu-csirts"});
  beta = MakeOrg(*store_, "beta", "", {"eu-csirts"});
  gamma = MakeOrg(*store_, "gamma", alpha.identity, {});
  delta = MakeOrg(*store_, "delta", "", {});
  beta_red_individual = "identity--" + NewUuid4();
  beta_red_token = NewToken();
  store::TokenInfo t;
  t.token_id = "tok_beta_red";
  t.org_id = "beta";
  t.individual_id = beta_red_individual;
  (void)store_->AddToken(t, Sha256Hex(beta_red_token));

  auto add = [&](const std::string& title, std::vector<std::string> readers,
                 std::vector<std::string> writers) {
    store::Collection c;
    c.id = NewUuid4();
    c.api_root = "api";
    c.title = title;
    c.default_tlp = policy::Tlp::kAmber;
    c.readers = std::move(readers);
    c.writers = std::move(writers);
    (void)store_->PutCollection(c);
    return c.id;
  };
  shared_id = add("shared", {"alpha", "beta", "gamma"}, {"alpha", "beta"});
  private_id = add("private", {"alpha"}, {"alpha"});
  dropbox_id = add("dropbox", {}, {"beta"});

  options.host = "127.0.0.1";
  options.port = 0;
  auto server = TaxiiServer::Start(*store_, std::move(options));
  if (!server.ok()) throw std::runtime_error("server: " + server.status().ToString());
  server_ = std::move(server).value();
}

TaxiiFixture::~TaxiiFixture() {
  if (server_) server_->Stop();
  server_.reset();
  store_.reset();
  if (!cleanup_dir_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(cleanup_dir_, ec);
  }
}

http::Response TaxiiFixture::Send(const std::string& method, const std::string& target,
                                  const std::string& token, const std::string& body,
                                  std::vector<std::pair<std::string, std::string>> headers) {
  thread_local std::map<const void*, std::unique_ptr<http::testing::Client>> clients;
  auto& client = clients[this];
  if (!token.empty()) headers.emplace_back("Authorization", "Bearer " + token);
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (!client) {
      auto c = http::testing::Client::Connect("127.0.0.1", server_->port());
      if (!c.ok()) break;
      client = std::move(c).value();
    }
    auto res = client->Send(method, target, headers, body);
    if (res.ok()) return std::move(res).value();
    client.reset();  // the server closed the connection: reconnect once
  }
  http::Response failed;
  failed.status = -1;
  return failed;
}

http::Response TaxiiFixture::PostObjects(const std::string& collection, const std::string& token,
                                         const std::vector<std::string>& objects) {
  std::string body = "{\"objects\":[";
  for (size_t i = 0; i < objects.size(); ++i) body += (i ? "," : "") + objects[i];
  body += "]}";
  return Send("POST", "/api/collections/" + collection + "/objects/", token, body,
              {{"Content-Type", "application/taxii+json;version=2.1"}});
}

std::string TaxiiFixture::Header(const http::Response& res, std::string_view name) {
  for (const auto& [k, v] : res.headers) {
    if (http::EqualsIgnoreCase(k, name)) return v;
  }
  return "";
}

boost::json::value TaxiiFixture::Json(const http::Response& res) {
  boost::system::error_code ec;
  auto v = boost::json::parse(res.body, ec);
  return ec ? boost::json::value() : v;
}

std::string NewId(const std::string& type) { return type + "--" + NewUuid4(); }

std::string Indicator(const std::string& id, const std::string& modified,
                      const std::string& extra) {
  return "{\"type\":\"indicator\",\"spec_version\":\"2.1\",\"id\":\"" + id +
         "\",\"created\":\"2024-01-01T00:00:00.000Z\",\"modified\":\"" + modified +
         "\",\"name\":\"test\",\"pattern\":\"[ipv4-addr:value = '198.51.100.1']\","
         "\"pattern_type\":\"stix\",\"valid_from\":\"2024-01-01T00:00:00Z\"" +
         (extra.empty() ? "" : "," + extra) + "}";
}

std::string Audience(const std::string& list_name, const std::vector<std::string>& values) {
  std::string list;
  for (size_t i = 0; i < values.size(); ++i) list += (i ? ",\"" : "\"") + values[i] + "\"";
  return "\"extensions\":{\"" + std::string(policy::kAudienceExtensionId) +
         "\":{\"extension_type\":\"property-extension\",\"" + list_name + "\":[" + list + "]}}";
}

}  // namespace entente::taxii::testing
