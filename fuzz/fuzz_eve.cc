// Fuzz target for the Suricata EVE reader (telemetry/eve.h), which reads every line a
// member's sensor writes. The input is split at newlines and each piece is one line, read
// by one reused parser into one reused Record (as a stream is read), and again by a fresh
// parser: any crash, sanitizer report or broken invariant below is a bug.
#include <arpa/inet.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "require.h"
#include "telemetry/eve.h"

using entente::telemetry::EveParser;
using entente::telemetry::LineError;
using entente::telemetry::ObservableKind;
using entente::telemetry::Record;

namespace {

bool Parses(int family, const std::string& s) {
  unsigned char out[16];
  return inet_pton(family, s.c_str(), out) == 1;
}

bool LowerHex(const std::string& s, size_t digits) {
  if (s.size() != digits) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

bool StartsWithNoCase(const std::string& s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    const char c = (s[i] >= 'A' && s[i] <= 'Z') ? static_cast<char>(s[i] - 'A' + 'a') : s[i];
    if (c != prefix[i]) return false;
  }
  return true;
}

// What observable.h promises of each kind, and eve.h of each Record.
void CheckRecord(const Record& r) {
  Require(r.format == "eve");
  Require(r.count <= EveParser::kMaxObservables && r.count <= r.observables.size());
  for (size_t i = 0; i < r.count; ++i) {
    const auto& o = r.observables[i];
    Require(!o.value.empty() && !o.field.empty());
    switch (o.kind) {
      case ObservableKind::kIpv4:
        Require(Parses(AF_INET, o.value));
        break;
      case ObservableKind::kIpv6:
        Require(Parses(AF_INET6, o.value));
        break;
      case ObservableKind::kDomain:
        Require(o.value.back() != '.');
        break;
      case ObservableKind::kUrl:
        Require(StartsWithNoCase(o.value, "http://") || StartsWithNoCase(o.value, "https://"));
        break;
      case ObservableKind::kEmail:
        Require(o.value.find('@') != std::string::npos && o.value.find('<') == std::string::npos &&
                o.value.find('>') == std::string::npos && o.value.find(' ') == std::string::npos);
        break;
      case ObservableKind::kMd5:
        Require(LowerHex(o.value, 32));
        break;
      case ObservableKind::kSha1:
      case ObservableKind::kX509Sha1:
        Require(LowerHex(o.value, 40));
        break;
      case ObservableKind::kSha256:
      case ObservableKind::kX509Sha256:
        Require(LowerHex(o.value, 64));
        break;
    }
    // Each (kind, value) once per record.
    for (size_t j = 0; j < i; ++j) {
      Require(!(r.observables[j].kind == o.kind && r.observables[j].value == o.value));
    }
  }
}

bool Same(const Record& a, const Record& b) {
  if (a.time_us != b.time_us || a.log != b.log || a.count != b.count) return false;
  for (size_t i = 0; i < a.count; ++i) {
    const auto &x = a.observables[i], &y = b.observables[i];
    if (x.kind != y.kind || x.value != y.value || x.field != y.field) return false;
  }
  return true;
}

EveParser* g_stream = nullptr;
Record* g_record = nullptr;
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (g_stream == nullptr) {
    g_stream = new EveParser;
    g_record = new Record;
  }
  std::string_view input(reinterpret_cast<const char*>(data), size);
  while (true) {
    const size_t nl = input.find('\n');
    const std::string_view line = input.substr(0, nl);
    const std::optional<LineError> error = g_stream->Parse(line, *g_record);
    if (error) {
      Require(g_record->count == 0 && !error->message.empty());
    } else {
      CheckRecord(*g_record);
    }
    // A parser that has read other lines before gives what a fresh one gives.
    EveParser fresh;
    Record record;
    const std::optional<LineError> again = fresh.Parse(line, record);
    Require(again.has_value() == error.has_value());
    if (error) {
      Require(again->field == error->field);
    } else {
      Require(Same(record, *g_record));
    }
    if (nl == std::string_view::npos) break;
    input.remove_prefix(nl + 1);
  }
  return 0;
}
