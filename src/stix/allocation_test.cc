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
