// bench_web: how long the dashboard takes to answer its pages over a large store.
//
// Fills a SQLite store with N indicators (every 10th TLP:RED, which the reader may not
// see; the others TLP:CLEAR), each holding one IPv4 value in the value index, all
// added in the same hour (the worst case of the per-hour chart, which then
// stops at its cap). Signs in through web::WebHandler (POST /ui/login) and times GET
// requests handed straight to the handler (no socket: the store reads through the gate,
// the rendering, the headers): the overview's three reads on their own (three times
// each), then the overview, a browse page, a search by value, a search by id and an
// object page, as HTML and as JSON; then the cases list, a case page (a case opened after
// the fill, in the same collection: the case page's scan of the collection stops at its
// cap) and the hotline inbox, whose reads are bounded by rows examined per collection
// whatever its size; and the page of an object sighted 600 times and pointed at by 300
// relationships. Prints one JSON line per page:
// {"page":..., "objects":N, "runs":R, "median_ms":..., "max_ms":..., "bytes":...}.
//
// Harder cases for the overview (all off by default): --audiences K makes every 10th
// object (i % 10 == 8) AMBER naming one of K recipient lists (K distinct labels to
// count; the reader is named in one list of two); --remarked M gives every M-th object a
// second version AMBER naming the reader (its versions then carry different labels: it
// is counted from its versions); --sightings S adds S sightings after the indicators,
// every 10th TLP:RED, all in the last 24 hours.
//
//   bench_web [--count N] [--dir DIR] [--runs R] [--audiences K] [--remarked M]
//             [--sightings S]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "cases/case_store.h"
#include "common/env.h"
#include "http/message.h"
#include "http/query.h"
#include "store/store.h"
#include "web/handler.h"
#include "web/reads.h"

namespace {

using namespace entente;  // NOLINT: a program, not a header

std::string Arg(int argc, char** argv, const char* name, const char* def) {
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], name) == 0) return argv[i + 1];
  }
  return def;
}

