// Helpers for the store's tests (and the in-memory store's contract tests in
// taxii/testing/): a settable clock, a temporary folder removed at the end, a builder
// of minimal object versions, and a count of an object's stored versions. Header-only; used by
// tests, never by the library. ManualClock is safe for concurrent use; TempDir and the returned
// NewObject values are owned by the caller and are not.
#pragma once

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <memory>
#include <string>

#include "common/env.h"
#include "common/fake_clock.h"
#include "store/store.h"

namespace entente::store::testing {

// A clock that returns what the test sets (common/fake_clock.h).
using ManualClock = FakeClock;

// A fresh folder under the system temp dir, removed with everything in it at the end.
class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    path_ = std::filesystem::temp_directory_path() /
            ("entente-store-test-" + std::to_string(getpid()) + "-" + std::to_string(++counter));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string File(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

inline NewObject MakeObject(const std::string& id, const std::string& version, int64_t version_us,
                            const std::string& type = "indicator") {
  NewObject o;
  o.id = id;
  o.type = type;
  o.spec_version = "2.1";
  o.version = version;
  o.version_us = version_us;
  o.json = R"({"type":")" + type + R"(","id":")" + id + R"(","modified":")" + version + R"("})";
  o.labels.owner_org = "org-a";
  return o;
}

// How many versions of `id` the collection holds, whoever may see them; -1 when the scan
// fails.
inline int CountVersions(Store& store, const std::string& collection_id, const std::string& id) {
  ObjectQuery q;
  q.collection_id = collection_id;
  q.ids = {id};
  q.match_last = false;
  q.match_all = true;
  int n = 0;
  Status s = store.ScanObjects(q, [&](const ObjectRow&) {
    ++n;
    return ScanAction::kContinue;
  });
  return s.ok() ? n : -1;
}

}  // namespace entente::store::testing
