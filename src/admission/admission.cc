#include "admission/admission.h"

#include "stix/deterministic_id.h"

#include <algorithm>
#include <memory>
#include <string_view>
#include <utility>

#include "admission/observable_values.h"
#include "admission/record.h"
#include "pattern/index/fast_classify.h"
#include "pattern/parser.h"
#include "stix/deterministic_id.h"

namespace entente::admission {
namespace {

std::string StringField(const boost::json::object& obj, std::string_view key) {
  const boost::json::value* v = obj.if_contains(key);
  if (v != nullptr && v->is_string()) return std::string(v->get_string());
  return "";
}

// KeyOf's error ("property: rule: message") as a finding.
stix::Finding KeyFinding(const std::string& id, const std::string& error) {
  stix::Finding f{id, "id", "id-format", error};
  const size_t first = error.find(": ");
  const size_t second = first == std::string::npos ? first : error.find(": ", first + 2);
  if (second != std::string::npos) {
    f.property = error.substr(0, first);
    f.rule = error.substr(first + 2, second - first - 2);
    f.message = error.substr(second + 2);
  }
  return f;
}

std::string OwnerOf(const Submitter& s) {
  if (s.channel == Channel::kPeer) return policy::OwnerForPeer(s.peer.name, s.peer.local_org);
  return s.org_id;
}

}  // namespace

std::string Refusal::Describe() const {
  std::string out;
  for (size_t i = 0; i < findings.size() && i < 5; ++i) {
    if (!out.empty()) out += "; ";
    const stix::Finding& f = findings[i];
    out += (f.property.empty() ? std::string("(object)") : f.property) + ": " + f.rule + ": " +
           f.message;
  }
  if (findings.size() > 5) out += "; and " + std::to_string(findings.size() - 5) + " more";
  return out;
}

Admission::Admission(const store::Collection& collection, Submitter submitter, Options options)
    : default_tlp_(collection.default_tlp),
      submitter_(std::move(submitter)),
      options_(std::move(options)),
      owner_(OwnerOf(submitter_)),
      recorded_submitter_(submitter_.channel == Channel::kPeer ? submitter_.peer.name : owner_),
      recorded_channel_(RecordChannelName(submitter_)) {}

std::optional<Refusal> Admission::Admit(const boost::json::object& obj, store::NewObject* out) {
  warninglist_hits_.clear();
  auto refuse = [&obj](RefusalKind kind, std::vector<stix::Finding> findings) {
    Refusal r;
    r.kind = kind;
    r.id = StringField(obj, "id");
    r.version =
        obj.contains("modified") ? StringField(obj, "modified") : StringField(obj, "created");
    r.findings = std::move(findings);
    return r;
  };
  // 1. The MUST rules.
  std::vector<stix::Finding> findings = stix::ValidateObject(obj, options_.validate);
  if (!findings.empty()) return refuse(RefusalKind::kInvalid, std::move(findings));
  // 2. The key (valid objects have one; the check stays for what the rules miss).
  auto key = stix::KeyOf(obj);
  if (!key.ok()) {
    return refuse(RefusalKind::kInvalid,
                  {KeyFinding(StringField(obj, "id"), key.status().message())});
  }
  // 3. Whom a peer, or a local organisation, may speak for.
  if (submitter_.channel == Channel::kPeer || !submitter_.override_owner) {
    policy::IngressDecision trust =
        submitter_.channel == Channel::kPeer
            ? policy::DecideIngress(submitter_.peer, submitter_.local_identities, obj)
            : policy::DecideLocalAuthorship(submitter_.local_identities, obj);
    if (trust.verdict != policy::IngressVerdict::kAccept) {
      return refuse(trust.verdict == policy::IngressVerdict::kForged ? RefusalKind::kForged
                                                                     : RefusalKind::kNotOnPeer,
                    {stix::Finding{key->id, "created_by_ref", trust.rule, trust.reason}});
    }
  }
  // 4. The object as it will be served, once: in its canonical form (RFC 8785), so that
  // the SHA-256 the record keeps of it is the SHA-256 of the bytes stored and served.
  SerializeInto(obj, &out->json);
  if (options_.max_object_bytes > 0 && out->json.size() > options_.max_object_bytes) {
    return refuse(RefusalKind::kTooLarge,
                  {stix::Finding{key->id, "", "object-size",
                                 "object larger than " + std::to_string(options_.max_object_bytes) +
                                     " bytes"}});
  }
  // 5. What the read gate needs.
  out->id = std::move(key->id);
  out->type = std::move(key->type);
  out->spec_version = std::move(key->spec_version);
  out->version = std::move(key->version);
  out->version_us = key->version_us;
  out->labels = policy::LabelObject(obj, default_tlp_, owner_);
  out->override_owner = submitter_.channel != Channel::kPeer && submitter_.override_owner;
  out->submitter = recorded_submitter_;
  out->channel = recorded_channel_;
  // What the node's record keeps of it (admission/record.h), made here rather than on
  // the store's writer: the digest of the canonical text, the item naming the version
  // with it, and the item's leaf hash.
  PrepareRecordItem(out);
  // 6. Flagged, not refused: an indicator looking for a value on a warninglist.
  if (options_.warninglists != nullptr && !options_.warninglists->lists().empty() &&
      out->type == "indicator") {
    FindWarninglistHits(obj);
  }
  // 7. What the value index holds of it.
  ObservableValues(obj, &out->values);
  return std::nullopt;
}

void Admission::FindWarninglistHits(const boost::json::object& obj) {
  const boost::json::value* pattern = obj.if_contains("pattern");
  const boost::json::value* type = obj.if_contains("pattern_type");
  if (pattern == nullptr || !pattern->is_string() || type == nullptr || !type->is_string() ||
      type->get_string() != "stix") {
    return;
  }
  const boost::json::value* version = obj.if_contains("pattern_version");
  std::string_view version_text;
  if (version != nullptr && version->is_string()) version_text = version->get_string();
  warninglist_hits_ = pattern::index::WarninglistHitsOfPattern(
      *options_.warninglists, pattern->get_string(),
      pattern::IndicatorParseOptions(version_text).version);
}

void Admission::SerializeInto(const boost::json::object& obj, std::string* out) {
  canonical_.clear();
  stix::AppendCanonicalJson(obj, &canonical_);
  out->assign(canonical_);
}

namespace {

// Checks one indicator pattern within `limits` and at most `budget` RE2 instructions
// of regular expression compiling; *spent receives what the check compiled.
std::optional<std::string> CheckPattern(const PatternLimits& limits, size_t budget,
                                        std::string_view text, std::string_view type,
                                        std::string_view version, size_t* spent) {
  *spent = 0;
  // The index's fast path claims only text the full parser accepts too (its tests and
  // fuzz/fuzz_fast_classify.cc), and declines the rest; it compiles nothing.
  pattern::index::Classified classified;
  if (type == "stix" &&
      pattern::index::FastClassify(text, pattern::IndicatorParseOptions(version), &classified)) {
    return std::nullopt;
  }
  pattern::ParseOptions options;
  options.max_regex_memory = limits.regex_memory;
  options.max_regex_program_size = std::min(limits.pattern_instructions, budget);
  pattern::PatternCheck check = pattern::CheckIndicatorPatternCost(text, type, version, options);
  *spent = check.regex_cost;
  if (check.status.ok()) return std::nullopt;
  return check.status.message();
}

}  // namespace

stix::ValidateOptions NodeValidateOptions(const PatternLimits& limits) {
  stix::ValidateOptions options;
  options.check_pattern = [limits](std::string_view text, std::string_view type,
                                   std::string_view version) -> std::optional<std::string> {
    size_t spent = 0;
    return CheckPattern(limits, limits.pattern_instructions, text, type, version, &spent);
  };
  return options;
}

stix::PatternChecker EnvelopePatternChecker(const PatternLimits& limits) {
  if (limits.envelope_instructions == 0) return NodeValidateOptions(limits).check_pattern;
  auto left = std::make_shared<size_t>(limits.envelope_instructions);
  return [limits, left](std::string_view text, std::string_view type,
                        std::string_view version) -> std::optional<std::string> {
    size_t spent = 0;
    std::optional<std::string> error = CheckPattern(limits, *left, text, type, version, &spent);
    const bool envelope_bound = *left < limits.pattern_instructions;
    *left -= std::min(*left, spent);
    if (error && envelope_bound && error->find("too large in total") != std::string::npos) {
      return "the envelope's budget for compiling regular expressions (" +
             std::to_string(limits.envelope_instructions) +
             " RE2 instructions) is spent; send fewer patterns with MATCHES per envelope";
    }
    return error;
  };
}

}  // namespace entente::admission
