// The node commands end to end, in process: each test runs `entente …` argument lists
// through the real CLI11 app on an in-memory store and checks stdout, stderr, exit code
// and the store's contents.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "cli/command.h"
#include "cli/node_util.h"
#include "common/env.h"
#include "policy/policy.h"
#include "store/memory_federation_state.h"
#include "taxii/handler.h"
#include "taxii/ingest.h"
#include "taxii/responses.h"
#include "taxii/testing/memory_store.h"

namespace entente::cli {
namespace {

using taxii::testing::MemoryStore;

// A Store that forwards to a MemoryStore shared across "processes" of one test.
class SharedStore final : public store::Store {
 public:
  explicit SharedStore(std::shared_ptr<MemoryStore> s) : s_(std::move(s)) {}
  Status PutSettings(const store::NodeSettings& v) override { return s_->PutSettings(v); }
  Result<store::NodeSettings> GetSettings() override { return s_->GetSettings(); }
  Status PutOrganisation(const store::Organisation& v) override { return s_->PutOrganisation(v); }
  Result<store::Organisation> GetOrganisation(std::string_view id) override {
    return s_->GetOrganisation(id);
  }
  Result<std::vector<store::Organisation>> ListOrganisations() override {
    return s_->ListOrganisations();
  }
  Status DeleteOrganisation(std::string_view id) override { return s_->DeleteOrganisation(id); }
  Status AddToken(const store::TokenInfo& i, std::string_view h) override {
    return s_->AddToken(i, h);
  }
  Result<store::TokenInfo> FindTokenByHash(std::string_view h) override {
    return s_->FindTokenByHash(h);
  }
  Result<std::vector<store::TokenInfo>> ListTokens(std::string_view o) override {
    return s_->ListTokens(o);
  }
  Status RevokeToken(std::string_view t) override { return s_->RevokeToken(t); }
  Status PutApiRoot(const store::ApiRoot& r) override { return s_->PutApiRoot(r); }
  Result<std::vector<store::ApiRoot>> ListApiRoots() override { return s_->ListApiRoots(); }
  Status PutCollection(const store::Collection& c) override { return s_->PutCollection(c); }
  Result<store::Collection> GetCollection(std::string_view id) override {
    return s_->GetCollection(id);
  }
  Result<std::vector<store::Collection>> ListCollections(std::string_view r) override {
    return s_->ListCollections(r);
  }
  Status DeleteCollection(std::string_view id) override { return s_->DeleteCollection(id); }
  Result<std::vector<store::AddResult>> AddObjects(
      std::string_view c, const std::vector<store::NewObject>& o) override {
    return s_->AddObjects(c, o);
  }
  Status ScanObjects(const store::ObjectQuery& q,
                     const std::function<store::ScanAction(const store::ObjectRow&)>& v) override {
    return s_->ScanObjects(q, v);
  }
  Result<int64_t> DeleteObject(std::string_view c, std::string_view id,
                               const std::vector<std::string>& v, std::string_view o) override {
    return s_->DeleteObject(c, id, v, o);
  }
  Result<int64_t> CountObjects(std::string_view c) override { return s_->CountObjects(c); }
  Status ScanValueHolders(
      const std::vector<std::string>& v,
      const std::function<store::ScanAction(const store::ValueHolder&)>& f) override {
    return s_->ScanValueHolders(v, f);
  }
  Result<std::vector<store::Tombstone>> ListTombstones(std::string_view c, int64_t after,
                                                       size_t limit) override {
    return s_->ListTombstones(c, after, limit);
  }
  Status PutStatus(const store::StatusRecord& s) override { return s_->PutStatus(s); }
  Result<store::StatusRecord> GetStatus(std::string_view id) override { return s_->GetStatus(id); }
  Result<std::vector<store::AddResult>> AddObjectsAndCheckpoint(
      std::string_view c, const std::vector<store::NewObject>& o, std::string_view name,
      std::string_view checkpoint) override {
    return s_->AddObjectsAndCheckpoint(c, o, name, checkpoint);
  }
  Result<std::string> GetCheckpoint(std::string_view name) override {
    return s_->GetCheckpoint(name);
  }
  Result<std::vector<store::StatusRecord>> ListPendingStatuses() override {
    return s_->ListPendingStatuses();
  }
  Result<std::vector<std::optional<store::Provenance>>> GetProvenances(
      std::string_view c,
      const std::vector<std::pair<std::string_view, std::string_view>>& v) override {
    return s_->GetProvenances(c, v);
  }

