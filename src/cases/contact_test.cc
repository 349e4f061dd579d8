#include "cases/contact.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "admission/admission.h"
#include "cases/testing/hotline_node.h"
#include "stix/stix.h"

namespace entente::cases {
namespace {

using testing::HotlineNode;
using testing::kDe;
using testing::kElsewhere;
using testing::kFr;
using testing::kT0;

TEST(Contact, RefusesAContactWithoutPhoneOrEmail) {
  // Identity Contact Information 1.0 §1: "At least one of the following properties/sets of
  // properties MUST be provided: contact_numbers, email_addresses, social_media_accounts".
  Contact c;
  c.org_identity = kDe;
  c.name = "duty";
  c.country = "de";
  Status s = CheckContact(&c);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("phone or e-mail"), std::string::npos);
  c.phones = {"+49 228 99 9582 0"};
  ASSERT_TRUE(CheckContact(&c).ok());
  EXPECT_EQ(c.country, "DE");
  EXPECT_EQ(c.id, ContactId(kDe, "duty"));
}

TEST(Contact, RefusesBadFields) {
  Contact base = HotlineNode::MakeContact(kDe, "duty", 1);
  auto refused = [&](auto change) {
    Contact c = base;
    change(c);
    return CheckContact(&c).code() == StatusCode::kInvalidArgument;
  };
  EXPECT_TRUE(refused([](Contact& c) { c.country = "DEU"; }));
  EXPECT_TRUE(refused([](Contact& c) { c.languages = {"german"}; }));
  EXPECT_TRUE(refused([](Contact& c) { c.services = {"Incident Handling"}; }));
  EXPECT_TRUE(refused([](Contact& c) { c.emails = {"no-at-sign"}; }));
  EXPECT_TRUE(refused([](Contact& c) { c.phones = {"call me"}; }));
  EXPECT_TRUE(refused([](Contact& c) { c.rank = 0; }));
  EXPECT_TRUE(refused([](Contact& c) { c.name = ""; }));
  EXPECT_TRUE(refused([](Contact& c) { c.org_identity = "cert-de"; }));
  EXPECT_TRUE(refused([](Contact& c) {
    c.always_on = true;  // 24/7 and office hours at once
  }));
}

TEST(Contact, ObjectsAreValidStixAndParseBack) {
  Contact c = HotlineNode::MakeContact(kDe, "duty", 2);
  c.phones = {"+49 228 99 9582 0"};
  auto objects = ContactObjects(c, kT0, policy::Tlp::kClear, {}, {});
  ASSERT_EQ(objects.size(), 2u);  // the identity and its email-addr
  for (const auto& o : objects) {
    auto findings = stix::ValidateObject(o, {});
    EXPECT_TRUE(findings.empty()) << boost::json::serialize(o) << " "
                                  << (findings.empty() ? "" : findings[0].message);
  }
  const boost::json::object& identity = objects[0];
  EXPECT_EQ(identity.at("identity_class"), "group");
  EXPECT_EQ(identity.at("created_by_ref"), kDe);
  const auto& info = identity.at("extensions").at(kContactInfoExtensionId).as_object();
  EXPECT_EQ(info.at("extension_type"), "property-extension");
  EXPECT_EQ(info.at("contact_numbers").at(0).at("contact_number_type"), "work-phone");
  EXPECT_EQ(info.at("email_addresses").at(0).at("email_address_ref"), objects[1].at("id"));
  auto back = ParseContact(identity, [&](std::string_view id) {
    return id == objects[1].at("id").as_string() ? std::string("duty@cert.example") : "";
  });
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(back->id, c.id);
  EXPECT_EQ(back->org_identity, kDe);
  EXPECT_EQ(back->rank, 2);
  EXPECT_FALSE(back->always_on);
  EXPECT_EQ(back->office_hours, "Mo-Fr 08:00-18:00");
  EXPECT_EQ(back->languages, c.languages);
  EXPECT_EQ(back->services, c.services);
  EXPECT_EQ(back->emails, std::vector<std::string>{"duty@cert.example"});
  EXPECT_EQ(back->phones, c.phones);
  EXPECT_EQ(back->modified_us, kT0);
}

TEST(Contact, PublishedContactsAreListedAndFiltered) {
  HotlineNode node;
  const auto& de = node.Org("cert-de");
  Contact duty = HotlineNode::MakeContact(kDe, "duty", 1);
  Contact night = HotlineNode::MakeContact(kDe, "night", 5, /*always_on=*/true);
  night.services = {"vulnerability-coordination"};
  Contact fr = HotlineNode::MakeContact(kFr, "permanence", 1, false, "FR");
  ASSERT_TRUE(PublishContact(node.store(), node.collection(), node.parties(), de, duty, kT0,
                             policy::Tlp::kClear, {})
                  .ok());
  ASSERT_TRUE(PublishContact(node.store(), node.collection(), node.parties(), de, night, kT0,
                             policy::Tlp::kClear, {})
                  .ok());
  ASSERT_TRUE(PublishContact(node.store(), node.collection(), node.parties(), node.Org("cert-fr"),
                             fr, kT0, policy::Tlp::kClear, {})
                  .ok());
  auto all = ListContacts(node.store(), node.collection().id, node.parties(), {});
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[0].name, "duty");  // DE first (country order), rank 1 before 5
  ContactFilter f;
  f.country = "de";
  f.service = "incident-handling";
  auto found = ListContacts(node.store(), node.collection().id, node.parties(), f);
  ASSERT_TRUE(found.ok());
  ASSERT_EQ(found->size(), 1u);
  EXPECT_EQ((*found)[0].id, duty.id);
  f = {};
  f.always_on_only = true;
  found = ListContacts(node.store(), node.collection().id, node.parties(), f);
  ASSERT_EQ(found->size(), 1u);
  EXPECT_EQ((*found)[0].id, night.id);
}

