#include "cases/rsit.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <fstream>
#include <sstream>

namespace entente::cases {
namespace {

boost::json::object Published() {
  std::ifstream in(std::string(ENTENTE_CASES_TESTDATA) + "/rsit-machinev1.json");
  std::stringstream text;
  text << in.rdbuf();
  return boost::json::parse(text.str()).as_object();
}

// The compiled table is the task force's, class for class and type for type, with the
// same titles (the published file is the reference, not our reading of it).
TEST(Rsit, TableIsThePublishedTaxonomy) {
  boost::json::object published = Published();
  const auto& predicates = published.at("predicates").as_array();
  ASSERT_EQ(predicates.size(), RsitClasses().size());
  for (size_t i = 0; i < predicates.size(); ++i) {
    EXPECT_EQ(predicates[i].at("value").as_string(), RsitClasses()[i].name);
    EXPECT_EQ(predicates[i].at("expanded").as_string(), RsitClasses()[i].expanded);
  }
  size_t types = 0;
  for (const auto& v : published.at("values").as_array()) {
    const RsitClass* c = FindRsitClass(std::string(v.at("predicate").as_string()));
    ASSERT_NE(c, nullptr) << v.at("predicate");
    const auto& entries = v.at("entry").as_array();
    ASSERT_EQ(entries.size(), c->types.size()) << c->name;
    for (size_t i = 0; i < entries.size(); ++i) {
      EXPECT_EQ(entries[i].at("value").as_string(), c->types[i].name);
      EXPECT_EQ(entries[i].at("expanded").as_string(), c->types[i].expanded);
      ++types;
    }
  }
  size_t compiled = 0;
  for (const RsitClass& c : RsitClasses()) compiled += c.types.size();
  EXPECT_EQ(types, compiled);
}

TEST(Rsit, ClassifiesWhatUsersWrite) {
  auto c = ClassifyRsit(" Malicious_Code ", "C2-Server");
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->class_name, "malicious-code");
  EXPECT_EQ(c->type_name, "c2-server");
  EXPECT_EQ(RsitMachineTag(*c), "rsit:malicious-code=\"c2-server\"");
  auto class_only = ClassifyRsit("fraud", "");
  ASSERT_TRUE(class_only.ok());
  EXPECT_EQ(RsitMachineTag(*class_only), "rsit:fraud");
}

TEST(Rsit, UnknownClassListsTheValidOnes) {
  auto c = ClassifyRsit("malware", "");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(c.status().message().find("unknown RSIT class 'malware'"), std::string::npos);
  for (const RsitClass& k : RsitClasses()) {
    EXPECT_NE(c.status().message().find(std::string(k.name)), std::string::npos) << k.name;
  }
  auto empty = ClassifyRsit("", "");
  ASSERT_FALSE(empty.ok());
  EXPECT_NE(empty.status().message().find("required"), std::string::npos);
}

TEST(Rsit, TypeMustBelongToTheClass) {
  auto c = ClassifyRsit("fraud", "c2-server");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("valid types: unauthorised-use-of-resources, copyright"),
            std::string::npos)
      << c.status().message();
}

}  // namespace
}  // namespace entente::cases
