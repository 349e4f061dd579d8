// Fuzz target for the Zeek log readers (telemetry/zeek.h), which read sensor logs line by
// line on a member's node. The input is split at '\n' and every line is fed to a
// ZeekTsvReader and to two ZeekJsonReaders (JSON streaming logs, and logs said to be
// "http"). Any crash, sanitizer report or broken invariant below is a bug.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "require.h"
#include "telemetry/zeek.h"

using entente::telemetry::LineError;
using entente::telemetry::ObservableKind;
using entente::telemetry::Record;
using entente::telemetry::ZeekJsonReader;
using entente::telemetry::ZeekLineKind;
using entente::telemetry::ZeekTsvReader;

namespace {

bool AllOf(std::string_view v, std::string_view allowed) {
  return v.find_first_not_of(allowed) == std::string_view::npos;
}

// What every record promises its consumer (observable.h): normalised values per kind.
void CheckRecord(const Record& r) {
  Require(r.count <= r.observables.size());
  for (size_t i = 0; i < r.count; ++i) {
    const auto& o = r.observables[i];
    Require(!o.value.empty() && !o.field.empty());
    constexpr std::string_view kHex = "0123456789abcdef";
    switch (o.kind) {
      case ObservableKind::kIpv4:
        Require(o.value.size() <= 15 && AllOf(o.value, "0123456789."));
        break;
      case ObservableKind::kIpv6:
        Require(o.value.find(':') != std::string::npos);
        break;
      case ObservableKind::kDomain:
        Require(o.value.back() != '.' && o.value.front() != '.');
        break;
      case ObservableKind::kUrl:
        Require(o.value.rfind("http://", 0) == 0 || o.value.rfind("https://", 0) == 0);
        break;
      case ObservableKind::kEmail:
        Require(o.value.find('@') != std::string::npos && o.value.find('<') == std::string::npos);
        break;
      case ObservableKind::kMd5:
        Require(o.value.size() == 32 && AllOf(o.value, kHex));
        break;
      case ObservableKind::kSha1:
      case ObservableKind::kX509Sha1:
        Require(o.value.size() == 40 && AllOf(o.value, kHex));
        break;
      case ObservableKind::kSha256:
      case ObservableKind::kX509Sha256:
        Require(o.value.size() == 64 && AllOf(o.value, kHex));
        break;
    }
  }
}

template <typename Reader>
void Feed(Reader& reader, std::string_view line, Record* record, LineError* error) {
  error->message.clear();
  ZeekLineKind kind = reader.Feed(line, record, error);
  if (kind == ZeekLineKind::kRecord) CheckRecord(*record);
  if (kind == ZeekLineKind::kError) Require(!error->message.empty());
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  ZeekTsvReader tsv(4096);
  ZeekJsonReader json;
  ZeekJsonReader http("http", 4096);
  Record record;
  LineError error;
  while (!input.empty()) {
    size_t nl = input.find('\n');
    std::string_view line = input.substr(0, nl);
    input.remove_prefix(nl == std::string_view::npos ? input.size() : nl + 1);
    Feed(tsv, line, &record, &error);
    Feed(json, line, &record, &error);
    Feed(http, line, &record, &error);
  }
  return 0;
}