 private:
  std::shared_ptr<MemoryStore> s_;
};

struct RunResult {
  int code = -1;
  std::string out;
  std::string err;
};

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    if (nl == std::string::npos) nl = text.size();
    lines.push_back(text.substr(start, nl - start));
    start = nl + 1;
  }
  return lines;
}

class CommandsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/entente-cli-test-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    root_ = tmpl;
    dir_ = root_ + "/node";
    SetFederationStateOpenerForTesting([](store::Store&) {
      return Result<std::unique_ptr<store::FederationState>>(
          std::make_unique<store::MemoryFederationState>());
    });
    SetStoreOpenerForTesting(
        [this](const std::string& path, bool create) -> Result<std::unique_ptr<store::Store>> {
          auto it = stores_.find(path);
          if (it == stores_.end()) {
            if (!create) return Status::NotFound("no store at " + path);
            std::ofstream(path).put('\n');  // the file marks the folder as initialised
            it = stores_.emplace(path, std::make_shared<MemoryStore>()).first;
          }
          return std::unique_ptr<store::Store>(std::make_unique<SharedStore>(it->second));
        });
  }
  void TearDown() override {
    SetStoreOpenerForTesting({});
    SetFederationStateOpenerForTesting({});
    std::filesystem::remove_all(root_);
  }

  RunResult Run(std::vector<std::string> args) {
    args.insert(args.begin(), "entente");
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    CLI::App app{"test", "entente"};
    app.require_subcommand(1);
    CommandContext ctx;
    RegisterNodeCommands(app, ctx);
    RunResult r;
    ::testing::internal::CaptureStdout();
    ::testing::internal::CaptureStderr();
    try {
      app.parse(static_cast<int>(argv.size()), argv.data());
      r.code = ctx.exit_code;
    } catch (const CLI::ParseError&) {
      r.code = 2;
    }
    std::fflush(stdout);
    r.out = ::testing::internal::GetCapturedStdout();
    r.err = ::testing::internal::GetCapturedStderr();
    return r;
  }

  std::shared_ptr<MemoryStore> Store() { return stores_.at(dir_ + "/entente.db"); }

  std::string WriteFile(const std::string& name, const std::string& text) {
    std::string path = root_ + "/" + name;
    std::ofstream(path) << text;
    return path;
  }

  std::string Init() {
    RunResult r = Run({"init", "--data", dir_, "--name", "cert-xx", "--jurisdiction", "FR"});
    EXPECT_EQ(r.code, 0) << r.err;
    auto lines = Lines(r.out);
    return lines.size() == 3 ? lines[2].substr(std::string("admin token: ").size()) : "";
  }

  std::string root_, dir_;
  std::map<std::string, std::shared_ptr<MemoryStore>> stores_;
};

constexpr const char* kIndicator =
    R"({"type":"indicator","spec_version":"2.1","id":"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",)"
    R"("created":"2024-01-01T00:00:00.000Z","modified":"2024-01-01T00:00:00.000Z",)"
    R"("pattern":"[ipv4-addr:value = '198.51.100.1']","pattern_type":"stix",)"
    R"("valid_from":"2024-01-01T00:00:00Z"})";
constexpr const char* kIdentity =
    R"({"type":"identity","spec_version":"2.1","id":"identity--311b2d2d-f010-4473-83ec-1edf84858f4c",)"
    R"("created":"2024-01-01T00:00:00.000Z","modified":"2024-01-01T00:00:00.000Z","name":"ACME"})";
constexpr const char* kInvalid =
    R"({"type":"indicator","spec_version":"2.1","id":"indicator--0b3c9c1e-7f5f-4a8a-9d6e-2b1d6b7c8e9f",)"
    R"("created":"2024-01-01T00:00:00.000Z","modified":"2024-01-01T00:00:00.000Z",)"
    R"("pattern_type":"stix","valid_from":"2024-01-01T00:00:00Z"})";

