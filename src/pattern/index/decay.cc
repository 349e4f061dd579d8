#include "pattern/index/decay.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <vector>

namespace entente::pattern::index {
namespace {

constexpr int64_t kSecond = 1'000'000;
constexpr int64_t kDay = 86'400 * kSecond;

constexpr std::string_view kKindNames[kDecayKinds] = {"ipv4",  "ipv6", "domain", "url",
                                                      "email", "file", "x509",   "other"};

bool KindOfName(std::string_view name, DecayKind* out) {
  for (size_t i = 0; i < kDecayKinds; ++i) {
    if (kKindNames[i] == name) {
      *out = static_cast<DecayKind>(i);
      return true;
    }
  }
  return false;
}

std::vector<std::string_view> Words(std::string_view line) {
  std::vector<std::string_view> words;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    size_t j = i;
    while (j < line.size() && line[j] != ' ' && line[j] != '\t') ++j;
    if (j > i) words.push_back(line.substr(i, j - i));
    i = j;
  }
  return words;
}

bool ParseNumber(std::string_view text, double* out) {
  if (text.empty()) return false;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc() && end == text.data() + text.size() && std::isfinite(*out);
}

bool ParseDuration(std::string_view text, int64_t* out) {
  if (text.size() < 2) return false;
  int64_t unit = 0;
  switch (text.back()) {
    case 's':
      unit = kSecond;
      break;
    case 'm':
      unit = 60 * kSecond;
      break;
    case 'h':
      unit = 3600 * kSecond;
      break;
    case 'd':
      unit = kDay;
      break;
    default:
      return false;
  }
  double n = 0;
  if (!ParseNumber(text.substr(0, text.size() - 1), &n) || n <= 0) return false;
  const double us = n * static_cast<double>(unit);
  // Whole seconds, from one second up to a century.
  if (us < static_cast<double>(kSecond) || us > 100.0 * 365 * static_cast<double>(kDay)) {
    return false;
  }
  *out = std::llround(us / static_cast<double>(kSecond)) * kSecond;
  return true;
}

std::string FormatDuration(int64_t us) {
  if (us % kDay == 0) return std::to_string(us / kDay) + "d";
  if (us % (3600 * kSecond) == 0) return std::to_string(us / (3600 * kSecond)) + "h";
  if (us % (60 * kSecond) == 0) return std::to_string(us / (60 * kSecond)) + "m";
  return std::to_string(us / kSecond) + "s";
}

std::string FormatNumber(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

}  // namespace

std::string_view DecayKindName(DecayKind kind) { return kKindNames[static_cast<size_t>(kind)]; }

DecayKind DecayKindOfType(std::string_view t) {
  if (t == "ipv4-addr") return DecayKind::kIpv4;
  if (t == "ipv6-addr") return DecayKind::kIpv6;
  if (t == "domain-name") return DecayKind::kDomain;
  if (t == "url") return DecayKind::kUrl;
  if (t == "email-addr" || t == "email-message") return DecayKind::kEmail;
  if (t == "file" || t == "artifact") return DecayKind::kFile;
  if (t == "x509-certificate") return DecayKind::kX509;
  return DecayKind::kOther;
}

DecayModel::DecayModel() {
  auto set = [this](DecayKind k, int64_t days, double speed) {
    rules_[static_cast<size_t>(k)] = DecayRule{days * kDay, speed, 30.0};
  };
  set(DecayKind::kIpv4, 30, 1.0);
  set(DecayKind::kIpv6, 30, 1.0);
  set(DecayKind::kDomain, 90, 2.0);
  set(DecayKind::kUrl, 90, 2.0);
  set(DecayKind::kEmail, 180, 2.0);
  set(DecayKind::kFile, 730, 2.0);
  set(DecayKind::kX509, 730, 2.0);
  set(DecayKind::kOther, 365, 2.0);
}

Result<DecayModel> DecayModel::Parse(std::string_view text) {
  DecayModel model;
  size_t line_no = 0;
  while (!text.empty()) {
    const size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    ++line_no;
    if (const size_t hash = line.find('#'); hash != std::string_view::npos) {
      line = line.substr(0, hash);
    }
    std::vector<std::string_view> words = Words(line);
    if (words.empty()) continue;
    const std::string where = "decay model line " + std::to_string(line_no) + ": ";
    DecayKind kind;
    if (!KindOfName(words[0], &kind)) {
      return Status::InvalidArgument(
          where + "\"" + std::string(words[0]) +
          "\" is not a kind (ipv4, ipv6, domain, url, email, file, x509, other)");
    }
    DecayRule rule = model.rule(kind);
    for (size_t i = 1; i < words.size(); ++i) {
      const size_t eq = words[i].find('=');
      const std::string_view key = words[i].substr(0, eq);
      const std::string_view value =
          eq == std::string_view::npos ? std::string_view() : words[i].substr(eq + 1);
      double n = 0;
      if (key == "lifetime" && ParseDuration(value, &rule.lifetime_us)) continue;
      if (key == "speed" && ParseNumber(value, &n) && n > 0 && n <= 100) {
        rule.speed = n;
        continue;
      }
      if (key == "threshold" && ParseNumber(value, &n) && n >= 0 && n <= 100) {
        rule.threshold = n;
        continue;
      }
      return Status::InvalidArgument(
          where + "\"" + std::string(words[i]) +
          "\": expected lifetime=DURATION (e.g. 30d, 12h), speed=NUMBER (above 0, at most 100) "
          "or threshold=NUMBER (0 to 100)");
    }
    model.rules_[static_cast<size_t>(kind)] = rule;
  }
  return model;
}

double DecayModel::Score(DecayKind kind, double base, int64_t age_us) const {
  const DecayRule& r = rule(kind);
  if (base < 0) base = 0;
  if (base > 100) base = 100;
  if (age_us <= 0) return base;
  if (age_us >= r.lifetime_us) return 0;
  const double fraction = static_cast<double>(age_us) / static_cast<double>(r.lifetime_us);
  return base * (1.0 - std::pow(fraction, 1.0 / r.speed));
}

bool DecayModel::Alive(DecayKind kind, double base, int64_t age_us) const {
  return Score(kind, base, age_us) >= rule(kind).threshold;
}

std::string DecayModel::Format() const {
  std::string out;
  for (size_t i = 0; i < kDecayKinds; ++i) {
    const DecayRule& r = rules_[i];
    out += std::string(kKindNames[i]) + " lifetime=" + FormatDuration(r.lifetime_us) +
           " speed=" + FormatNumber(r.speed) + " threshold=" + FormatNumber(r.threshold) + "\n";
  }
  return out;
}

}  // namespace entente::pattern::index
