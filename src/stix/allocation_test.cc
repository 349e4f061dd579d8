// ValidateObject is on the ingest hot path: for a valid object it must not allocate.
// This binary counts calls to the global operator new while a validation runs.
#include <gtest/gtest.h>

#include <atomic>
#include <boost/json/serialize.hpp>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <new>
#include <string>

#include "stix/stix.h"

namespace {
std::atomic<bool> counting{false};
std::atomic<size_t> allocations{0};
}  // namespace

void* operator new(size_t size) {
  if (counting.load(std::memory_order_relaxed)) allocations.fetch_add(1);
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }

#ifndef ENTENTE_SHARED_DATA_DIR
#define ENTENTE_SHARED_DATA_DIR ""
#endif

namespace entente::stix {
namespace {

size_t AllocationsDuring(const boost::json::object& obj, size_t* findings) {
  allocations = 0;
  counting = true;
  const auto result = ValidateObject(obj);
  counting = false;
  *findings = result.size();
  return allocations.load();
}

TEST(AllocationTest, ValidObjectsValidateWithoutAllocating) {
  size_t checked = 0;
  for (const char* name : {"oasis-example-poisonivy.json", "oasis-example-infrastructure.json",
                           "oasis-example-malicious-email-indicator-with-attachment.json"}) {
    SCOPED_TRACE(name);
    const std::string path = std::string(ENTENTE_SHARED_DATA_DIR) + "/stix/" + name;
    std::ifstream in(path);
    ASSERT_TRUE(in) << "no STIX test data at " << path;
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto bundle = ParseJson(text);
    ASSERT_TRUE(bundle.ok());
    // The first call builds the type table once per process; that is not per-call cost.
    (void)ValidateObject(bundle->at("objects").as_array().at(0).as_object());
    for (const auto& o : bundle->at("objects").as_array()) {
      size_t findings = 0;
      const size_t n = AllocationsDuring(o.as_object(), &findings);
      ASSERT_EQ(findings, 0u);
      EXPECT_EQ(n, 0u) << boost::json::serialize(o).substr(0, 200);
      ++checked;
    }
  }
  EXPECT_GT(checked, 150u);
}

// The value checks of issue 12 (addresses, e-mail, hashes, media types, character sets,
// language tags, registry hives, CPE, extensions, UUID versions) run without allocating
// on valid objects too.
TEST(AllocationTest, ValueChecksDoNotAllocate) {
  const char* objects[] = {
      R"({"type": "file", "id": "file--6ba7b810-9dad-51d1-b0b4-00c04fd430c8", "name": "a.exe",
          "name_enc": "windows-1252", "mime_type": "application/x-dosexec",
          "hashes": {"MD5": "d41d8cd98f00b204e9800998ecf8427e", "SSDEEP": "3::",
                     "TLSH": "T1A2B3C4D5E6F708192A3B4C5D6E7F8091A2B3C4D5E6F708192A3B4C5D6E7F8091A2B3C4"},
          "extensions": {"windows-pebinary-ext": {"pe_type": "exe",
                         "time_date_stamp": "2016-01-22T12:31:12Z",
                         "sections": [{"name": ".text", "size": 1, "hashes": {"SHA-1": "da39a3ee5e6b4b0d3255bfef95601890afd80709"}}]}}})",
      R"({"type": "ipv4-addr", "id": "ipv4-addr--6ba7b810-9dad-51d1-b0b4-00c04fd430c8", "value": "10.2.0.0/16"})",
      R"({"type": "ipv6-addr", "id": "ipv6-addr--6ba7b810-9dad-51d1-b0b4-00c04fd430c8", "value": "::ffff:192.0.2.1"})",
      R"({"type": "email-addr", "id": "email-addr--6ba7b810-9dad-51d1-b0b4-00c04fd430c8", "value": "jane.smith@example.com"})",
      R"({"type": "windows-registry-key", "id": "windows-registry-key--6ba7b810-9dad-51d1-b0b4-00c04fd430c8",
          "key": "HKEY_LOCAL_MACHINE\\System"})",
      R"({"type": "software", "id": "software--6ba7b810-9dad-51d1-b0b4-00c04fd430c8", "name": "word",
          "languages": ["en", "zh-Hant-TW"], "cpe": "cpe:2.3:a:microsoft:word:2000:*:*:*:*:*:*:*"})",
      R"({"type": "process", "id": "process--4527e5de-8572-446a-a57a-706f15467461", "pid": 4})",
      R"({"type": "language-content", "spec_version": "2.1",
          "id": "language-content--4527e5de-8572-446a-a57a-706f15467461",
          "created": "2018-02-08T21:31:22.007Z", "modified": "2018-02-08T21:31:22.007Z",
          "object_ref": "identity--4527e5de-8572-446a-a57a-706f15467461",
          "contents": {"de": {"name": "x", "aliases": ["", "y"]}}})",
      R"({"type": "vulnerability", "spec_version": "2.1", "lang": "en",
          "id": "vulnerability--4527e5de-8572-446a-a57a-706f15467461",
          "created": "2018-02-08T21:31:22.007Z", "modified": "2018-02-08T21:31:22.007Z",
          "name": "x", "external_references": [{"source_name": "cve", "external_id": "CVE-2021-44228"}],
          "extensions": {"extension-definition--1bba6c39-7ac1-40a2-819a-f33f8ea81a25":
                         {"extension_type": "property-extension", "rank": 5}}})",
  };
  for (const char* text : objects) {
    auto v = ParseJson(text);
    ASSERT_TRUE(v.ok()) << text;
    (void)ValidateObject(v->as_object());  // the type table, once per process
    size_t findings = 0;
    EXPECT_EQ(AllocationsDuring(v->as_object(), &findings), 0u) << text;
    EXPECT_EQ(findings, 0u) << text;
  }
}

TEST(AllocationTest, CounterSeesFindings) {
  // The counter works: an invalid object allocates its finding.
  auto v = ParseJson(R"({"type": "url", "id": "url--6ba7b810-9dad-51d1-b0b4-00c04fd430c8"})");
  ASSERT_TRUE(v.ok());
  size_t findings = 0;
  EXPECT_GT(AllocationsDuring(v->as_object(), &findings), 0u);
  EXPECT_EQ(findings, 1u);
}

}  // namespace
}  // namespace entente::stix