std::string Bundle(std::vector<std::string> objects) {
  std::string b =
      R"({"type":"bundle","id":"bundle--5d0092c5-5f74-4287-9642-33f4c354e56d","objects":[)";
  for (size_t i = 0; i < objects.size(); ++i) b += (i ? "," : "") + objects[i];
  return b + "]}";
}

TEST_F(CommandsTest, InitPrintsThreeLinesAndRefusesTwice) {
  RunResult r = Run({"init", "--data", dir_, "--name", "cert-xx", "--jurisdiction", "FR"});
  ASSERT_EQ(r.code, 0) << r.err;
  auto lines = Lines(r.out);
  ASSERT_EQ(lines.size(), 3u) << r.out;
  EXPECT_EQ(lines[0], "node cert-xx initialised in " + dir_);
  EXPECT_EQ(lines[1], "admin organisation: admin");
  ASSERT_EQ(lines[2].rfind("admin token: ent_", 0), 0u) << lines[2];
  std::string token = lines[2].substr(13);
  EXPECT_EQ(token.size(), 4u + 43u);
  struct stat st;
  ASSERT_EQ(::stat(dir_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  EXPECT_TRUE(std::filesystem::exists(dir_ + "/README.txt"));

  auto found = Store()->FindTokenByHash(Sha256Hex(token));
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->org_id, "admin");
  auto admin = Store()->GetOrganisation("admin");
  ASSERT_TRUE(admin.ok());
  EXPECT_TRUE(admin->admin);
  EXPECT_EQ(admin->country, "FR");
  EXPECT_TRUE(IsIdentityId(admin->identity_id));
  auto settings = Store()->GetSettings();
  ASSERT_TRUE(settings.ok());
  EXPECT_EQ(settings->default_api_root, "api");

  RunResult again = Run({"init", "--data", dir_, "--name", "other", "--jurisdiction", "DE"});
  EXPECT_EQ(again.code, 1);
  EXPECT_NE(again.err.find("already holds an initialised node"), std::string::npos) << again.err;
}

TEST_F(CommandsTest, InitRejectsUnassignedJurisdictionAndLeavesNothing) {
  RunResult r = Run({"init", "--data", dir_, "--name", "n", "--jurisdiction", "UK"});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err.rfind("entente: ", 0), 0u);
  EXPECT_NE(r.err.find("--jurisdiction"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(dir_));
  EXPECT_EQ(Run({"init", "--data", dir_, "--name", "n"}).code, 2);  // missing flag
}

TEST_F(CommandsTest, CommandsOnMissingNodeAreUsageErrors) {
  RunResult r = Run({"org", "list", "--data", dir_});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("entente init"), std::string::npos);
}

TEST_F(CommandsTest, OrgAddListRemove) {
  Init();
  RunResult r = Run({"org", "add", "cert-de", "--data", dir_, "--name", "CERT DE", "--country",
                     "DE", "--community", "eu-csirts", "--community", "energy"});
  ASSERT_EQ(r.code, 0) << r.err;
  auto lines = Lines(r.out);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_TRUE(IsIdentityId(lines[0])) << lines[0];
  auto org = Store()->GetOrganisation("cert-de");
  ASSERT_TRUE(org.ok());
  EXPECT_EQ(org->communities, (std::vector<std::string>{"eu-csirts", "energy"}));

  EXPECT_EQ(Run({"org", "add", "cert-de", "--data", dir_, "--name", "x", "--country", "DE"}).code,
            1);
  RunResult bad = Run({"org", "add", "o2", "--data", dir_, "--name", "x", "--country", "de"});
  EXPECT_EQ(bad.code, 1);
  EXPECT_NE(bad.err.find("--country"), std::string::npos);
  bad = Run({"org", "add", "o2", "--data", dir_, "--name", "x", "--country", "DE", "--client-of",
             "nobody"});
  EXPECT_EQ(bad.code, 1);
  EXPECT_NE(bad.err.find("--client-of"), std::string::npos);
  bad = Run({"org", "add", "o2", "--data", dir_, "--name", "x", "--country", "DE", "--identity",
             "identity--nope"});
  EXPECT_EQ(bad.code, 1);
  EXPECT_NE(bad.err.find("--identity"), std::string::npos);

  RunResult client = Run({"org", "add", "muni", "--data", dir_, "--name", "Town", "--country", "DE",
                          "--client-of", "cert-de"});
  ASSERT_EQ(client.code, 0) << client.err;
  EXPECT_EQ(Store()->GetOrganisation("muni")->client_of, org->identity_id);

  RunResult list = Run({"org", "list", "--data", dir_, "--json"});
  ASSERT_EQ(list.code, 0);
  auto json_lines = Lines(list.out);
  ASSERT_EQ(json_lines.size(), 3u) << list.out;
  bool saw_client = false;
  for (const auto& line : json_lines) {
    auto v = boost::json::parse(line).as_object();
    if (v.at("id") == "muni") {
      saw_client = true;
      EXPECT_EQ(v.at("client_of"), "cert-de");
    }
  }
  EXPECT_TRUE(saw_client);
  RunResult table = Run({"org", "list", "--data", dir_});
  EXPECT_EQ(Lines(table.out).size(), 4u);
  EXPECT_EQ(table.out.rfind("ID", 0), 0u);

  EXPECT_EQ(Run({"org", "remove", "muni", "--data", dir_}).code, 0);
  EXPECT_FALSE(Store()->GetOrganisation("muni").ok());
  EXPECT_EQ(Run({"org", "remove", "muni", "--data", dir_}).code, 1);
}

