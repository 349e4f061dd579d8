// Every object of the real STIX bundles in tests/data/stix validates cleanly.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <string>

#include "stix/stix.h"
#include "stix/test_util.h"

#ifndef ENTENTE_SHARED_DATA_DIR
#define ENTENTE_SHARED_DATA_DIR ""
#endif

namespace entente::stix {
namespace {

namespace fs = std::filesystem;

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

TEST(SharedDataTest, RealBundlesValidate) {
  const fs::path dir = fs::path(ENTENTE_SHARED_DATA_DIR) / "stix";
  ASSERT_TRUE(fs::is_directory(dir)) << "no STIX test data at " << dir;
  size_t bundles = 0;
  size_t objects = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() != ".json") continue;
    SCOPED_TRACE(entry.path().string());
    auto value = ParseJson(ReadFile(entry.path()));
    ASSERT_TRUE(value.ok()) << value.status().ToString();
    // One OASIS example file is a bare object rather than a bundle.
    const auto* type = value->is_object() ? value->get_object().if_contains("type") : nullptr;
    const bool is_bundle = !type || !type->is_string() || type->get_string() == "bundle";
    const auto findings = is_bundle ? ValidateBundle(*value) : ValidateObject(value->get_object());
    EXPECT_TRUE(findings.empty()) << testing::Describe(findings);
    ++bundles;
    if (value->is_object()) {
      if (const auto* list = value->get_object().if_contains("objects"); list && list->is_array()) {
        objects += list->get_array().size();
        for (const auto& o : list->get_array()) {
          if (!o.is_object()) continue;
          EXPECT_TRUE(KeyOf(o.get_object()).ok());
        }
      }
    }
  }
  EXPECT_GT(bundles, 0u);
  std::printf("validated %zu bundles, %zu objects\n", bundles, objects);
}

}  // namespace
}  // namespace entente::stix