TEST(Contact, RepublishingIssuesANewVersionKeepingCreated) {
  HotlineNode node;
  Contact duty = HotlineNode::MakeContact(kDe, "duty", 1);
  const auto& de = node.Org("cert-de");
  ASSERT_TRUE(PublishContact(node.store(), node.collection(), node.parties(), de, duty, kT0,
                             policy::Tlp::kClear, {})
                  .ok());
  duty.phones = {"+49 1"};
  ASSERT_TRUE(PublishContact(node.store(), node.collection(), node.parties(), de, duty, kT0 + 1000,
                             policy::Tlp::kClear, {})
                  .ok());
  EXPECT_EQ(node.Versions(duty.id), 2);
  auto all = ListContacts(node.store(), node.collection().id, node.parties(), {});
  ASSERT_EQ(all->size(), 1u);
  EXPECT_EQ((*all)[0].phones, std::vector<std::string>{"+49 1"});
  EXPECT_EQ((*all)[0].modified_us, kT0 + 1000);
}

TEST(Contact, OnlyTheOrganisationPublishesItsContacts) {
  HotlineNode node;
  Contact duty = HotlineNode::MakeContact(kDe, "duty", 1);
  Status s = PublishContact(node.store(), node.collection(), node.parties(), node.Org("cert-fr"),
                            duty, kT0, policy::Tlp::kClear, {});
  EXPECT_EQ(s.code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(PublishContact(node.store(), node.collection(), node.parties(), node.Org("cert-de"),
                           duty, kT0, policy::Tlp::kAmber, {})
                .code(),
            StatusCode::kInvalidArgument);
}

TEST(Contact, AContactClaimedForAnOrganisationLivingElsewhereIsIgnored) {
  // cert-fr stores, in its own name as admission allows (a creator outside the node), a
  // contact of an organisation that lives on no known node: it is not in the directory.
  HotlineNode node;
  Contact fake = HotlineNode::MakeContact(kElsewhere, "hijack", 1);
  auto objects = ContactObjects(fake, kT0, policy::Tlp::kClear, {}, {});
  auto added =
      StoreAs(node.store(), node.collection(), node.parties(), node.Org("cert-fr"), objects[0]);
  ASSERT_TRUE(added.ok()) << added.status().message();
  EXPECT_EQ(added->outcome, store::AddOutcome::kAdded);
  auto all = ListContacts(node.store(), node.collection().id, node.parties(), {});
  ASSERT_TRUE(all.ok());
  EXPECT_TRUE(all->empty());
  // Once a peer whose pushing organisation is cert-fr declares it, it counts.
  store::Peer peer;
  peer.name = "elsewhere";
  peer.local_org = "cert-fr";
  peer.recipients = {kElsewhere};
  node.parties().peers.push_back(peer);
  all = ListContacts(node.store(), node.collection().id, node.parties(), {});
  ASSERT_EQ(all->size(), 1u);
}

TEST(Contact, EscalationChainGoesByRankThenTo247) {
  Contact first = HotlineNode::MakeContact(kDe, "b-first", 3);
  Contact low = HotlineNode::MakeContact(kDe, "a-low", 1);
  Contact high = HotlineNode::MakeContact(kDe, "c-high", 9);
  Contact night = HotlineNode::MakeContact(kDe, "night", 1, true);
  Contact other = HotlineNode::MakeContact(kFr, "other", 1, false, "FR");
  auto chain = EscalationChain(first, {night, high, first, low, other});
  ASSERT_EQ(chain.size(), 4u);
  EXPECT_EQ(chain[0].id, first.id);
  EXPECT_EQ(chain[1].id, low.id);
  EXPECT_EQ(chain[2].id, high.id);
  EXPECT_EQ(chain[3].id, night.id);
}

}  // namespace
}  // namespace entente::cases