TEST_F(CommandsTest, TokensAreShownOnceAndStoredHashed) {
  Init();
  RunResult r = Run({"token", "create", "--data", dir_, "--org", "admin", "--label", "ci"});
  ASSERT_EQ(r.code, 0) << r.err;
  std::string secret = Lines(r.out).at(0);
  EXPECT_EQ(secret.rfind("ent_", 0), 0u);
  auto info = Store()->FindTokenByHash(Sha256Hex(secret));
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->label, "ci");
  RunResult list = Run({"token", "list", "--data", dir_});
  EXPECT_EQ(list.code, 0);
  EXPECT_EQ(list.out.find(secret), std::string::npos);
  EXPECT_NE(list.out.find(info->token_id), std::string::npos);
  EXPECT_EQ(Run({"token", "create", "--data", dir_, "--org", "ghost"}).code, 1);
  EXPECT_EQ(Run({"token", "revoke", info->token_id, "--data", dir_}).code, 0);
  EXPECT_FALSE(Store()->FindTokenByHash(Sha256Hex(secret)).ok());
}

TEST_F(CommandsTest, CollectionsValidateTheirFlags) {
  Init();
  RunResult bad = Run({"collection", "add", "--data", dir_, "--title", "T", "--read", "ghost"});
  EXPECT_EQ(bad.code, 1);
  EXPECT_NE(bad.err.find("--read"), std::string::npos) << bad.err;
  bad = Run({"collection", "add", "--data", dir_, "--title", "T", "--tlp", "purple"});
  EXPECT_EQ(bad.code, 1);
  EXPECT_NE(bad.err.find("--tlp"), std::string::npos);
  bad = Run({"collection", "add", "--data", dir_, "--title", "T", "--api-root", "nope"});
  EXPECT_EQ(bad.code, 1);
  EXPECT_NE(bad.err.find("--api-root"), std::string::npos);

  ASSERT_EQ(Run({"apiroot", "add", "cti", "--data", dir_}).code, 0);
  EXPECT_EQ(Run({"apiroot", "add", "cti", "--data", dir_}).code, 1);
  RunResult ok = Run({"collection", "add", "--data", dir_, "--title", "T", "--api-root", "cti",
                      "--read", "admin", "--tlp", "green"});
  ASSERT_EQ(ok.code, 0) << ok.err;
  std::string id = Lines(ok.out).at(0);
  EXPECT_TRUE(IsUuid(id));
  auto c = Store()->GetCollection(id);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->default_tlp, policy::Tlp::kGreen);
  EXPECT_EQ(c->readers, std::vector<std::string>{"admin"});

  EXPECT_EQ(Run({"collection", "grant", id, "--data", dir_, "--org", "admin", "--write"}).code, 0);
  EXPECT_EQ(Store()->GetCollection(id)->writers, std::vector<std::string>{"admin"});
  EXPECT_EQ(Run({"collection", "grant", id, "--data", dir_, "--org", "admin"}).code, 2);
  EXPECT_EQ(Run({"collection", "revoke", id, "--data", dir_, "--org", "admin"}).code, 0);
  EXPECT_TRUE(Store()->GetCollection(id)->readers.empty());
  RunResult list = Run({"collection", "list", "--data", dir_});
  EXPECT_NE(list.out.find(id), std::string::npos);
  EXPECT_EQ(Run({"collection", "remove", id, "--data", dir_}).code, 0);
  EXPECT_EQ(Run({"collection", "remove", id, "--data", dir_}).code, 1);
}

