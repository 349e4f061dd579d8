// STIX Cyber-observable Objects (spec section 6): required properties, the "at least one
// of" rules, and the allowed target types of their references.
#include <string>

#include "stix/checks.h"
#include "stix/values.h"

namespace entente::stix::detail {
namespace {

constexpr std::string_view kArtifact[] = {"artifact"};
constexpr std::string_view kArtifactOrFile[] = {"artifact", "file"};
constexpr std::string_view kAutonomousSystem[] = {"autonomous-system"};
constexpr std::string_view kDirectory[] = {"directory"};
constexpr std::string_view kFileOrDirectory[] = {"file", "directory"};
constexpr std::string_view kEmailAddr[] = {"email-addr"};
constexpr std::string_view kFile[] = {"file"};
constexpr std::string_view kMacAddr[] = {"mac-addr"};
constexpr std::string_view kDomainTargets[] = {"ipv4-addr", "ipv6-addr", "domain-name"};
constexpr std::string_view kEndpoint[] = {"ipv4-addr", "ipv6-addr", "mac-addr", "domain-name"};
constexpr std::string_view kNetworkTraffic[] = {"network-traffic"};
constexpr std::string_view kProcess[] = {"process"};
constexpr std::string_view kUserAccount[] = {"user-account"};
constexpr std::string_view kAnyObservable[] = {"*sco"};

constexpr std::string_view kEncryptionAlgorithms[] = {"AES-256-GCM", "ChaCha20-Poly1305",
                                                      "mime-type-indicated"};

constexpr std::string_view kRegistryDataTypes[] = {"REG_NONE",
                                                   "REG_SZ",
                                                   "REG_EXPAND_SZ",
                                                   "REG_BINARY",
                                                   "REG_DWORD",
                                                   "REG_DWORD_BIG_ENDIAN",
                                                   "REG_DWORD_LITTLE_ENDIAN",
                                                   "REG_LINK",
                                                   "REG_MULTI_SZ",
                                                   "REG_RESOURCE_LIST",
                                                   "REG_FULL_RESOURCE_DESCRIPTION",
                                                   "REG_RESOURCE_REQUIREMENTS_LIST",
                                                   "REG_QWORD",
                                                   "REG_INVALID_TYPE"};

void RequiredString(Checker& c, std::string_view name) {
  if (const json::value* v = c.Require(name)) ExpectString(c, Prop(name), *v);
}

void Hashes(Checker& c) {
  if (const json::value* v = c.Get("hashes")) ExpectHashes(c, Prop("hashes"), *v);
}

void NonNegative(Checker& c, std::string_view name) {
  if (const json::value* v = c.Get(name)) {
    ExpectInteger(c, Prop(name), *v, 0, INT64_MAX);
  }
}

// Objects whose properties are all optional must still carry one of them.
void AtLeastOneProperty(Checker& c) {
  for (const auto& [key, value] : c.obj()) {
    const std::string_view k(key);
    if (k != "type" && k != "id" && k != "spec_version" && k != "object_marking_refs" &&
        k != "granular_markings" && k != "defanged") {
      return;
    }
  }
  c.Report(Prop(""), "at-least-one",
           std::string(c.type()) + " objects must have at least one property besides type and id");
}

// Section 6.1: an artifact's media type has the IANA "type/subtype" form. (The section says
// SHOULD for the registry's values; the reference validator refuses other forms on
// artifacts and only warns on files, and so does entente: File does not call this.)
void MediaType(Checker& c) {
  const json::value* v = c.Get("mime_type");
  if (!v) return;
  const json::string* s = ExpectString(c, Prop("mime_type"), *v);
  if (s && !IsMediaType(*s) && !IsKeyedHashPseudonym(*s)) {
    c.Report(Prop("mime_type"), "mime-type",
             "must be an IANA media type of the form type/subtype (e.g. application/zip) with "
             "a registered top-level type; got \"" +
                 std::string(std::string_view(*s).substr(0, 120)) + "\"");
  }
}

// The value of an SCO whose `value` has a syntax fixed by another standard.
void FormattedValue(Checker& c, bool (*ok)(std::string_view), std::string_view rule,
                    std::string_view expected) {
  const json::value* v = c.Require("value");
  if (!v) return;
  const json::string* s = ExpectString(c, Prop("value"), *v);
  if (s && !ok(*s) && !IsKeyedHashPseudonym(*s)) {
    c.Report(Prop("value"), rule,
             std::string(expected) + "; got \"" + std::string(std::string_view(*s).substr(0, 120)) +
                 "\"");
  }
}

void Ipv4Addr(Checker& c) {
  FormattedValue(c, IsIpv4Cidr, "ipv4-format",
                 "must be an IPv4 address or CIDR block such as 198.51.100.3 or 10.2.0.0/16: "
                 "octets 0-255 and a prefix length 0-32, without leading zeros (section 6.8)");
}

void Ipv6Addr(Checker& c) {
  FormattedValue(c, IsIpv6Cidr, "ipv6-format",
                 "must be an IPv6 address or CIDR block such as 2001:db8::1 or 2001:db8::/32, "
                 "prefix length 0-128 without leading zeros (section 6.9)");
}

void EmailAddr(Checker& c) {
  FormattedValue(c, IsEmailAddrSpec, "email-format",
                 "must be an RFC 5322 addr-spec such as jane.smith@example.com, without a "
                 "display name (section 6.5)");
}

void Artifact(Checker& c) {
  RequireUuid4WithoutContributing(c, {"hashes", "payload_bin"});
  MediaType(c);
  if (const json::value* v = c.Get("encryption_algorithm")) {
    ExpectEnum(c, Prop("encryption_algorithm"), *v, kEncryptionAlgorithms);
  } else if (c.Get("decryption_key")) {
    c.Report(Prop("decryption_key"), "decryption-key-without-algorithm",
             "decryption_key must not be present when encryption_algorithm is absent "
             "(section 6.1)");
  }
  const json::value* payload = c.Get("payload_bin");
  const json::value* url = c.Get("url");
  if ((payload != nullptr) == (url != nullptr)) {
    c.Report(Prop(payload ? "url" : "payload_bin"), "payload-xor-url",
             "an artifact has exactly one of payload_bin or url");
  }
  // payload_bin's base64 form is checked by the generic _bin rule.
  if (url) {
    ExpectString(c, Prop("url"), *url);
    if (!c.Get("hashes")) {
      c.Report(Prop("hashes"), "required-property", "hashes is required when url is present");
    }
  }
  Hashes(c);
}

void AutonomousSystem(Checker& c) {
  if (const json::value* v = c.Require("number")) {
    ExpectInteger(c, Prop("number"), *v, 0, INT64_MAX);
  }
}

void Directory(Checker& c) {
  RequiredString(c, "path");
  for (std::string_view t : {"ctime", "mtime", "atime"}) TimestampProperty(c, t, false);
}

void Value(Checker& c) { RequiredString(c, "value"); }

void EmailMessage(Checker& c) {
  RequireUuid4WithoutContributing(c, {"from_ref", "subject", "body"});
  const json::value* multipart = c.Require("is_multipart");
  if (!multipart || !ExpectBool(c, Prop("is_multipart"), *multipart)) return;
  if (multipart->get_bool()) {
    if (c.Get("body")) {
      c.Report(Prop("body"), "multipart-body", "body must not be used when is_multipart is true");
    }
  } else if (c.Get("body_multipart")) {
    c.Report(Prop("body_multipart"), "multipart-body",
             "body_multipart must not be used when is_multipart is false");
  }
  TimestampProperty(c, "date", false);
  if (const json::value* v = c.Get("body_multipart")) {
    const Path p = Prop("body_multipart");
    const json::array* parts = ExpectList(c, p, *v);
    if (!parts) return;
    for (size_t i = 0; i < parts->size(); ++i) {
      const Path ip = p.At(i);
      const json::object* part = ExpectObject(c, ip, (*parts)[i]);
      if (!part) continue;
      const json::value* body = part->if_contains("body");
      const json::value* raw = part->if_contains("body_raw_ref");
      if ((body != nullptr) == (raw != nullptr)) {
        c.Report(ip, "mime-part-body", "a MIME part has exactly one of body or body_raw_ref");
      }
      // Inside the deprecated container the reference is a key, checked by observed-data.
      if (raw && !c.embedded()) ExpectIdentifier(c, ip.Key("body_raw_ref"), *raw, kArtifactOrFile);
    }
  }
}

void File(Checker& c) {
  RequireOneOf(c, {"hashes", "name"});
  Hashes(c);
  NonNegative(c, "size");
  for (std::string_view t : {"ctime", "mtime", "atime"}) TimestampProperty(c, t, false);
}

void MacAddr(Checker& c) {
  const json::value* v = c.Require("value");
  if (!v) return;
  const json::string* s = ExpectString(c, Prop("value"), *v);
  if (!s) return;
  bool ok = s->size() == 17;
  for (size_t i = 0; ok && i < s->size(); ++i) {
    const char ch = (*s)[i];
    ok = i % 3 == 2 ? ch == ':' : ((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f'));
  }
  if (!ok) {
    c.Report(Prop("value"), "mac-format",
             "a MAC address is six colon-separated lower-case hex octets, e.g. d2:fb:49:24:37:18");
  }
}

void Mutex(Checker& c) { RequiredString(c, "name"); }

void NetworkTraffic(Checker& c) {
  if (const json::value* v = c.Require("protocols")) ExpectStringList(c, Prop("protocols"), *v);
  RequireOneOf(c, {"src_ref", "dst_ref"});
  for (std::string_view port : {"src_port", "dst_port"}) {
    if (const json::value* v = c.Get(port)) ExpectInteger(c, Prop(port), *v, 0, 65535);
  }
  for (std::string_view n : {"src_byte_count", "dst_byte_count", "src_packets", "dst_packets"}) {
    NonNegative(c, n);
  }
  TimestampProperty(c, "start", false);
  TimestampProperty(c, "end", false);
  CheckOrder(c, "start", "end", false, "end-before-start");
  if (const json::value* active = c.Get("is_active")) {
    if (ExpectBool(c, Prop("is_active"), *active) && active->get_bool() && c.Get("end")) {
      c.Report(Prop("end"), "active-with-end", "end must not be present when is_active is true");
    }
  }
}

void Process(Checker& c) {
  AtLeastOneProperty(c);
  RequireUuid4WithoutContributing(c, {});
  if (const json::value* v = c.Get("pid")) ExpectInteger(c, Prop("pid"), *v, INT64_MIN, INT64_MAX);
  TimestampProperty(c, "created_time", false);
}

// Section 6.14: cpe "MUST be a CPE v2.3 entry": the formatted-string binding, "cpe:2.3:"
// then the part (a, o, h, or a logical value) and ten more colon-separated components
// (colons inside a component are escaped with a backslash).
bool IsCpe23(std::string_view s) {
  if (!s.starts_with("cpe:2.3:") || s.size() < 10) return false;
  const char part = s[8];
  if (std::string_view("aoh*-").find(part) == std::string_view::npos || s[9] != ':') return false;
  int components = 1;  // the part
  bool empty = false;
  size_t start = 10;
  for (size_t i = 10; i <= s.size(); ++i) {
    if (i < s.size() && s[i] == '\\') {
      ++i;
      continue;
    }
    if (i == s.size() || s[i] == ':') {
      empty |= i == start;
      ++components;
      start = i + 1;
    } else if (s[i] == ' ') {
      return false;
    }
  }
  return components == 11 && !empty;
}

void Software(Checker& c) {
  RequiredString(c, "name");
  if (const json::value* v = c.Get("languages")) {
    const Path p = Prop("languages");
    if (const json::array* list = ExpectList(c, p, *v)) {
      for (size_t i = 0; i < list->size(); ++i) ExpectLanguageTag(c, p.At(i), (*list)[i]);
    }
  }
  if (const json::value* v = c.Get("cpe")) {
    const json::string* s = ExpectString(c, Prop("cpe"), *v);
    if (s && !IsCpe23(*s) && !IsKeyedHashPseudonym(*s)) {
      c.Report(Prop("cpe"), "cpe-format",
               "must be a CPE 2.3 formatted string, cpe:2.3:part:vendor:product:version:update:"
               "edition:language:sw_edition:target_sw:target_hw:other (section 6.14)");
    }
  }
}

void UserAccount(Checker& c) {
  AtLeastOneProperty(c);
  RequireUuid4WithoutContributing(c, {"account_type", "user_id", "account_login"});
  for (std::string_view t : {"account_created", "account_expires", "credential_last_changed",
                             "account_first_login", "account_last_login"}) {
    TimestampProperty(c, t, false);
  }
}

void WindowsRegistryKey(Checker& c) {
  AtLeastOneProperty(c);
  RequireUuid4WithoutContributing(c, {"key", "values"});
  if (const json::value* v = c.Get("key")) {
    const json::string* s = ExpectString(c, Prop("key"), *v);
    if (const std::string_view hive = s ? AbbreviatedHive(*s) : std::string_view(); !hive.empty()) {
      c.Report(Prop("key"), "registry-hive",
               "the hive must be fully expanded, e.g. HKEY_LOCAL_MACHINE instead of HKLM "
               "(section 6.17); got the abbreviation " +
                   std::string(hive));
    }
  }
  TimestampProperty(c, "modified_time", false);
  if (const json::value* v = c.Get("values")) {
    const Path p = Prop("values");
    const json::array* list = ExpectList(c, p, *v);
    if (!list) return;
    for (size_t i = 0; i < list->size(); ++i) {
      const json::object* value = ExpectObject(c, p.At(i), (*list)[i]);
      if (!value) continue;
      if (const json::value* dt = value->if_contains("data_type")) {
        ExpectEnum(c, p.At(i).Key("data_type"), *dt, kRegistryDataTypes);
      }
    }
  }
}

void X509Certificate(Checker& c) {
  AtLeastOneProperty(c);
  RequireUuid4WithoutContributing(c, {"hashes", "serial_number"});
  if (const json::value* v = c.Get("x509_v3_extensions")) {
    const Path p = Prop("x509_v3_extensions");
    if (const json::object* ext = ExpectObject(c, p, *v)) {
      for (std::string_view t :
           {"private_key_usage_period_not_before", "private_key_usage_period_not_after"}) {
        if (const json::value* tv = ext->if_contains(t)) ExpectTimestamp(c, p.Key(t), *tv);
      }
    }
  }
  Hashes(c);
  TimestampProperty(c, "validity_not_before", false);
  TimestampProperty(c, "validity_not_after", false);
  CheckOrder(c, "validity_not_before", "validity_not_after", false, "validity-order");
}

constexpr RefRule kDirectoryRefs[] = {{"contains_refs", kFileOrDirectory}};
constexpr RefRule kDomainRefs[] = {{"resolves_to_refs", kDomainTargets}};
constexpr RefRule kEmailAddrRefs[] = {{"belongs_to_ref", kUserAccount}};
constexpr RefRule kEmailMessageRefs[] = {
    {"from_ref", kEmailAddr}, {"sender_ref", kEmailAddr}, {"to_refs", kEmailAddr},
    {"cc_refs", kEmailAddr},  {"bcc_refs", kEmailAddr},   {"raw_email_ref", kArtifact},
};
constexpr RefRule kFileRefs[] = {
    {"parent_directory_ref", kDirectory},
    {"contains_refs", kAnyObservable},
    {"content_ref", kArtifact},
};
constexpr RefRule kIpRefs[] = {
    {"resolves_to_refs", kMacAddr},
    {"belongs_to_refs", kAutonomousSystem},
};
constexpr RefRule kNetworkTrafficRefs[] = {
    {"src_ref", kEndpoint},
    {"dst_ref", kEndpoint},
    {"src_payload_ref", kArtifact},
    {"dst_payload_ref", kArtifact},
    {"encapsulates_refs", kNetworkTraffic},
    {"encapsulated_by_ref", kNetworkTraffic},
};
constexpr RefRule kProcessRefs[] = {
    {"opened_connection_refs", kNetworkTraffic},
    {"creator_user_ref", kUserAccount},
    {"image_ref", kFile},
    {"parent_ref", kProcess},
    {"child_refs", kProcess},
};
constexpr RefRule kRegistryRefs[] = {{"creator_user_ref", kUserAccount}};

constexpr TypeInfo kScoTypes[] = {
    {"artifact", Category::kSco, Artifact, {}},
    {"autonomous-system", Category::kSco, AutonomousSystem, {}},
    {"directory", Category::kSco, Directory, kDirectoryRefs},
    {"domain-name", Category::kSco, Value, kDomainRefs},
    {"email-addr", Category::kSco, EmailAddr, kEmailAddrRefs},
    {"email-message", Category::kSco, EmailMessage, kEmailMessageRefs},
    {"file", Category::kSco, File, kFileRefs},
    {"ipv4-addr", Category::kSco, Ipv4Addr, kIpRefs},
    {"ipv6-addr", Category::kSco, Ipv6Addr, kIpRefs},
    {"mac-addr", Category::kSco, MacAddr, {}},
    {"mutex", Category::kSco, Mutex, {}},
    {"network-traffic", Category::kSco, NetworkTraffic, kNetworkTrafficRefs},
    {"process", Category::kSco, Process, kProcessRefs},
    {"software", Category::kSco, Software, {}},
    {"url", Category::kSco, Value, {}},
    {"user-account", Category::kSco, UserAccount, {}},
    {"windows-registry-key", Category::kSco, WindowsRegistryKey, kRegistryRefs},
    {"x509-certificate", Category::kSco, X509Certificate, {}},
};

}  // namespace

std::span<const TypeInfo> ScoTypes() { return kScoTypes; }

}  // namespace entente::stix::detail
