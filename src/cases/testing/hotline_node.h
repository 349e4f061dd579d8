// cases/testing/hotline_node: a node for the unit tests of points of contact and the hotline:
// a SQLite store in a temporary folder with three organisations (fr: "cert-fr", de:
// "cert-de", it: "cert-it"), one collection all may read and write, and the parties
// derived from them. Header-only; tests only. Not safe for concurrent use.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "cases/contact.h"
#include "cases/hotline.h"
#include "store/store.h"
#include "store/test_util.h"

namespace entente::cases::testing {

inline constexpr const char* kFr = "identity--0f0f0f0f-0000-4000-8000-000000000001";
inline constexpr const char* kDe = "identity--0f0f0f0f-0000-4000-8000-000000000002";
inline constexpr const char* kIt = "identity--0f0f0f0f-0000-4000-8000-000000000003";
// An organisation living on no node this one knows.
inline constexpr const char* kElsewhere = "identity--0f0f0f0f-0000-4000-8000-000000000009";
inline constexpr int64_t kT0 = 1'780'000'000'000'000;  // 2026-05-28T20:26:40Z
inline constexpr int64_t kMinute = 60'000'000;

class HotlineNode {
 public:
  HotlineNode() {
    // date_added (a message's arrival, hence its delivery time) comes from this clock.
    auto s = store::OpenSqliteStore(dir_.File("entente.db"),
                                    {.create_if_missing = true, .clock = &clock_});
    EXPECT_TRUE(s.ok()) << s.status().message();
    store_ = std::move(*s);
    for (auto [id, identity, country] :
         {std::tuple{"cert-fr", kFr, "FR"}, std::tuple{"cert-de", kDe, "DE"},
          std::tuple{"cert-it", kIt, "IT"}}) {
      store::Organisation org;
      org.id = id;
      org.name = id;
      org.country = country;
      org.identity_id = identity;
      EXPECT_TRUE(store_->PutOrganisation(org).ok());
    }
    store::ApiRoot root;
    root.name = "api";
    EXPECT_TRUE(store_->PutApiRoot(root).ok());
    collection_.id = "8a7e2c1d-0000-4000-8000-00000000c011";
    collection_.api_root = "api";
    collection_.title = "hotline";
    collection_.default_tlp = policy::Tlp::kAmber;
    collection_.readers = collection_.writers = {"cert-fr", "cert-de", "cert-it"};
    EXPECT_TRUE(store_->PutCollection(collection_).ok());
    auto parties = LoadNodeParties(*store_, nullptr);
    EXPECT_TRUE(parties.ok());
    parties_ = *parties;
  }

  store::Store& store() { return *store_; }
  store::testing::ManualClock& clock() { return clock_; }
  const store::Collection& collection() const { return collection_; }
  NodeParties& parties() { return parties_; }
  const store::Organisation& Org(const std::string& id) const {
    for (const auto& o : parties_.orgs) {
      if (o.id == id) return o;
    }
    ADD_FAILURE() << "no organisation " << id;
    return parties_.orgs.front();
  }

  // A contact of `org_identity` named `name`, checked.
  static Contact MakeContact(const std::string& org_identity, const std::string& name, int rank,
                             bool always_on = false, const std::string& country = "DE") {
    Contact c;
    c.org_identity = org_identity;
    c.name = name;
    c.rank = rank;
    c.always_on = always_on;
    if (!always_on) c.office_hours = "Mo-Fr 08:00-18:00";
    c.time_zone = "Europe/Berlin";
    c.country = country;
    c.languages = {"de", "en"};
    c.services = {"incident-handling"};
    c.emails = {name + "@cert.example"};
    EXPECT_TRUE(CheckContact(&c).ok());
    return c;
  }

  // Every stored version of `id` in the collection.
  int Versions(const std::string& id) {
    return store::testing::CountVersions(*store_, collection_.id, id);
  }

 private:
  store::testing::TempDir dir_;
  store::testing::ManualClock clock_{kT0};
  std::unique_ptr<store::Store> store_;
  store::Collection collection_;
  NodeParties parties_;
};

}  // namespace entente::cases::testing