TEST_F(CommandsTest, IngestSkipsInvalidObjectsAndExportFiltersByPolicy) {
  Init();
  ASSERT_EQ(Run({"org", "add", "reader", "--data", dir_, "--name", "R", "--country", "DE"}).code,
            0);
  std::string green = Lines(Run({"collection", "add", "--data", dir_, "--title", "G", "--tlp",
                                 "green", "--read", "reader"})
                                .out)
                          .at(0);
  std::string amber =
      Lines(Run({"collection", "add", "--data", dir_, "--title", "A", "--read", "reader"}).out)
          .at(0);
  std::string file = WriteFile("b.json", Bundle({kIndicator, kInvalid, kIdentity}));

  RunResult r = Run({"ingest", "--data", dir_, "--collection", green, "--no-progress", file});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.out, "added 2, duplicate 0, invalid 1\n");
  auto err_lines = Lines(r.err);
  ASSERT_FALSE(err_lines.empty());
  auto finding = boost::json::parse(err_lines[0]).as_object();
  EXPECT_EQ(finding.at("object_id"), "indicator--0b3c9c1e-7f5f-4a8a-9d6e-2b1d6b7c8e9f");
  EXPECT_EQ(*Store()->CountObjects(green), 2);

  r = Run({"ingest", "--data", dir_, "--collection", green, "--no-progress", file});
  EXPECT_EQ(r.out, "added 0, duplicate 2, invalid 1\n");
  std::string valid = WriteFile("v.json", std::string("[") + kIndicator + "," + kIdentity + "]");
  r = Run({"ingest", "--data", dir_, "--collection", amber, valid});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "added 2, duplicate 0, invalid 0\n");
  EXPECT_EQ(Run({"ingest", "--data", dir_, "--collection", amber, root_ + "/missing.json"}).code,
            2);
  EXPECT_EQ(Run({"ingest", "--data", dir_, "--collection", "nope", valid}).code, 1);

  auto object_count = [&](const RunResult& e) -> size_t {
    EXPECT_EQ(e.code, 0) << e.err;
    auto bundle = boost::json::parse(e.out).as_object();
    EXPECT_EQ(bundle.at("type"), "bundle");
    EXPECT_EQ(std::string_view(bundle.at("id").as_string()).rfind("bundle--", 0), 0u);
    return bundle.at("objects").as_array().size();
  };
  // The local operator sees everything; a reader sees GREEN, not AMBER without naming it.
  EXPECT_EQ(object_count(Run({"export", "--data", dir_, "--collection", green})), 2u);
  EXPECT_EQ(object_count(Run({"export", "--data", dir_, "--collection", amber})), 2u);
  EXPECT_EQ(object_count(Run({"export", "--data", dir_, "--collection", green, "--as", "reader"})),
            2u);
  EXPECT_EQ(object_count(Run({"export", "--data", dir_, "--collection", amber, "--as", "reader"})),
            0u);
  // The contributor (admin, by default) sees its own objects but is not a reader.
  EXPECT_EQ(Run({"export", "--data", dir_, "--collection", amber, "--as", "admin"}).code, 1);

  std::string out = root_ + "/out.json";
  ASSERT_EQ(Run({"export", "--data", dir_, "--collection", green, "-o", out}).code, 0);
  std::ifstream in(out);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(boost::json::parse(text).at("objects").as_array().size(), 2u);
}