double NowMs() {
  return std::chrono::duration<double, std::milli>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::string Ip(size_t i) {
  char ip[32];
  std::snprintf(ip, sizeof ip, "10.%zu.%zu.%zu", (i >> 16) & 255, (i >> 8) & 255, i & 255);
  return ip;
}

// The harder cases (see the top of the file); 0 = off.
size_t g_audiences = 0;
std::string g_reader_identity;

store::NewObject Indicator(size_t i, std::string* id) {
  *id = "indicator--" + NewUuid4();
  const std::string ip = Ip(i);
  store::NewObject n;
  n.id = *id;
  n.type = "indicator";
  n.spec_version = "2.1";
  n.version = "2024-01-01T00:00:00.000Z";
  n.version_us = 1704067200000000;
  n.json = "{\"type\":\"indicator\",\"spec_version\":\"2.1\",\"id\":\"" + *id +
           "\",\"created\":\"2024-01-01T00:00:00.000Z\",\"modified\":\"2024-01-01T00:00:00.000Z\","
           "\"name\":\"Malicious address " +
           ip + "\",\"pattern\":\"[ipv4-addr:value = '" + ip +
           "']\",\"pattern_type\":\"stix\",\"valid_from\":\"2024-01-01T00:00:00Z\"}";
  n.labels.tlp = i % 10 == 9 ? policy::Tlp::kRed : policy::Tlp::kClear;
  if (g_audiences > 0 && i % 10 == 8) {
    const size_t list = (i / 10) % g_audiences;
    n.labels.tlp = policy::Tlp::kAmber;
    n.labels.audience.recipients = {"identity--recipient-" + std::to_string(list)};
    if (list % 2 == 0) n.labels.audience.recipients.push_back(g_reader_identity);
  }
  n.labels.owner_org = "publisher";
  n.values = {ip};
  return n;
}

// A small object pointing at `target`: a sighting (seen at `where`) or a relationship,
// every 10th TLP:RED (hidden from the reader).
store::NewObject Pointer(size_t i, const std::string& type, const std::string& target,
                         const std::string& where) {
  store::NewObject n;
  n.id = type + "--" + NewUuid4();
  n.type = type;
  n.spec_version = "2.1";
  n.version = "2024-01-01T00:00:00.000Z";
  n.version_us = 1704067200000000;
  const std::string head = "{\"type\":\"" + type + "\",\"spec_version\":\"2.1\",\"id\":\"" + n.id +
                           "\",\"created\":\"2024-01-01T00:00:00.000Z\",\"modified\":\"2024-01-"
                           "01T00:00:00.000Z\",";
  n.json = type == "sighting"
               ? head + "\"sighting_of_ref\":\"" + target +
                     "\",\"count\":2,\"where_sighted_refs\":[" + where + "]}"
               : head + "\"relationship_type\":\"indicates\",\"source_ref\":\"" + "indicator--" +
                     NewUuid4() + "\",\"target_ref\":\"" + target + "\"}";
  n.labels.tlp = i % 10 == 9 ? policy::Tlp::kRed : policy::Tlp::kClear;
  n.labels.owner_org = "publisher";
  n.values = {target};
  return n;
}

http::Request Get(const std::string& target, const std::string& cookie) {
  http::Request r;
  r.method = "GET";
  r.target = target;
  std::string_view path, query;
  http::SplitTarget(target, &path, &query);
  r.path = std::string(path);
  auto params = http::ParseQuery(query);
  if (params.ok()) r.query = std::move(*params);
  r.headers = {{"Host", "bench"}, {"Cookie", cookie}};
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  const size_t count = std::stoul(Arg(argc, argv, "--count", "100000"));
  const int runs = std::stoi(Arg(argc, argv, "--runs", "9"));
  g_audiences = std::stoul(Arg(argc, argv, "--audiences", "0"));
  const size_t remarked = std::stoul(Arg(argc, argv, "--remarked", "0"));
  const size_t sightings = std::stoul(Arg(argc, argv, "--sightings", "0"));
  const std::string dir = Arg(argc, argv, "--dir", "/tmp/bench_web");
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  store::SqliteOptions so;
  so.create_if_missing = true;
  so.synchronous = "NORMAL";
  auto opened = store::OpenSqliteStore(dir + "/store.db", so);
  if (!opened.ok()) {
    std::fprintf(stderr, "open: %s\n", opened.status().message().c_str());
    return 1;
  }
  store::Store& st = **opened;
  store::NodeSettings settings;
  settings.name = "bench";
  (void)st.PutSettings(settings);
  store::ApiRoot root;
  root.name = "api";
  (void)st.PutApiRoot(root);
  for (const char* org : {"publisher", "reader"}) {
    store::Organisation o;
    o.id = org;
    o.name = org;
    o.identity_id = std::string("identity--") + NewUuid4();
    if (o.id == "reader") g_reader_identity = o.identity_id;
    (void)st.PutOrganisation(o);
  }
  store::Collection c;
  c.id = NewUuid4();
  c.api_root = "api";
  c.title = "bench";
  c.readers = {"publisher", "reader"};
  c.writers = {"publisher"};
  (void)st.PutCollection(c);
  const std::string secret = NewToken();
  store::TokenInfo token;
  token.token_id = "tok_bench";
  token.org_id = "reader";
  (void)st.AddToken(token, Sha256Hex(secret));

  // Fill.
  const double fill_start = NowMs();
  std::string some_id;
  const size_t some = count / 20 * 10;  // a multiple of 10: TLP:CLEAR, visible
  {
    auto bulk = st.BeginBulkAdd(c.id);
    if (!bulk.ok()) return 1;
    std::vector<store::NewObject> batch;
    for (size_t i = 0; i < count; ++i) {
      std::string id;
      batch.push_back(Indicator(i, &id));
      if (i == some) some_id = id;
      if (remarked > 0 && i % remarked == remarked - 1) {
        store::NewObject again = batch.back();
        again.version = "2024-01-02T00:00:00.000Z";
        again.version_us += 86400000000;
        again.labels.tlp = policy::Tlp::kAmber;
        again.labels.audience.recipients = {g_reader_identity};
        batch.push_back(std::move(again));
      }
      if (batch.size() == 5000 || i + 1 == count) {
        if (!(*bulk)->Add(batch).ok()) return 1;
        batch.clear();
        if (!(*bulk)->Commit().ok()) return 1;
      }
    }
  }
  if (sightings > 0) {
    auto bulk = st.BeginBulkAdd(c.id);
    if (!bulk.ok()) return 1;
    std::vector<store::NewObject> batch;
    for (size_t i = 0; i < sightings; ++i) {
      store::NewObject n;
      n.id = "sighting--" + NewUuid4();
      n.type = "sighting";
      n.spec_version = "2.1";
      n.version = "2024-01-01T00:00:00.000Z";
      n.version_us = 1704067200000000;
      n.json = "{\"type\":\"sighting\",\"spec_version\":\"2.1\",\"id\":\"" + n.id +
               "\",\"created\":\"2024-01-01T00:00:00.000Z\",\"modified\":\"2024-01-01T00:00:"
               "00.000Z\",\"sighting_of_ref\":\"indicator--" +
               NewUuid4() + "\",\"count\":1}";
      n.labels.tlp = i % 10 == 9 ? policy::Tlp::kRed : policy::Tlp::kClear;
      n.labels.owner_org = "publisher";
      batch.push_back(std::move(n));
      if (batch.size() == 5000 || i + 1 == sightings) {
        if (!(*bulk)->Add(batch).ok()) return 1;
        batch.clear();
        if (!(*bulk)->Commit().ok()) return 1;
      }
    }
  }
  std::fprintf(stderr, "filled %zu objects (and %zu sightings) in %.1f s\n", count, sightings,
               (NowMs() - fill_start) / 1000);
  // One indicator sighted 600 times and the target of 300 relationships (each tenth
  // hidden), past the object page's bounds (500 sightings counted, 200 relationships
  // looked at): "who else saw it" and the relationships pointing at it at their worst.
  std::string sighted_id;
  {
    std::vector<store::NewObject> batch;
    batch.push_back(Indicator(some + 10, &sighted_id));
    const std::string identity = "identity--" + NewUuid4(), location = "location--" + NewUuid4();
    store::NewObject who;
    who.id = identity;
    who.type = "identity";
    who.spec_version = "2.1";
    who.version = "2024-01-01T00:00:00.000Z";
    who.version_us = 1704067200000000;
    who.json = "{\"type\":\"identity\",\"spec_version\":\"2.1\",\"id\":\"" + identity +
               "\",\"created\":\"2024-01-01T00:00:00.000Z\",\"modified\":\"2024-01-01T00:00:00."
               "000Z\",\"name\":\"E\",\"sectors\":[\"energy\"]}";
    who.labels.tlp = policy::Tlp::kClear;
    who.labels.owner_org = "publisher";
    store::NewObject where = who;
    where.id = location;
    where.type = "location";
    where.json = "{\"type\":\"location\",\"spec_version\":\"2.1\",\"id\":\"" + location +
                 "\",\"created\":\"2024-01-01T00:00:00.000Z\",\"modified\":\"2024-01-01T00:00:"
                 "00.000Z\",\"country\":\"FR\"}";
    batch.push_back(who);
    batch.push_back(where);
    const std::string refs = "\"" + identity + "\",\"" + location + "\"";
    for (size_t i = 0; i < 600; ++i) batch.push_back(Pointer(i, "sighting", sighted_id, refs));
    for (size_t i = 0; i < 300; ++i) batch.push_back(Pointer(i, "relationship", sighted_id, ""));
    if (!st.AddObjects(c.id, batch).ok()) return 1;
  }

  // A case of the publisher's, shared with everyone (TLP:CLEAR), added after the fill.
  std::string case_id;
  {
    auto publisher = cases::ActorFor(st, "publisher");
    if (!publisher.ok()) return 1;
    cases::CaseBook book(st, c);
    cases::CaseSpec spec;
    spec.name = "bench case";
    spec.rsit = cases::ClassifyRsit("malicious-code", "").value();
    spec.tlp = policy::Tlp::kClear;
    spec.nis2_awareness_us = SystemClock().NowMicros();
    auto opened_case = book.Open(*publisher, spec);
    if (!opened_case.ok()) {
      std::fprintf(stderr, "case: %s\n", opened_case.status().message().c_str());
      return 1;
    }
    case_id = *opened_case;
  }

  // Sign in as the reader, as a browser would.
  web::WebHandler handler(st, nullptr, web::WebOptions{});
  http::Request form = Get("/ui/login", "");
  http::Response page = handler.Handle(form);
  std::string nonce;
  for (const auto& [k, v] : page.headers) {
    if (k == "Set-Cookie") nonce = v.substr(v.find('=') + 1, v.find(';') - v.find('=') - 1);
  }
  http::Request login = Get("/ui/login", "entente_login=" + nonce);
  login.method = "POST";
  login.body = "csrf=" + nonce + "&token=" + secret;
  http::Response signed_in = handler.Handle(login);
  std::string cookie;
  // The session's cookie (the answer also expires the sign-in form's cookie).
  for (const auto& [k, v] : signed_in.headers) {
    if (k == "Set-Cookie" && v.starts_with("entente_session=")) cookie = v.substr(0, v.find(';'));
  }
  if (signed_in.status != 303 || cookie.empty()) {
    std::fprintf(stderr, "sign-in failed: %d\n", signed_in.status);
    return 1;
  }

  // The overview's parts, each timed once (reads.h, the reader's gate).
  {
    auto reader = st.GetOrganisation("reader");
    const policy::Requester who = policy::RequesterFor(store::OrgFactsOf(*reader), "");
    const int64_t now = SystemClock().NowMicros();
    auto part = [&](const char* name, auto&& f) {
      const double t = NowMs();
      f();
      std::printf("{\"part\":\"%s\",\"objects\":%zu,\"ms\":%.2f}\n", name, count, NowMs() - t);
    };
    // Three times each: the first run reads the pages from disk.
    for (int r = 0; r < 3; ++r) {
      part("count_objects", [&] { (void)web::CountObjects(st, who, 20000); });
      part("added_per_hour", [&] { (void)web::AddedPerHour(st, who, now, 24, 1000); });
      part("sightings_per_hour",
           [&] { (void)web::AddedPerHour(st, who, now, 24, 1000, {"sighting"}); });
      part("recent_sightings",
           [&] { (void)web::RecentSightings(st, who, now - 24LL * 3600 * 1000000, now, 10); });
    }
  }
  const std::string ip = Ip(some);
  const std::vector<std::pair<std::string, std::string>> pages = {
      {"overview", "/ui/"},
      {"overview.json", "/ui/api/overview"},
      {"browse", "/ui/browse?collection=" + c.id},
      {"browse.json", "/ui/api/browse?collection=" + c.id},
      {"search_value", "/ui/search?q=" + ip},
      {"search_value.json", "/ui/api/search?q=" + ip},
      {"search_id", "/ui/search?q=" + some_id},
      {"object", "/ui/object?collection=" + c.id + "&id=" + some_id},
      {"object.json", "/ui/api/object?collection=" + c.id + "&id=" + some_id},
      {"cases", "/ui/cases"},
      {"cases.json", "/ui/api/cases"},
      {"case", "/ui/case?collection=" + c.id + "&id=" + case_id},
      {"case.json", "/ui/api/case?collection=" + c.id + "&id=" + case_id},
      {"hotline", "/ui/hotline"},
      {"hotline.json", "/ui/api/hotline"},
      {"object_sighted", "/ui/object?collection=" + c.id + "&id=" + sighted_id},
      {"object_sighted.json", "/ui/api/object?collection=" + c.id + "&id=" + sighted_id},
  };
  for (const auto& [name, target] : pages) {
    std::vector<double> ms;
    size_t bytes = 0;
    int status = 0;
    for (int r = 0; r < runs; ++r) {
      const double t = NowMs();
      http::Response res = handler.Handle(Get(target, cookie));
      ms.push_back(NowMs() - t);
      bytes = res.body.size();
      status = res.status;
    }
    std::sort(ms.begin(), ms.end());
    std::printf(
        "{\"page\":\"%s\",\"objects\":%zu,\"status\":%d,\"runs\":%d,\"median_ms\":%.2f,"
        "\"max_ms\":%.2f,\"bytes\":%zu}\n",
        name.c_str(), count, status, runs, ms[ms.size() / 2], ms.back(), bytes);
    std::fflush(stdout);
  }
  return 0;
}
