// The taxii tests run on the SQLite store in a fresh temporary directory.
#include <unistd.h>

#include <atomic>
#include <filesystem>

#include "taxii/testing/fixture.h"

namespace entente::taxii::testing {

std::unique_ptr<store::Store> MakeTestStore(std::string* cleanup_dir) {
  static std::atomic<int> counter{0};
  auto dir = std::filesystem::temp_directory_path() /
             ("entente-taxii-test-" + std::to_string(getpid()) + "-" + std::to_string(++counter));
  std::filesystem::create_directories(dir);
  *cleanup_dir = dir.string();
  store::SqliteOptions options;
  options.create_if_missing = true;
  options.synchronous = "NORMAL";
  auto s = store::OpenSqliteStore((dir / "entente.db").string(), options);
  if (!s.ok()) return nullptr;
  return std::move(s).value();
}

}  // namespace entente::taxii::testing
