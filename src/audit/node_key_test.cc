// node_key.h and head.h: the key file's format and permissions, signatures over heads.
#include "audit/node_key.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace entente::audit {
namespace {

class NodeKeyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("audit_key_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    path_ = (dir_ / "audit.key").string();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path dir_;
  std::string path_;
};

TEST_F(NodeKeyTest, SavedPrivatelyAndLoadedBack) {
  NodeKey key = NodeKey::Generate();
  ASSERT_TRUE(key.SaveNew(path_).ok());
  struct stat st;
  ASSERT_EQ(::stat(path_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto loaded = NodeKey::Load(path_);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(loaded->public_key(), key.public_key());
  EXPECT_EQ(key.SaveNew(path_).code(), StatusCode::kAlreadyExists);  // never overwritten
}

TEST_F(NodeKeyTest, RefusesAKeyOthersMayRead) {
  ASSERT_TRUE(NodeKey::Generate().SaveNew(path_).ok());
  ASSERT_EQ(::chmod(path_.c_str(), 0640), 0);
  EXPECT_EQ(NodeKey::Load(path_).status().code(), StatusCode::kPermissionDenied);
}

TEST_F(NodeKeyTest, RefusesWhatIsNotAKeyFile) {
  for (std::string text : {std::string("garbage"), std::string("entente-ed25519-seed-v1 zz"),
                           "entente-ed25519-seed-v1 " + std::string(63, 'a')}) {
    std::filesystem::remove(path_);
    std::ofstream(path_) << text;
    ::chmod(path_.c_str(), 0600);
    EXPECT_EQ(NodeKey::Load(path_).status().code(), StatusCode::kCorruption) << text;
  }
  std::filesystem::remove(path_);
  EXPECT_EQ(NodeKey::Load(path_).status().code(), StatusCode::kNotFound);
}

TEST_F(NodeKeyTest, LoadOrCreateSaysWhichItDid) {
  bool created = false;
  auto first = NodeKey::LoadOrCreate(path_, &created);
  ASSERT_TRUE(first.ok());
  EXPECT_TRUE(created);
  auto second = NodeKey::LoadOrCreate(path_, &created);
  ASSERT_TRUE(second.ok());
  EXPECT_FALSE(created);
  EXPECT_EQ(first->public_key(), second->public_key());
}

// The signed bytes are the 88 of docs/record.md, and any change to a signed field or the
// signature is refused.
TEST_F(NodeKeyTest, HeadSignatures) {
  NodeKey key = NodeKey::Generate();
  TreeHead head{5, 1764723600000000, HashLeaf("root"), {}};
  SignedHead s = key.Sign(head);
  EXPECT_EQ(s.head.key_id, KeyIdOf(key.public_key()));
  std::string bytes = HeadSigningBytes(s.head);
  ASSERT_EQ(bytes.size(), kHeadSigningBytes);
  EXPECT_EQ(bytes.substr(0, 8), "ENTHEAD1");
  EXPECT_EQ(bytes.substr(8, 8), std::string("\0\0\0\0\0\0\0\5", 8));
  EXPECT_TRUE(VerifyHeadSignature(s, key.public_key()).ok());
  for (int field = 0; field < 4; ++field) {
    SignedHead t = s;
    if (field == 0) t.head.tree_size++;
    if (field == 1) t.head.timestamp_us++;
    if (field == 2) t.head.root[7] ^= 1;
    if (field == 3) t.signature[63] ^= 1;
    EXPECT_FALSE(VerifyHeadSignature(t, key.public_key()).ok()) << field;
  }
  EXPECT_FALSE(VerifyHeadSignature(s, NodeKey::Generate().public_key()).ok());
  EXPECT_EQ(ParseSignedHead(FormatSignedHead(s)).value(), s);
}

}  // namespace
}  // namespace entente::audit