// `export --token` acts for the holder of a token exactly as a TAXII request with it
// does: a TLP:RED object naming the token's individual is in both, and a token (or
// organisation) naming no one sees it in neither. Export used to build its requester
// without the individual, so the person named could read over TAXII what no export
// could show.
TEST_F(CommandsTest, ExportForATokenSeesWhatThatTokenSeesOverTaxii) {
  std::string admin_secret = Init();
  ASSERT_EQ(Run({"org", "add", "reader", "--data", dir_, "--name", "R", "--country", "DE"}).code,
            0);
  std::string collection =
      Lines(Run({"collection", "add", "--data", dir_, "--title", "A", "--read", "reader"}).out)
          .at(0);
  const std::string person = "identity--5a7c2a4e-3b1d-4e55-9a3f-0c2b8d6e7f10";
  std::string named_secret =
      Lines(Run({"token", "create", "--data", dir_, "--org", "reader", "--individual", person}).out)
          .at(0);
  std::string plain_secret =
      Lines(Run({"token", "create", "--data", dir_, "--org", "reader"}).out).at(0);
  std::string named = Store()->FindTokenByHash(Sha256Hex(named_secret))->token_id;
  std::string plain = Store()->FindTokenByHash(Sha256Hex(plain_secret))->token_id;

  // kIndicator under other ids: one TLP:RED for `person` alone, one TLP:CLEAR.
  auto indicator = [](const std::string& uuid, const std::string& extra) {
    std::string s = kIndicator;
    s.replace(s.find("8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"), 36, uuid);
    return s.insert(s.size() - 1, "," + extra);
  };
  const std::string red = indicator(
      "1d0c6b8e-2f4a-4c3b-9e5d-7a6f8b9c0d1e",
      R"("object_marking_refs":["marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1"],)"
      R"("extensions":{")" +
          std::string(policy::kAudienceExtensionId) +
          R"(":{"extension_type":"property-extension","individuals":[")" + person + R"("]}})");
  const std::string clear = indicator(
      "2e1d7c9f-3a5b-4d4c-8f6e-8b7a9c0d1e2f",
      R"("object_marking_refs":["marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9"])");
  RunResult ingested = Run({"ingest", "--data", dir_, "--collection", collection, "--no-progress",
                            WriteFile("red.json", Bundle({red, clear}))});
  ASSERT_EQ(ingested.code, 0) << ingested.err;

  SharedStore store(Store());
  taxii::ServerOptions options;
  taxii::Ingestor ingestor(store, taxii::IngestOptions{});
  taxii::TaxiiHandler handler(store, options, ingestor);
  auto taxii_count = [&](const std::string& secret) -> size_t {
    http::Request req;
    req.method = "GET";
    req.path = req.target = "/api/collections/" + collection + "/objects/";
    req.headers = {{"Authorization", "Bearer " + secret},
                   {"Accept", std::string(taxii::kTaxiiMediaType)}};
    http::Response res = handler.Handle(req);
    EXPECT_EQ(res.status, 200) << res.body;
    const boost::json::value envelope = boost::json::parse(res.body);
    const auto* objects = envelope.as_object().if_contains("objects");
    return objects == nullptr ? 0 : objects->as_array().size();
  };
  auto export_count = [&](std::vector<std::string> args) -> size_t {
    args.insert(args.begin(), {"export", "--data", dir_, "--collection", collection});
    RunResult e = Run(args);
    EXPECT_EQ(e.code, 0) << e.err;
    if (e.code != 0) return 99;
    return boost::json::parse(e.out).at("objects").as_array().size();
  };
  EXPECT_EQ(taxii_count(named_secret), 2u);
  EXPECT_EQ(export_count({"--token", named}), 2u);
  EXPECT_EQ(taxii_count(plain_secret), 1u);
  EXPECT_EQ(export_count({"--token", plain}), 1u);
  EXPECT_EQ(export_count({"--as", "reader"}), 1u);

  // A token stands for its organisation: not both, and not one that does not exist.
  EXPECT_EQ(Run({"export", "--data", dir_, "--collection", collection, "--token", named, "--as",
                 "reader"})
                .code,
            2);
  RunResult unknown =
      Run({"export", "--data", dir_, "--collection", collection, "--token", "tok_00000000"});
  EXPECT_EQ(unknown.code, 1);
  EXPECT_NE(unknown.err.find("--token"), std::string::npos) << unknown.err;
  // The admin organisation is no reader of the collection, whoever holds its token.
  std::string admin_token = Store()->FindTokenByHash(Sha256Hex(admin_secret))->token_id;
  RunResult refused =
      Run({"export", "--data", dir_, "--collection", collection, "--token", admin_token});
  EXPECT_EQ(refused.code, 1);
  EXPECT_NE(refused.err.find("may not read"), std::string::npos) << refused.err;
}

