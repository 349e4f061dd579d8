// STIX Cyber-observable Objects (spec section 6): required properties, the "at least one
// of" rules, and the allowed target types of their references.
#include <string>

#include "stix/checks.h"

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

void Artifact(Checker& c) {
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
      if (raw) ExpectIdentifier(c, ip.Key("body_raw_ref"), *raw, kArtifactOrFile);
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
  if (const json::value* v = c.Get("pid")) ExpectInteger(c, Prop("pid"), *v, INT64_MIN, INT64_MAX);
  TimestampProperty(c, "created_time", false);
}

void Software(Checker& c) { RequiredString(c, "name"); }

void UserAccount(Checker& c) {
  AtLeastOneProperty(c);
  for (std::string_view t : {"account_created", "account_expires", "credential_last_changed",
                             "account_first_login", "account_last_login"}) {
    TimestampProperty(c, t, false);
  }
}

void WindowsRegistryKey(Checker& c) {
  AtLeastOneProperty(c);
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
    {"email-addr", Category::kSco, Value, kEmailAddrRefs},
    {"email-message", Category::kSco, EmailMessage, kEmailMessageRefs},
    {"file", Category::kSco, File, kFileRefs},
    {"ipv4-addr", Category::kSco, Value, kIpRefs},
    {"ipv6-addr", Category::kSco, Value, kIpRefs},
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
