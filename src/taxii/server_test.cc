// End-to-end tests: the real TAXII server on 127.0.0.1, an in-memory store, a Beast client.
#include "taxii/server.h"
#include "taxii/ingest.h"

#include <gtest/gtest.h>

#include <unistd.h>
#include <atomic>
#include <boost/json.hpp>
#include <chrono>
#include <concepts>
#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <mutex>
#include <set>
#include <thread>

#include "common/timestamp.h"
#include "taxii/testing/fixture.h"

// Test-only: compare a JSON value with a std::string (found by argument-dependent lookup).
namespace boost::json {
template <class S>
requires std::same_as<S, std::string>
bool operator==(const value& v, const S& s) { return v.is_string() && v.get_string() == s; }
}  // namespace boost::json

namespace entente::taxii {
namespace {

namespace json = boost::json;
using testing::Audience;
using testing::Indicator;
using testing::NewId;
using testing::TaxiiFixture;

std::string ObjectsUrl(const std::string& collection) {
  return "/api/collections/" + collection + "/objects/";
}

// Ids of the objects in an envelope, in order.
std::vector<std::string> Ids(const http::Response& res) {
  std::vector<std::string> ids;
  auto v = TaxiiFixture::Json(res);
  if (!v.is_object()) return ids;
  if (auto* objs = v.get_object().if_contains("objects")) {
    for (const auto& o : objs->get_array()) ids.emplace_back(o.at("id").get_string());
  }
  return ids;
}

class TaxiiServerTest : public ::testing::Test {
 protected:
  TaxiiFixture f;
};

TEST_F(TaxiiServerTest, MissingOrBadTokenIs401WithChallenge) {
  auto none = f.Get("/taxii2/", "");
  EXPECT_EQ(none.status, 401);
  EXPECT_NE(TaxiiFixture::Header(none, "WWW-Authenticate").find("Bearer"), std::string::npos);
  EXPECT_EQ(TaxiiFixture::Json(none).at("http_status"), "401");
  EXPECT_EQ(f.Get("/taxii2/", "ent_not_a_real_token").status, 401);
  EXPECT_EQ(f.Get(ObjectsUrl(f.shared_id), "").status, 401);
}

TEST_F(TaxiiServerTest, BasicAuthUsesTheTokenAsPassword) {
  std::string creds = "anyone:" + f.alpha.token;
  std::string b64;
  {
    static const char* kChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t i = 0;
    for (; i + 2 < creds.size(); i += 3) {
      uint32_t n = (uint8_t(creds[i]) << 16) | (uint8_t(creds[i + 1]) << 8) | uint8_t(creds[i + 2]);
      for (int k = 3; k >= 0; --k) b64 += kChars[(n >> (6 * k)) & 63];
    }
    if (creds.size() - i == 1) {
      uint32_t n = uint8_t(creds[i]) << 16;
      b64 += kChars[(n >> 18) & 63];
      b64 += kChars[(n >> 12) & 63];
      b64 += "==";
    } else if (creds.size() - i == 2) {
      uint32_t n = (uint8_t(creds[i]) << 16) | (uint8_t(creds[i + 1]) << 8);
      b64 += kChars[(n >> 18) & 63];
      b64 += kChars[(n >> 12) & 63];
      b64 += kChars[(n >> 6) & 63];
      b64 += "=";
    }
  }
  auto res = f.Send("GET", "/taxii2/", "", "", {{"Authorization", "Basic " + b64}});
  EXPECT_EQ(res.status, 200) << res.body;
}

TEST_F(TaxiiServerTest, Discovery) {
  auto res = f.Get("/taxii2/", f.delta.token);
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_EQ(TaxiiFixture::Header(res, "Content-Type"), "application/taxii+json;version=2.1");
  auto v = TaxiiFixture::Json(res);
  EXPECT_EQ(v.at("title"), "Node A");
  EXPECT_EQ(v.at("description"), "test node");
  EXPECT_EQ(v.at("contact"), "cert@example.org");
  EXPECT_EQ(v.at("default"), "/api/");
  EXPECT_EQ(v.at("api_roots"), json::array({"/api/"}));
}

TEST_F(TaxiiServerTest, ApiRoot) {
  auto res = f.Get("/api/", f.alpha.token);
  ASSERT_EQ(res.status, 200);
  auto v = TaxiiFixture::Json(res);
  EXPECT_EQ(v.at("title"), "Main");
  EXPECT_EQ(v.at("versions"), json::array({"application/taxii+json;version=2.1"}));
  EXPECT_EQ(v.at("max_content_length"), 256 * 1024);
  EXPECT_EQ(f.Get("/nope/", f.alpha.token).status, 404);
  EXPECT_EQ(f.Get("/api/unknown/", f.alpha.token).status, 404);
}

TEST_F(TaxiiServerTest, CollectionsListOnlyWhatTheCallerMayReadOrWrite) {
  auto titles = [&](const std::string& token) {
    std::set<std::string> out;
    auto v = TaxiiFixture::Json(f.Get("/api/collections/", token));
    if (auto* c = v.get_object().if_contains("collections")) {
      for (const auto& col : c->get_array()) out.insert(std::string(col.at("title").get_string()));
    }
    return out;
  };
  EXPECT_EQ(titles(f.alpha.token), (std::set<std::string>{"shared", "private"}));
  EXPECT_EQ(titles(f.beta.token), (std::set<std::string>{"shared", "dropbox"}));
  EXPECT_EQ(titles(f.gamma.token), (std::set<std::string>{"shared"}));
  EXPECT_TRUE(titles(f.delta.token).empty());

  auto dropbox = f.Get("/api/collections/" + f.dropbox_id + "/", f.beta.token);
  ASSERT_EQ(dropbox.status, 200);
  auto v = TaxiiFixture::Json(dropbox);
  EXPECT_EQ(v.at("id"), f.dropbox_id);
  EXPECT_EQ(v.at("can_read"), false);
  EXPECT_EQ(v.at("can_write"), true);
  EXPECT_EQ(v.at("media_types"), json::array({"application/stix+json;version=2.1"}));
  // Existence does not leak: someone else's collection is 404, like a missing one.
  EXPECT_EQ(f.Get("/api/collections/" + f.private_id + "/", f.beta.token).status, 404);
  EXPECT_EQ(f.Get(ObjectsUrl(f.private_id), f.beta.token).status, 404);
  EXPECT_EQ(f.Get("/api/collections/00000000-0000-4000-8000-000000000000/", f.alpha.token).status,
            404);
  // Known but not readable: 403.
  EXPECT_EQ(f.Get(ObjectsUrl(f.dropbox_id), f.beta.token).status, 403);
}

TEST_F(TaxiiServerTest, NegotiationAndContentType) {
  auto res = f.Send("GET", "/taxii2/", f.alpha.token, "", {{"Accept", "application/json"}});
  EXPECT_EQ(res.status, 406);
  EXPECT_EQ(
      f.Send("GET", "/taxii2/", f.alpha.token, "", {{"Accept", "application/taxii+json"}}).status,
      200);
  EXPECT_EQ(f.Send("GET", "/taxii2/", f.alpha.token, "", {{"Accept", "*/*"}}).status, 200);
  auto post = f.Send("POST", ObjectsUrl(f.shared_id), f.alpha.token, "{\"objects\":[]}",
                     {{"Content-Type", "application/json"}});
  EXPECT_EQ(post.status, 415);
  // TAXII 2.1 §1.6.8: the version parameter is optional; §3.1: no 415 for the endpoint's
  // own media type.
  auto unversioned = f.Send("POST", ObjectsUrl(f.shared_id), f.alpha.token, "{\"objects\":[]}",
                            {{"Content-Type", "application/taxii+json"}});
  EXPECT_EQ(unversioned.status, 202);
  EXPECT_EQ(f.Send("PUT", ObjectsUrl(f.shared_id), f.alpha.token).status, 405);
}

TEST_F(TaxiiServerTest, PostNeedsWriteRight) {
  auto id = NewId("indicator");
  EXPECT_EQ(
      f.PostObjects(f.shared_id, f.gamma.token, {Indicator(id, "2024-01-01T00:00:00.000Z")}).status,
      403);
  EXPECT_EQ(
      f.PostObjects(f.private_id, f.beta.token, {Indicator(id, "2024-01-01T00:00:00.000Z")}).status,
      404);
  auto ok = f.PostObjects(f.dropbox_id, f.beta.token, {Indicator(id, "2024-01-01T00:00:00.000Z")});
  EXPECT_EQ(ok.status, 202) << ok.body;
}

TEST_F(TaxiiServerTest, PostReportsSuccessesAndFailuresAndStoresOnlyValidOnes) {
  auto good = NewId("indicator");
  std::string bad_missing_pattern =
      "{\"type\":\"indicator\",\"spec_version\":\"2.1\",\"id\":\"" + NewId("indicator") +
      "\",\"created\":\"2024-01-01T00:00:00.000Z\",\"modified\":\"2024-01-01T00:00:00.000Z\","
      "\"pattern_type\":\"stix\",\"valid_from\":\"2024-01-01T00:00:00Z\"}";
  auto res =
      f.PostObjects(f.shared_id, f.alpha.token,
                    {Indicator(good, "2024-01-01T00:00:00.000Z"), bad_missing_pattern, "42"});
  ASSERT_EQ(res.status, 202) << res.body;
  auto v = TaxiiFixture::Json(res);
  EXPECT_EQ(v.at("status"), "complete");
  EXPECT_EQ(v.at("total_count"), 3);
  EXPECT_EQ(v.at("success_count"), 1);
  EXPECT_EQ(v.at("failure_count"), 2);
  EXPECT_EQ(v.at("successes").at(0).at("id"), good);
  EXPECT_EQ(v.at("successes").at(0).at("version"), "2024-01-01T00:00:00.000Z");
  std::string message(v.at("failures").at(0).at("message").get_string());
  EXPECT_NE(message.find("pattern"), std::string::npos) << message;
  EXPECT_EQ(*f.store().CountObjects(f.shared_id), 1);

  // Sent again: a success, not stored twice.
  auto again =
      f.PostObjects(f.shared_id, f.alpha.token, {Indicator(good, "2024-01-01T00:00:00.000Z")});
  ASSERT_EQ(again.status, 202);
  EXPECT_EQ(TaxiiFixture::Json(again).at("success_count"), 1);
  EXPECT_EQ(*f.store().CountObjects(f.shared_id), 1);
}

TEST_F(TaxiiServerTest, PostRejectsBadEnvelopes) {
  auto url = ObjectsUrl(f.shared_id);
  std::vector<std::pair<std::string, std::string>> ct = {
      {"Content-Type", "application/taxii+json;version=2.1"}};
  auto bad_json = f.Send("POST", url, f.alpha.token, "{\"objects\": [", ct);
  EXPECT_EQ(bad_json.status, 400);
  EXPECT_NE(TaxiiFixture::Json(bad_json).at("description").get_string().find("JSON"),
            std::string::npos);
  EXPECT_EQ(f.Send("POST", url, f.alpha.token, "[1,2]", ct).status, 400);
  EXPECT_EQ(f.Send("POST", url, f.alpha.token, "{\"objects\":{}}", ct).status, 400);
  // Larger than the API root's max_content_length (256 KiB).
  auto huge = f.Send("POST", url, f.alpha.token,
                     "{\"objects\":[\"" + std::string(300 * 1024, 'a') + "\"]}", ct);
  EXPECT_EQ(huge.status, 413);
  EXPECT_EQ(TaxiiFixture::Json(huge).at("http_status"), "413");  // a TAXII error resource
  // Deeper than the JSON depth limit.
  auto deep = f.Send("POST", url, f.alpha.token,
                     "{\"objects\":" + std::string(200, '[') + std::string(200, ']') + "}", ct);
  EXPECT_TRUE(deep.status == 413 || deep.status == 400) << deep.status;
  EXPECT_EQ(*f.store().CountObjects(f.shared_id), 0);
}

TEST(TaxiiServerLimits, TooManyObjectsIs413) {
  ServerOptions options;
  options.max_objects_per_envelope = 2;
  TaxiiFixture f(options);
  std::vector<std::string> objs;
  for (int i = 0; i < 3; ++i)
    objs.push_back(Indicator(NewId("indicator"), "2024-01-01T00:00:00.000Z"));
  EXPECT_EQ(f.PostObjects(f.shared_id, f.alpha.token, objs).status, 413);
  objs.pop_back();
  EXPECT_EQ(f.PostObjects(f.shared_id, f.alpha.token, objs).status, 202);
}

TEST(TaxiiServerAsync, LargeEnvelopeIsPendingThenCompletes) {
  ServerOptions options;
  options.async_threshold = 3;
  TaxiiFixture f(options);
  std::vector<std::string> objs;
  for (int i = 0; i < 10; ++i)
    objs.push_back(Indicator(NewId("indicator"), "2024-01-01T00:00:00.000Z"));
  objs.push_back("{\"type\":\"indicator\"}");
  auto res = f.PostObjects(f.shared_id, f.alpha.token, objs);
  ASSERT_EQ(res.status, 202) << res.body;
  auto v = TaxiiFixture::Json(res);
  std::string id(v.at("id").get_string());
  json::value status;
  for (int i = 0; i < 500; ++i) {
    status = TaxiiFixture::Json(f.Get("/api/status/" + id + "/", f.alpha.token));
    if (status.at("status") == "complete") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(status.at("status"), "complete");
  EXPECT_EQ(status.at("success_count"), 10);
  EXPECT_EQ(status.at("failure_count"), 1);
  EXPECT_EQ(status.at("pending_count"), 0);
  EXPECT_EQ(*f.store().CountObjects(f.shared_id), 10);
}

// A node that stopped abruptly leaves the statuses of unfinished envelopes pending; at
// the next start they complete, each unprocessed object a failure asking to resend it.
TEST_F(TaxiiServerTest, InterruptedEnvelopeCompletesAsFailuresOnRestart) {
  store::StatusRecord left;
  left.id = "5a1e1f0c-0d5b-4c61-9a55-3f7c2b1d0e99";
  left.api_root = "api";
  left.owner_org = f.alpha.id;
  left.status = "pending";
  left.request_timestamp_us = 1'700'000'000'000'000;
  left.total_count = 3;
  left.successes.push_back({"indicator--a", "2024-01-01T00:00:00.000Z", ""});
  left.pendings.push_back({"indicator--b", "2024-01-01T00:00:00.000Z", ""});
  left.pendings.push_back({"indicator--c", "2024-01-01T00:00:00.000Z", ""});
  ASSERT_TRUE(f.store().PutStatus(left).ok());

  ASSERT_TRUE(CompleteInterruptedStatuses(f.store()).ok());

  auto status = TaxiiFixture::Json(f.Get("/api/status/" + left.id + "/", f.alpha.token));
  EXPECT_EQ(status.at("status"), "complete");
  EXPECT_EQ(status.at("total_count"), 3);
  EXPECT_EQ(status.at("success_count"), 1);
  EXPECT_EQ(status.at("failure_count"), 2);
  EXPECT_EQ(status.at("pending_count"), 0);
  const auto& failure = status.at("failures").at(0);
  EXPECT_EQ(failure.at("id"), "indicator--b");
  EXPECT_NE(std::string(failure.at("message").get_string()).find("send it again"),
            std::string::npos);
  auto pending = f.store().ListPendingStatuses();
  ASSERT_TRUE(pending.ok());
  EXPECT_TRUE(pending->empty());
}

// Issue 11: the queue of large envelopes is bounded; a full share of one organisation
// is 429, a full queue 503, both TAXII error messages with Retry-After (TAXII 2.1
// sections 3.6.1 and 1.6).
TEST(TaxiiServerQueue, FullQueueAnswers429PerOrganisationAnd503InTotal) {
  struct Gate {
    std::mutex mu;
    std::condition_variable cv;
    bool entered = false, released = false;
  };
  auto gate = std::make_shared<Gate>();
  ServerOptions options;
  options.async_threshold = 1;
  options.max_queued_bytes_per_org = 1;
  options.max_queued_bytes = 1;
  options.retry_after_seconds = 9;
  options.on_change = [gate] {  // holds the background worker inside the first envelope
    std::unique_lock<std::mutex> lock(gate->mu);
    gate->entered = true;
    gate->cv.notify_all();
    gate->cv.wait(lock, [&] { return gate->released; });
  };
  TaxiiFixture f(options);
  auto two = [] {
    return std::vector<std::string>{Indicator(NewId("indicator"), "2024-01-01T00:00:00.000Z"),
                                    Indicator(NewId("indicator"), "2024-01-01T00:00:00.000Z")};
  };
  auto first = f.PostObjects(f.shared_id, f.alpha.token, two());
  ASSERT_EQ(first.status, 202);
  {
    std::unique_lock<std::mutex> lock(gate->mu);
    gate->cv.wait(lock, [&] { return gate->entered; });
  }
  auto mine = f.PostObjects(f.shared_id, f.alpha.token, two());
  auto other = f.PostObjects(f.shared_id, f.beta.token, two());
  {
    std::lock_guard<std::mutex> lock(gate->mu);
    gate->released = true;
    gate->cv.notify_all();
  }
  EXPECT_EQ(mine.status, 429);
  EXPECT_EQ(TaxiiFixture::Header(mine, "Retry-After"), "9");
  EXPECT_EQ(TaxiiFixture::Json(mine).at("http_status"), "429");
  EXPECT_EQ(TaxiiFixture::Json(mine).at("title"), "Too Many Requests");
  EXPECT_EQ(other.status, 503);
  EXPECT_EQ(TaxiiFixture::Header(other, "Retry-After"), "9");
  EXPECT_EQ(TaxiiFixture::Json(other).at("http_status"), "503");
}

TEST_F(TaxiiServerTest, StatusIsVisibleOnlyToItsCreator) {
  auto res = f.PostObjects(f.shared_id, f.alpha.token,
                           {Indicator(NewId("indicator"), "2024-01-01T00:00:00.000Z")});
  ASSERT_EQ(res.status, 202);
  std::string url =
      "/api/status/" + std::string(TaxiiFixture::Json(res).at("id").get_string()) + "/";
  EXPECT_EQ(f.Get(url, f.alpha.token).status, 200);
  EXPECT_EQ(f.Get(url, f.beta.token).status, 404);
  EXPECT_EQ(f.Get("/api/status/00000000-0000-4000-8000-000000000000/", f.alpha.token).status, 404);
}

class TaxiiObjectsTest : public TaxiiServerTest {
 protected:
  void SetUp() override {
    // Two versions of a, one of b (malware), one of c; all CLEAR.
    std::string clear = "\"object_marking_refs\":[\"" + std::string(testing::kClear) + "\"]";
    a = NewId("indicator");
    b = NewId("malware");
    c = NewId("indicator");
    std::string malware = "{\"type\":\"malware\",\"spec_version\":\"2.1\",\"id\":\"" + b +
                          "\",\"created\":\"2024-01-01T00:00:00.000Z\",\"modified\":"
                          "\"2024-01-01T00:00:00.000Z\",\"name\":\"m\",\"is_family\":false," +
                          clear + "}";
    for (const auto& o : {Indicator(a, "2024-01-01T00:00:00.000Z", clear), malware,
                          Indicator(a, "2024-06-01T00:00:00.000Z", clear),
                          Indicator(c, "2024-01-01T00:00:00.000Z", clear)}) {
      auto r = f.PostObjects(f.shared_id, f.alpha.token, {o});
      ASSERT_EQ(r.status, 202);
      ASSERT_EQ(TaxiiFixture::Json(r).at("success_count"), 1) << r.body;
    }
  }
  std::string Url(const std::string& query = "") { return ObjectsUrl(f.shared_id) + query; }
  std::string a, b, c;
};

TEST_F(TaxiiObjectsTest, ObjectsDefaultToLastVersions) {
  auto res = f.Get(Url(), f.beta.token);
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_EQ(Ids(res), (std::vector<std::string>{b, a, c}));
  auto v = TaxiiFixture::Json(res);
  EXPECT_EQ(v.at("more"), false);
  EXPECT_EQ(v.at("objects").at(1).at("modified"), "2024-06-01T00:00:00.000Z");
  std::string first = TaxiiFixture::Header(res, "X-TAXII-Date-Added-First");
  std::string last = TaxiiFixture::Header(res, "X-TAXII-Date-Added-Last");
  EXPECT_EQ(first.size(), 27u) << first;  // microsecond precision
  EXPECT_LT(first, last);
}

TEST_F(TaxiiObjectsTest, MatchFilters) {
  EXPECT_EQ(Ids(f.Get(Url("?match[type]=malware"), f.beta.token)), (std::vector<std::string>{b}));
  EXPECT_EQ(Ids(f.Get(Url("?match[id]=" + a + "," + c), f.beta.token)),
            (std::vector<std::string>{a, c}));
  EXPECT_EQ(Ids(f.Get(Url("?match[id]=" + a + "&match[version]=all"), f.beta.token)),
            (std::vector<std::string>{a, a}));
  auto first = f.Get(Url("?match[id]=" + a + "&match[version]=first"), f.beta.token);
  EXPECT_EQ(TaxiiFixture::Json(first).at("objects").at(0).at("modified"),
            "2024-01-01T00:00:00.000Z");
  auto exact = f.Get(Url("?match[version]=2024-06-01T00:00:00.000Z"), f.beta.token);
  EXPECT_EQ(Ids(exact), (std::vector<std::string>{a}));
  EXPECT_EQ(Ids(f.Get(Url("?match[spec_version]=2.0"), f.beta.token)).size(), 0u);
  EXPECT_EQ(Ids(f.Get(Url("?match[spec_version]=2.1"), f.beta.token)).size(), 3u);
  auto bad = f.Get(Url("?limit=abc"), f.beta.token);
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(TaxiiFixture::Json(bad).at("description").get_string().find("limit"),
            std::string::npos);
  EXPECT_EQ(f.Get(Url("?match[version]=latest"), f.beta.token).status, 400);
  EXPECT_EQ(f.Get(Url("?added_after=tomorrow"), f.beta.token).status, 400);
  EXPECT_EQ(f.Get(Url("?next=xyz"), f.beta.token).status, 400);
}

TEST_F(TaxiiObjectsTest, PaginationWithLimitAndNextAndAddedAfter) {
  auto p1 = f.Get(Url("?match[version]=all&limit=2"), f.beta.token);
  auto v1 = TaxiiFixture::Json(p1);
  ASSERT_EQ(v1.at("more"), true);
  EXPECT_EQ(Ids(p1), (std::vector<std::string>{a, b}));
  std::string next(v1.at("next").get_string());
  auto p2 = f.Get(Url("?match[version]=all&limit=2&next=" + next), f.beta.token);
  auto v2 = TaxiiFixture::Json(p2);
  EXPECT_EQ(Ids(p2), (std::vector<std::string>{a, c}));
  EXPECT_EQ(v2.at("more"), false);
  EXPECT_EQ(v2.get_object().count("next"), 0u);
  // added_after = last date_added of page 1 gives page 2 again.
  std::string last1 = TaxiiFixture::Header(p1, "X-TAXII-Date-Added-Last");
  auto p2b = f.Get(Url("?match[version]=all&added_after=" + last1), f.beta.token);
  EXPECT_EQ(Ids(p2b), (std::vector<std::string>{a, c}));
  // An empty page carries the request's added_after in both headers.
  std::string last2 = TaxiiFixture::Header(p2, "X-TAXII-Date-Added-Last");
  auto empty = f.Get(Url("?added_after=" + last2), f.beta.token);
  ASSERT_EQ(empty.status, 200);
  EXPECT_EQ(empty.body, "{\"more\":false}");
  EXPECT_EQ(TaxiiFixture::Header(empty, "X-TAXII-Date-Added-First"), last2);
  EXPECT_EQ(TaxiiFixture::Header(empty, "X-TAXII-Date-Added-Last"), last2);
}

TEST_F(TaxiiObjectsTest, EmptyCollectionHeadersUseTheEpoch) {
  auto res = f.Get(ObjectsUrl(f.private_id), f.alpha.token);
  ASSERT_EQ(res.status, 200);
  EXPECT_EQ(TaxiiFixture::Header(res, "X-TAXII-Date-Added-First"), "1970-01-01T00:00:00.000000Z");
  EXPECT_EQ(TaxiiFixture::Header(res, "X-TAXII-Date-Added-Last"), "1970-01-01T00:00:00.000000Z");
}

TEST_F(TaxiiObjectsTest, ObjectVersionsAndManifest) {
  auto obj = f.Get(Url(a + "/"), f.beta.token);
  ASSERT_EQ(obj.status, 200);
  EXPECT_EQ(Ids(obj), (std::vector<std::string>{a}));
  auto all = f.Get(Url(a + "/?match[version]=all"), f.beta.token);
  EXPECT_EQ(Ids(all).size(), 2u);
  EXPECT_EQ(f.Get(Url(NewId("indicator") + "/"), f.beta.token).status, 404);

  auto versions = f.Get(Url(a + "/versions/"), f.beta.token);
  ASSERT_EQ(versions.status, 200) << versions.body;
  auto vv = TaxiiFixture::Json(versions);
  // TAXII 2.1 §5.8: the versions exactly as the objects carry their modified.
  EXPECT_EQ(vv.at("versions"),
            json::array({"2024-01-01T00:00:00.000Z", "2024-06-01T00:00:00.000Z"}));
  EXPECT_FALSE(TaxiiFixture::Header(versions, "X-TAXII-Date-Added-First").empty());
  EXPECT_EQ(f.Get(Url(NewId("indicator") + "/versions/"), f.beta.token).status, 404);

  auto manifest =
      f.Get("/api/collections/" + f.shared_id + "/manifest/?match[type]=indicator", f.beta.token);
  ASSERT_EQ(manifest.status, 200);
  auto mv = TaxiiFixture::Json(manifest);
  ASSERT_EQ(mv.at("objects").as_array().size(), 2u);
  const auto& entry = mv.at("objects").at(0);
  EXPECT_EQ(entry.at("id"), a);
  EXPECT_EQ(entry.at("version"), "2024-06-01T00:00:00.000Z");
  EXPECT_EQ(entry.at("media_type"), "application/stix+json;version=2.1");
  EXPECT_EQ(entry.at("date_added").as_string().size(), 27u);
  EXPECT_FALSE(TaxiiFixture::Header(manifest, "X-TAXII-Date-Added-Last").empty());
}

TEST_F(TaxiiObjectsTest, DeleteRemovesVersions) {
  // gamma may read but not write: 403.
  EXPECT_EQ(f.Send("DELETE", Url(a + "/"), f.gamma.token).status, 403);
  auto del = f.Send("DELETE", Url(a + "/?match[version]=first"), f.alpha.token);
  EXPECT_EQ(del.status, 200);
  // TAXII 2.1 §5.7 and §3.1: the answer names the TAXII media type.
  EXPECT_EQ(TaxiiFixture::Header(del, "Content-Type"), "application/taxii+json;version=2.1");
  EXPECT_TRUE(del.body.empty());
  auto versions = TaxiiFixture::Json(f.Get(Url(a + "/versions/"), f.beta.token));
  EXPECT_EQ(versions.at("versions"), json::array({"2024-06-01T00:00:00.000Z"}));
  // beta may read and write, but the object is alpha's (STIX 2.1 §3.6).
  EXPECT_EQ(f.Send("DELETE", Url(a + "/"), f.beta.token).status, 403);
  EXPECT_EQ(f.Send("DELETE", Url(a + "/"), f.alpha.token).status, 200);  // all versions
  EXPECT_EQ(f.Get(Url(a + "/"), f.beta.token).status, 404);
  EXPECT_EQ(f.Send("DELETE", Url(a + "/"), f.alpha.token).status, 404);
}

// TLP: who sees what.
class TaxiiTlpTest : public TaxiiServerTest {
 protected:
  std::string Post(const std::string& token, const std::string& extra) {
    std::string id = NewId("indicator");
    auto r = f.PostObjects(f.shared_id, token, {Indicator(id, "2024-01-01T00:00:00.000Z", extra)});
    EXPECT_EQ(r.status, 202);
    EXPECT_EQ(TaxiiFixture::Json(r).at("success_count"), 1) << r.body;
    return id;
  }
  std::string Marking(const char* m) {
    return "\"object_marking_refs\":[\"" + std::string(m) + "\"]";
  }
  bool Sees(const std::string& token, const std::string& id) {
    auto ids = Ids(f.Get(ObjectsUrl(f.shared_id) + "?match[id]=" + id, token));
    bool in_list = ids.size() == 1;
    auto single = f.Get(ObjectsUrl(f.shared_id) + id + "/", token);
    auto versions = f.Get(ObjectsUrl(f.shared_id) + id + "/versions/", token);
    auto manifest =
        Ids(f.Get("/api/collections/" + f.shared_id + "/manifest/?match[id]=" + id, token));
    // Every read path must agree.
    EXPECT_EQ(in_list, single.status == 200) << id;
    EXPECT_EQ(in_list, versions.status == 200) << id;
    EXPECT_EQ(in_list, manifest.size() == 1) << id;
    if (!in_list) {
      EXPECT_EQ(single.status, 404);
      EXPECT_EQ(versions.status, 404);
    }
    return in_list;
  }
};

TEST_F(TaxiiTlpTest, AmberGoesToRecipientsTheirClientsAndTheOwner) {
  // beta shares with alpha: alpha and gamma (alpha's client) see it; delta cannot read.
  std::string id = Post(
      f.beta.token, Marking(testing::kAmber) + "," + Audience("recipients", {f.alpha.identity}));
  EXPECT_TRUE(Sees(f.beta.token, id));
  EXPECT_TRUE(Sees(f.alpha.token, id));
  EXPECT_TRUE(Sees(f.gamma.token, id));
  // alpha shares with beta only: gamma does not see it.
  std::string id2 = Post(
      f.alpha.token, Marking(testing::kAmber) + "," + Audience("recipients", {f.beta.identity}));
  EXPECT_TRUE(Sees(f.alpha.token, id2));
  EXPECT_TRUE(Sees(f.beta.token, id2));
  EXPECT_FALSE(Sees(f.gamma.token, id2));
  // Unmarked objects take the collection default (AMBER) with no recipients: owner only.
  std::string id3 = Post(f.alpha.token, "");
  EXPECT_TRUE(Sees(f.alpha.token, id3));
  EXPECT_FALSE(Sees(f.beta.token, id3));
}

TEST_F(TaxiiTlpTest, GreenGoesToTheCommunity) {
  std::string id =
      Post(f.alpha.token, Marking(testing::kGreen) + "," + Audience("communities", {"eu-csirts"}));
  EXPECT_TRUE(Sees(f.beta.token, id));
  EXPECT_FALSE(Sees(f.gamma.token, id));
}

TEST_F(TaxiiTlpTest, RedGoesToNamedIndividualsOnly) {
  std::string id = Post(f.alpha.token, Marking(testing::kRed) + "," +
                                           Audience("individuals", {f.beta_red_individual}));
  EXPECT_TRUE(Sees(f.beta_red_token, id));
  EXPECT_FALSE(Sees(f.beta.token, id));
  EXPECT_FALSE(Sees(f.gamma.token, id));
  EXPECT_TRUE(Sees(f.alpha.token, id));
}

TEST_F(TaxiiTlpTest, ClearGoesToEveryReader) {
  std::string id = Post(f.alpha.token, Marking(testing::kClear));
  EXPECT_TRUE(Sees(f.beta.token, id));
  EXPECT_TRUE(Sees(f.gamma.token, id));
}

TEST_F(TaxiiTlpTest, DeleteOfAnInvisibleObjectIs404AndChangesNothing) {
  std::string id = Post(f.alpha.token, "");  // AMBER, no recipients: alpha only
  EXPECT_EQ(f.Send("DELETE", ObjectsUrl(f.shared_id) + id + "/", f.beta.token).status, 404);
  EXPECT_TRUE(Sees(f.alpha.token, id));
}

TEST_F(TaxiiTlpTest, PagesSkipInvisibleRowsAndMoreStaysCorrect) {
  // Visible to beta: v1, v2; invisible rows in between and after.
  std::string clear = Marking(testing::kClear);
  std::string v1 = Post(f.alpha.token, clear);
  Post(f.alpha.token, "");
  Post(f.alpha.token, "");
  std::string v2 = Post(f.alpha.token, clear);
  Post(f.alpha.token, "");
  auto p1 = f.Get(ObjectsUrl(f.shared_id) + "?limit=1", f.beta.token);
  EXPECT_EQ(Ids(p1), (std::vector<std::string>{v1}));
  auto j1 = TaxiiFixture::Json(p1);
  ASSERT_EQ(j1.at("more"), true);
  auto p2 =
      f.Get(ObjectsUrl(f.shared_id) + "?limit=1&next=" + std::string(j1.at("next").get_string()),
            f.beta.token);
  EXPECT_EQ(Ids(p2), (std::vector<std::string>{v2}));
  EXPECT_EQ(TaxiiFixture::Json(p2).at("more"), false);  // the trailing row is invisible
  // The cursor is the date_added of the last row given, never of a hidden one.
  std::string cursor(j1.at("next").get_string());
  auto last = ParseTimestamp(TaxiiFixture::Header(p1, "X-TAXII-Date-Added-Last"));
  ASSERT_TRUE(last.ok());
  EXPECT_EQ(cursor, "c" + std::to_string(last->micros));
}

// TAXII 2.1 §3.5: a client "can use the X-TAXII-Date-Added-Last header … as the
// added_after URL parameter" of its next request. A client polling with nothing new for
// it must stay where it was - not fall back to the epoch and fetch everything again - and
// the hidden rows added after its point must not move the headers (they would tell their
// date_added).
TEST_F(TaxiiTlpTest, AnEmptyPollKeepsTheClientWhereItWasAndHidesLaterRows) {
  std::string clear = Marking(testing::kClear);
  Post(f.alpha.token, clear);
  auto full = f.Get(ObjectsUrl(f.shared_id), f.beta.token);
  std::string point = TaxiiFixture::Header(full, "X-TAXII-Date-Added-Last");
  Post(f.alpha.token, "");  // AMBER for alpha only, added after the client's point
  for (int poll = 0; poll < 2; ++poll) {
    auto empty = f.Get(ObjectsUrl(f.shared_id) + "?added_after=" + point, f.beta.token);
    ASSERT_EQ(empty.status, 200);
    EXPECT_EQ(empty.body, "{\"more\":false}");
    EXPECT_EQ(TaxiiFixture::Header(empty, "X-TAXII-Date-Added-First"), point);
    point = TaxiiFixture::Header(empty, "X-TAXII-Date-Added-Last");
    EXPECT_EQ(point, TaxiiFixture::Header(full, "X-TAXII-Date-Added-Last"));
  }
}

// Issue 13 (STIX 2.1 §7.2.3 granular markings): a TLP:CLEAR indicator whose `pattern`
// carries a granular TLP:RED marking cannot be given without that part, and without it
// it is invalid - so it is absent on every read path for a reader who may not see RED
// parts, and whole for its owner.
TEST_F(TaxiiTlpTest, AnObjectWhoseRequiredPartIsHiddenIsAbsent) {
  std::string red_pattern = Marking(testing::kClear) +
                            ",\"granular_markings\":[{\"marking_ref\":\"" +
                            std::string(testing::kRed) + "\",\"selectors\":[\"pattern\"]}]";
  std::string id = Post(f.alpha.token, red_pattern);
  EXPECT_FALSE(Sees(f.beta.token, id));
  EXPECT_FALSE(Sees(f.gamma.token, id));
  EXPECT_TRUE(Sees(f.alpha.token, id));
  std::string red_name = Marking(testing::kClear) + ",\"granular_markings\":[{\"marking_ref\":\"" +
                         std::string(testing::kRed) + "\",\"selectors\":[\"name\"]}]";
  EXPECT_TRUE(Sees(f.beta.token, Post(f.alpha.token, red_name)));
}

// Issue 13: a TLP:CLEAR indicator whose name is granular TLP:RED is served to another
// organisation without the name and without the marking that named it; its author still
// gets it whole.
TEST_F(TaxiiTlpTest, AHiddenPartIsRemovedFromWhatIsServed) {
  std::string red_name = Marking(testing::kClear) + ",\"granular_markings\":[{\"marking_ref\":\"" +
                         std::string(testing::kRed) + "\",\"selectors\":[\"name\"]}]";
  std::string id = Post(f.alpha.token, red_name);
  auto served = [&](const std::string& token) {
    auto v = TaxiiFixture::Json(f.Get(ObjectsUrl(f.shared_id) + id + "/", token));
    return v.at("objects").at(0).as_object();
  };
  boost::json::object beta = served(f.beta.token);
  EXPECT_FALSE(beta.contains("name"));
  EXPECT_FALSE(beta.contains("granular_markings"));
  EXPECT_EQ(beta.at("id"), id);
  boost::json::object alpha = served(f.alpha.token);
  EXPECT_TRUE(alpha.contains("name"));
  EXPECT_TRUE(alpha.contains("granular_markings"));
}

TEST_F(TaxiiTlpTest, ReadersGetTheNewestVersionTheyMaySee) {
  std::string id = NewId("indicator");
  std::string clear = Marking(testing::kClear);
  for (const auto& [modified, extra] :
       std::vector<std::pair<std::string, std::string>>{{"2024-01-01T00:00:00.000Z", ""},
                                                        {"2024-02-01T00:00:00.000Z", clear},
                                                        {"2024-03-01T00:00:00.000Z", clear},
                                                        {"2024-04-01T00:00:00.000Z", ""}}) {
    auto r = f.PostObjects(f.shared_id, f.alpha.token, {Indicator(id, modified, extra)});
    ASSERT_EQ(TaxiiFixture::Json(r).at("success_count"), 1) << r.body;
  }
  auto modified = [&](const std::string& query, const std::string& token) {
    std::vector<std::string> out;
    auto v = TaxiiFixture::Json(f.Get(ObjectsUrl(f.shared_id) + id + "/" + query, token));
    if (auto* objs = v.get_object().if_contains("objects")) {
      for (const auto& o : objs->get_array()) out.emplace_back(o.at("modified").get_string());
    }
    return out;
  };
  using V = std::vector<std::string>;
  // beta sees the two CLEAR versions only (the others are AMBER without recipients).
  EXPECT_EQ(modified("", f.beta.token), V{"2024-03-01T00:00:00.000Z"});
  EXPECT_EQ(modified("?match[version]=first", f.beta.token), V{"2024-02-01T00:00:00.000Z"});
  EXPECT_EQ(modified("?match[version]=all", f.beta.token).size(), 2u);
  EXPECT_EQ(modified("", f.alpha.token), V{"2024-04-01T00:00:00.000Z"});
  auto manifest = TaxiiFixture::Json(
      f.Get("/api/collections/" + f.shared_id + "/manifest/?match[id]=" + id, f.beta.token));
  EXPECT_EQ(manifest.at("objects").at(0).at("version"), "2024-03-01T00:00:00.000Z");
}

TEST_F(TaxiiTlpTest, OnlyTheOwnerVersionsOrDeletesAnObject) {
  std::string clear = Marking(testing::kClear);
  std::string id = Post(f.alpha.token, clear);
  auto r =
      f.PostObjects(f.shared_id, f.beta.token, {Indicator(id, "2024-05-01T00:00:00.000Z", clear)});
  auto st = TaxiiFixture::Json(r);
  ASSERT_EQ(st.at("failure_count"), 1) << r.body;
  std::string message(st.at("failures").at(0).at("message").get_string());
  EXPECT_NE(message.find("creator-only-versions"), std::string::npos) << message;
  EXPECT_EQ(message.find(f.alpha.id), std::string::npos) << message;
  auto del = f.Send("DELETE", ObjectsUrl(f.shared_id) + id + "/", f.beta.token);
  EXPECT_EQ(del.status, 403);
  // A non-administrator asking for the override is refused outright.
  auto asked = f.Send("DELETE", ObjectsUrl(f.shared_id) + id + "/", f.beta.token, "",
                      {{"X-Entente-Override", "owner"}});
  EXPECT_EQ(asked.status, 403);
  EXPECT_TRUE(Sees(f.alpha.token, id));
  EXPECT_EQ(f.Send("DELETE", ObjectsUrl(f.shared_id) + id + "/", f.alpha.token).status, 200);
}

TEST_F(TaxiiServerTest, PollingWhileOthersWriteNeverMissesNorRepeats) {
  std::string clear = "\"object_marking_refs\":[\"" + std::string(testing::kClear) + "\"]";
  constexpr int kBatches = 40, kPerBatch = 5;
  std::set<std::string> written;
  std::atomic<bool> done{false};
  std::thread writer([&] {
    for (int i = 0; i < kBatches; ++i) {
      std::vector<std::string> objs;
      for (int k = 0; k < kPerBatch; ++k) {
        std::string id = NewId("indicator");
        written.insert(id);
        objs.push_back(Indicator(id, "2024-01-01T00:00:00.000Z", clear));
      }
      f.PostObjects(f.shared_id, f.alpha.token, objs);
    }
    done = true;
  });
  std::vector<std::string> seen;
  std::string added_after, next;
  bool final_pass = false;
  for (int guard = 0; guard < 100000; ++guard) {
    std::string q = "?limit=7";
    if (!next.empty()) q += "&next=" + next;
    if (!added_after.empty()) q += "&added_after=" + added_after;
    auto page = f.Get(ObjectsUrl(f.shared_id) + q, f.beta.token);
    ASSERT_EQ(page.status, 200);
    for (auto& id : Ids(page)) seen.push_back(id);
    auto v = TaxiiFixture::Json(page);
    if (v.at("more") == true) {
      next = std::string(v.at("next").get_string());
      continue;
    }
    next.clear();
    added_after = TaxiiFixture::Header(page, "X-TAXII-Date-Added-Last");
    if (final_pass) break;
    if (done) final_pass = true;  // one more poll after the writer finished
  }
  writer.join();
  std::set<std::string> unique(seen.begin(), seen.end());
  EXPECT_EQ(unique.size(), seen.size()) << "an object was served twice";
  EXPECT_EQ(unique, written) << "an object was missed";
}

TEST(TaxiiServerLifecycle, StopThenWaitReturnsAndPortIsClosed) {
  ServerOptions options;
  options.threads = 3;
  std::atomic<int> lines{0};
  options.access_log = [&](const std::string&) { ++lines; };
  TaxiiFixture f(options);
  EXPECT_EQ(f.server().scheme(), "http");
  EXPECT_EQ(f.Get("/taxii2/", f.alpha.token).status, 200);
  f.server().Stop();
  f.server().Wait();
  EXPECT_EQ(lines.load(), 1);
  auto client = http::testing::Client::Connect("127.0.0.1", f.server().port());
  EXPECT_TRUE(!client.ok() || !(*client)->Send("GET", "/taxii2/", {}).ok());
}

}  // namespace
}  // namespace entente::taxii

namespace entente::taxii {
namespace {

TEST(TaxiiServerTls, ServesHttpsWithCertificateAndKey) {
  auto dir =
      std::filesystem::temp_directory_path() / ("entente-taxii-tls-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  std::string cert = (dir / "cert.pem").string(), key = (dir / "key.pem").string();
  std::string cmd =
      "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost -keyout " + key +
      " -out " + cert + " >/dev/null 2>&1";
  if (std::system(cmd.c_str()) != 0) GTEST_SKIP() << "openssl command not available";
  ServerOptions options;
  options.tls_cert = cert;
  options.tls_key = key;
  testing::TaxiiFixture f(options);
  EXPECT_EQ(f.server().scheme(), "https");
  auto client = http::testing::Client::Connect("127.0.0.1", f.server().port(), /*tls=*/true);
  ASSERT_TRUE(client.ok()) << client.status().ToString();
  auto res = (*client)->Send("GET", "/taxii2/", {{"Authorization", "Bearer " + f.alpha.token}});
  ASSERT_TRUE(res.ok());
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(testing::TaxiiFixture::Json(*res).at("title"), "Node A");
  std::filesystem::remove_all(dir);
}

TEST(TaxiiServerStart, BadTlsFilesAreAnError) {
  std::string cleanup_dir;
  auto store = testing::MakeTestStore(&cleanup_dir);
  ASSERT_NE(store, nullptr);
  ServerOptions options;
  options.tls_cert = "/nonexistent/cert.pem";
  options.tls_key = "/nonexistent/key.pem";
  auto s = TaxiiServer::Start(*store, options);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("tls_cert"), std::string::npos) << s.status().message();
  store.reset();
  if (!cleanup_dir.empty()) std::filesystem::remove_all(cleanup_dir);
}

TEST(TaxiiServerChanges, OnChangeFollowsNewVersionsAndDeletionsOnly) {
  std::atomic<int> changes{0};
  ServerOptions options;
  options.on_change = [&] { ++changes; };
  TaxiiFixture f(options);
  const std::string id = NewId("indicator");
  const std::string obj =
      Indicator(id, "2026-01-01T00:00:00.000Z",
                std::string("\"object_marking_refs\":[\"") + testing::kClear + "\"]");
  ASSERT_EQ(f.PostObjects(f.shared_id, f.alpha.token, {obj}).status, 202);
  EXPECT_EQ(changes.load(), 1);
  // The same version again stores nothing new; an invalid object stores nothing.
  ASSERT_EQ(f.PostObjects(f.shared_id, f.alpha.token, {obj}).status, 202);
  ASSERT_EQ(f.PostObjects(f.shared_id, f.alpha.token, {"{\"type\":\"indicator\"}"}).status, 202);
  EXPECT_EQ(changes.load(), 1);
  ASSERT_EQ(f.Send("DELETE", ObjectsUrl(f.shared_id) + id + "/", f.alpha.token).status, 200);
  EXPECT_EQ(changes.load(), 2);
}

}  // namespace
}  // namespace entente::taxii