TEST_F(CommandsTest, ValidateReportsFindingsOnStdout) {
  std::string good = WriteFile("g.json", Bundle({kIndicator, kIdentity}));
  std::string bad = WriteFile("b.json", kInvalid);
  std::string broken = WriteFile("x.json", "{\"type\":");
  RunResult r = Run({"validate", good});
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_EQ(r.out, "");
  r = Run({"validate", good, bad});
  EXPECT_EQ(r.code, 1);
  ASSERT_FALSE(r.out.empty());
  for (const auto& line : Lines(r.out)) {
    auto f = boost::json::parse(line).as_object();
    EXPECT_TRUE(f.contains("rule"));
  }
  r = Run({"validate", broken});
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err.rfind("entente: ", 0), 0u);
}

// One HTTP/1.1 GET on loopback; returns the status line.
std::string HttpGetStatusLine(uint16_t port, const std::string& path, const std::string& token) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    ::close(fd);
    return "connect failed";
  }
  std::string request = "GET " + path + " HTTP/1.1\r\nHost: localhost\r\n" +
                        "Accept: application/taxii+json;version=2.1\r\n" +
                        "Authorization: Bearer " + token + "\r\nConnection: close\r\n\r\n";
  (void)!::write(fd, request.data(), request.size());
  std::string response;
  char buf[4096];
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof(buf))) > 0) response.append(buf, static_cast<size_t>(n));
  ::close(fd);
  return response.substr(0, response.find("\r\n"));
}

TEST_F(CommandsTest, ServePrintsTheRealPortServesAndStopsOnSigterm) {
  std::string token = Init();
  int pipe_fds[2];
  ASSERT_EQ(::pipe(pipe_fds), 0);
  std::fflush(stdout);
  int saved_stdout = ::dup(STDOUT_FILENO);
  ::dup2(pipe_fds[1], STDOUT_FILENO);
  ::close(pipe_fds[1]);

  int exit_code = -1;
  std::thread serve([&] {
    std::vector<std::string> args = {"entente",  "serve",       "--data",    dir_,
                                     "--listen", "127.0.0.1:0", "--threads", "2"};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    CLI::App app{"test", "entente"};
    CommandContext ctx;
    RegisterNodeCommands(app, ctx);
    app.parse(static_cast<int>(argv.size()), argv.data());
    exit_code = ctx.exit_code;
  });
  std::string line;
  char c;
  while (::read(pipe_fds[0], &c, 1) == 1 && c != '\n') line += c;
  ::dup2(saved_stdout, STDOUT_FILENO);
  ::close(saved_stdout);

  const std::string prefix = "listening on http://127.0.0.1:";
  ASSERT_EQ(line.rfind(prefix, 0), 0u) << line;
  ASSERT_EQ(line.substr(line.size() - 8), "/taxii2/") << line;
  int port = std::stoi(line.substr(prefix.size()));
  EXPECT_GT(port, 0);
  EXPECT_NE(HttpGetStatusLine(static_cast<uint16_t>(port), "/taxii2/", token).find(" 200"),
            std::string::npos);
  EXPECT_NE(HttpGetStatusLine(static_cast<uint16_t>(port), "/taxii2/", "ent_wrong").find(" 401"),
            std::string::npos);

  pthread_kill(serve.native_handle(), SIGTERM);
  serve.join();
  ::close(pipe_fds[0]);
  EXPECT_EQ(exit_code, 0);
}

TEST_F(CommandsTest, ServeRejectsBadListenAddress) {
  Init();
  RunResult r = Run({"serve", "--data", dir_, "--listen", "127.0.0.1"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("--listen"), std::string::npos);
  r = Run({"serve", "--data", dir_, "--tls-cert", "x.pem"});
  EXPECT_EQ(r.code, 2);
}

}  // namespace
}  // namespace entente::cli
