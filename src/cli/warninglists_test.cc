// A node's warninglists as files (cli/warninglists.h): safe file names, add / replace /
// remove, overrides, and the watcher a running server reloads them through.
#include "cli/warninglists.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "common/fake_clock.h"

namespace entente::cli {
namespace {

namespace fs = std::filesystem;

class WarninglistFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string templ = (fs::temp_directory_path() / "entente-wl-XXXXXX").string();
    ASSERT_NE(::mkdtemp(templ.data()), nullptr);
    dir_ = templ;
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::vector<std::string> ListFolder() const {
    std::vector<std::string> names;
    const fs::path lists = fs::path(WarninglistDir(dir_)) / "lists";
    if (!fs::exists(lists)) return names;
    for (const auto& e : fs::directory_iterator(lists))
      names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
  }

  std::string dir_;
};

std::string List(const std::string& name, const std::string& type,
                 const std::vector<std::string>& entries) {
  std::string out = "{\"name\":\"" + name + "\",\"type\":\"" + type +
                    "\",\"version\":3,\"description\":\"d\",\"list\":[";
  for (size_t i = 0; i < entries.size(); ++i) out += (i ? ",\"" : "\"") + entries[i] + "\"";
  return out + "]}";
}

TEST(WarninglistFileName, IsDerivedNeverTakenFromTheName) {
  const std::string a = WarninglistFileName("List of known IPv4 public DNS resolvers");
  EXPECT_EQ(a.substr(0, 40), "list-of-known-ipv4-public-dns-resolvers-");
  EXPECT_EQ(a.size(), 40u + 8 + 5);
  EXPECT_EQ(a.substr(a.size() - 5), ".json");
  // No separator, no dot-dot, no leading dot survives.
  for (const char* hostile :
       {"../../etc/passwd", "/etc/shadow", "..", ".hidden", "a\\b", "\x01\x02", "", "ééé"}) {
    const std::string f = WarninglistFileName(hostile);
    EXPECT_EQ(f.find('/'), std::string::npos) << hostile;
    EXPECT_EQ(f.find('\\'), std::string::npos) << hostile;
    EXPECT_EQ(f.find(".."), std::string::npos) << hostile;
    EXPECT_NE(f.front(), '.') << hostile;
  }
  EXPECT_EQ(WarninglistFileName("../../etc/passwd").substr(0, 11), "etc-passwd-");
  // Names that differ only in case or punctuation get files of their own.
  EXPECT_NE(WarninglistFileName("A B"), WarninglistFileName("a-b"));
  EXPECT_EQ(WarninglistFileName(std::string(500, 'x')).size(), 48u + 1 + 8 + 5);
}

TEST_F(WarninglistFiles, AMissingFolderIsNoListsNotAnError) {
  auto lists = LoadNodeWarninglists(dir_);
  ASSERT_TRUE(lists.ok()) << lists.status().ToString();
  EXPECT_TRUE(lists->set.lists().empty());
  EXPECT_TRUE(lists->overrides.empty());
  EXPECT_TRUE(lists->set.ListsContaining("8.8.8.8").empty());
}

TEST_F(WarninglistFiles, AddKeepsTheFileAsGivenRefusesDuplicatesAndReplaces) {
  const std::string dns = List("../dns", "cidr", {"8.8.8.8"});
  auto added = AddNodeWarninglist(dir_, dns, false);
  ASSERT_TRUE(added.ok()) << added.status().ToString();
  EXPECT_EQ(added->name, "../dns");
  ASSERT_EQ(ListFolder(), std::vector<std::string>{WarninglistFileName("../dns")});
  std::ifstream in(fs::path(WarninglistDir(dir_)) / "lists" / WarninglistFileName("../dns"));
  std::string kept((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(kept, dns);
  EXPECT_FALSE(fs::exists(fs::path(dir_) / "dns"));

  auto again = AddNodeWarninglist(dir_, List("../dns", "cidr", {"9.9.9.9"}), false);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.status().code(), StatusCode::kAlreadyExists);
  EXPECT_NE(again.status().message().find("--replace"), std::string::npos);
  ASSERT_TRUE(AddNodeWarninglist(dir_, List("../dns", "cidr", {"9.9.9.9"}), true).ok());
  ASSERT_TRUE(AddNodeWarninglist(dir_, List("top", "string", {"github.com"}), false).ok());

  auto lists = LoadNodeWarninglists(dir_);
  ASSERT_TRUE(lists.ok());
  ASSERT_EQ(lists->set.lists().size(), 2u);
  EXPECT_EQ(lists->set.ListsContaining("8.8.8.8"), std::vector<std::string_view>{});
  EXPECT_EQ(lists->set.ListsContaining("9.9.9.9"), std::vector<std::string_view>{"../dns"});
  EXPECT_EQ(lists->set.ListsContaining("GitHub.com"), std::vector<std::string_view>{"top"});
  // No temporary file is left behind.
  EXPECT_EQ(ListFolder().size(), 2u);
}

TEST_F(WarninglistFiles, AMalformedListIsRefusedAndNothingWritten) {
  auto bad = AddNodeWarninglist(dir_, List("x", "cidr", {"8.8.8.8", "300.1.1.1"}), false);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("list[1]"), std::string::npos);
  EXPECT_TRUE(ListFolder().empty());
}

TEST_F(WarninglistFiles, RemoveByNameOrFileName) {
  ASSERT_TRUE(AddNodeWarninglist(dir_, List("dns", "cidr", {"8.8.8.8"}), false).ok());
  ASSERT_TRUE(AddNodeWarninglist(dir_, List("top", "string", {"github.com"}), false).ok());
  auto removed = RemoveNodeWarninglist(dir_, "dns");
  ASSERT_TRUE(removed.ok());
  EXPECT_EQ(*removed, "dns");
  std::string file = WarninglistFileName("top");
  ASSERT_TRUE(RemoveNodeWarninglist(dir_, file.substr(0, file.size() - 5)).ok());
  EXPECT_TRUE(ListFolder().empty());
  auto missing = RemoveNodeWarninglist(dir_, "dns");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
}

// A list edited by hand into something that does not parse: loading names the file, and
// it can still be removed by its file name.
TEST_F(WarninglistFiles, ABrokenFileIsNamedAndRemovable) {
  ASSERT_TRUE(AddNodeWarninglist(dir_, List("dns", "cidr", {"8.8.8.8"}), false).ok());
  const std::string file = WarninglistFileName("dns");
  std::ofstream(fs::path(WarninglistDir(dir_)) / "lists" / file) << "{\"name\":";
  auto lists = LoadNodeWarninglists(dir_);
  ASSERT_FALSE(lists.ok());
  EXPECT_NE(lists.status().message().find(file), std::string::npos);
  ASSERT_TRUE(RemoveNodeWarninglist(dir_, file).ok());
  EXPECT_TRUE(LoadNodeWarninglists(dir_).ok());
}

TEST_F(WarninglistFiles, OverridesAreKeptWithWhoWhenAndWhy) {
  const std::string id = "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f";
  ASSERT_TRUE(
      PutWarninglistOverride(dir_, {id, "alice", "2026-12-02T18:00:00Z", "our resolver \"x\""})
          .ok());
  auto lists = LoadNodeWarninglists(dir_);
  ASSERT_TRUE(lists.ok()) << lists.status().ToString();
  const WarninglistOverride* o = lists->OverrideOf(id);
  ASSERT_NE(o, nullptr);
  EXPECT_EQ(o->by, "alice");
  EXPECT_EQ(o->at, "2026-12-02T18:00:00Z");
  EXPECT_EQ(o->reason, "our resolver \"x\"");
  EXPECT_EQ(lists->OverrideOf("indicator--00000000-0000-4000-8000-000000000000"), nullptr);
  ASSERT_TRUE(RemoveWarninglistOverride(dir_, id).ok());
  EXPECT_EQ(RemoveWarninglistOverride(dir_, id).code(), StatusCode::kNotFound);
  lists = LoadNodeWarninglists(dir_);
  ASSERT_TRUE(lists.ok());
  EXPECT_TRUE(lists->overrides.empty());
}

// The server's view: a change shows once the check interval has passed on the clock, not
// before; a change that fails to load keeps the lists in force and is logged.
TEST_F(WarninglistFiles, WatcherReloadsAfterAChangeAtMostOncePerInterval) {
  FakeClock clock;
  std::vector<std::string> log;
  WarninglistWatcher watcher(dir_, clock, [&log](const std::string& l) { log.push_back(l); });
  EXPECT_TRUE(watcher.Current()->set.lists().empty());
  ASSERT_TRUE(AddNodeWarninglist(dir_, List("dns", "cidr", {"8.8.8.8"}), false).ok());
  EXPECT_TRUE(watcher.Current()->set.lists().empty());  // checked less than 1 s ago
  clock.Advance(1'000'000);
  auto now = watcher.CurrentSet();
  ASSERT_EQ(now->lists().size(), 1u);
  EXPECT_EQ(now->ListsContaining("8.8.8.8").size(), 1u);
  // Unchanged: the same object again.
  clock.Advance(5'000'000);
  EXPECT_EQ(watcher.CurrentSet().get(), now.get());
  // An override is a change too.
  ASSERT_TRUE(PutWarninglistOverride(
                  dir_, {"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f", "a", "t", "r"})
                  .ok());
  clock.Advance(1'000'000);
  EXPECT_EQ(watcher.Current()->overrides.size(), 1u);
  // A broken change: the lists before stay, and the log says why.
  ASSERT_TRUE(AddNodeWarninglist(dir_, List("top", "string", {"github.com"}), false).ok());
  std::ofstream(fs::path(WarninglistDir(dir_)) / "lists" / WarninglistFileName("top"))
      << "not json";
  clock.Advance(1'000'000);
  EXPECT_EQ(watcher.Current()->set.lists().size(), 1u);
  ASSERT_FALSE(log.empty());
  EXPECT_NE(log.back().find("stay in force"), std::string::npos);
  // The lists older callers hold stay valid.
  EXPECT_EQ(now->ListsContaining("8.8.8.8").size(), 1u);
}

// A sensor's start: Load is strict (a broken list is an error and nothing is loaded), and
// what it loaded is what Current() gives, without loading again within the interval.
TEST_F(WarninglistFiles, WatcherLoadIsStrictAndCurrentReusesIt) {
  FakeClock clock;
  ASSERT_TRUE(AddNodeWarninglist(dir_, List("dns", "cidr", {"8.8.8.8"}), false).ok());
  WarninglistWatcher watcher(dir_, clock);
  ASSERT_TRUE(watcher.Load().ok());
  auto loaded = watcher.Current();
  ASSERT_EQ(loaded->set.lists().size(), 1u);
  EXPECT_EQ(watcher.Current().get(), loaded.get());
  clock.Advance(5'000'000);
  EXPECT_EQ(watcher.Current().get(), loaded.get());  // the generation is unchanged
  std::ofstream(fs::path(WarninglistDir(dir_)) / "lists" / WarninglistFileName("dns"))
      << "not json";
  WarninglistWatcher strict(dir_, clock);
  Status s = strict.Load();
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find(WarninglistFileName("dns")), std::string::npos);
  EXPECT_TRUE(strict.Current()->set.lists().empty());  // nothing loaded, nothing in force
}

}  // namespace
}  // namespace entente::cli
