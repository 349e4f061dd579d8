#include "policy/policy.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace entente::policy {
namespace {

constexpr const char* kAmberV2 = "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421";
constexpr const char* kGreenV1 = "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da";
constexpr const char* kRedV2 = "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1";

boost::json::object Obj(const char* text) { return boost::json::parse(text).as_object(); }

Requester Org(const char* org, const char* identity) {
  Requester r;
  r.org_id = org;
  r.identity_id = identity;
  return r;
}

TEST(LabelObject, MostRestrictiveMarkingWins) {
  auto obj =
      Obj(R"({"object_marking_refs":["marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da",
                                              "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1"]})");
  EXPECT_EQ(LabelObject(obj, Tlp::kClear, "a").tlp, Tlp::kRed);
}

TEST(LabelObject, UnmarkedTakesCollectionDefault) {
  EXPECT_EQ(LabelObject(Obj("{}"), Tlp::kGreen, "a").tlp, Tlp::kGreen);
}

TEST(LabelObject, UnknownMarkingCountsAsAmber) {
  auto obj = Obj(
      R"({"object_marking_refs":["marking-definition--00000000-0000-4000-8000-000000000000"]})");
  EXPECT_EQ(LabelObject(obj, Tlp::kClear, "a").tlp, Tlp::kAmber);
}

TEST(LabelObject, ReadsAudienceExtension) {
  auto obj = Obj(R"({"extensions":{"extension-definition--1641d5b9-e8f9-4e50-b7c8-ac882f4d424e":
                     {"extension_type":"property-extension","communities":["eu-csirts"],
                      "recipients":["identity--1"],"individuals":["identity--p"]}}})");
  Labels l = LabelObject(obj, Tlp::kAmber, "a");
  EXPECT_EQ(l.audience.communities, std::vector<std::string>{"eu-csirts"});
  EXPECT_EQ(l.audience.recipients, std::vector<std::string>{"identity--1"});
  EXPECT_EQ(DecodeAudience(EncodeAudience(l.audience)).individuals,
            std::vector<std::string>{"identity--p"});
}

TEST(MayRead, TlpTable) {
  Labels l;
  l.owner_org = "owner";
  l.audience.recipients = {"identity--r"};
  l.audience.communities = {"eu"};
  l.audience.individuals = {"identity--p"};
  Requester owner = Org("owner", "identity--o");
  Requester recipient = Org("r", "identity--r");
  Requester client = Org("c", "identity--c");
  client.client_of = "identity--r";
  Requester member = Org("m", "identity--m");
  member.communities = {"eu"};
  Requester person = Org("x", "identity--x");
  person.individual_id = "identity--p";
  Requester stranger = Org("s", "identity--s");

  l.tlp = Tlp::kClear;
  EXPECT_TRUE(MayRead(stranger, l));
  l.tlp = Tlp::kGreen;
  EXPECT_TRUE(MayRead(member, l));
  EXPECT_FALSE(MayRead(stranger, l));
  l.tlp = Tlp::kAmber;
  EXPECT_TRUE(MayRead(recipient, l));
  EXPECT_TRUE(MayRead(client, l));
  EXPECT_FALSE(MayRead(member, l));
  l.tlp = Tlp::kAmberStrict;
  EXPECT_TRUE(MayRead(recipient, l));
  EXPECT_FALSE(MayRead(client, l));
  l.tlp = Tlp::kRed;
  EXPECT_TRUE(MayRead(person, l));
  EXPECT_FALSE(MayRead(recipient, l));
  EXPECT_TRUE(MayRead(owner, l));
}

TEST(MayRead, GreenWithoutCommunityIsTheCollectionsReaders) {
  Labels l;
  l.tlp = Tlp::kGreen;
  EXPECT_TRUE(MayRead(Org("s", "identity--s"), l));
}

TEST(Tlp, NamesAndMarkings) {
  Tlp t;
  ASSERT_TRUE(ParseTlp("TLP:AMBER+STRICT", &t));
  EXPECT_EQ(t, Tlp::kAmberStrict);
  ASSERT_TRUE(ParseTlp("white", &t));
  EXPECT_EQ(t, Tlp::kClear);
  EXPECT_FALSE(ParseTlp("purple", &t));
  ASSERT_TRUE(TlpOfMarking(kAmberV2, &t));
  EXPECT_EQ(t, Tlp::kAmber);
  ASSERT_TRUE(TlpOfMarking(kGreenV1, &t));
  EXPECT_EQ(t, Tlp::kGreen);
  ASSERT_TRUE(TlpOfMarking(kRedV2, &t));
  EXPECT_EQ(TlpName(t), "red");
}

// What entente writes is a TLP 2.0 id that reads back as the same label.
TEST(Tlp, MarkingWrittenReadsBackAsTheSameLabel) {
  for (Tlp label : {Tlp::kClear, Tlp::kGreen, Tlp::kAmber, Tlp::kAmberStrict, Tlp::kRed}) {
    Tlp back;
    ASSERT_TRUE(TlpOfMarking(Tlp2MarkingId(label), &back)) << TlpName(label);
    EXPECT_EQ(back, label);
  }
  EXPECT_EQ(Tlp2MarkingId(Tlp::kAmber), kAmberV2);
  EXPECT_EQ(Tlp2MarkingId(Tlp::kRed), kRedV2);
}

}  // namespace
}  // namespace entente::policy
