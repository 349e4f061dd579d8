#include "cases/contact.h"

#include <algorithm>
#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>
#include <cctype>
#include <map>
#include <tuple>

#include "common/timestamp.h"
#include "stix/deterministic_id.h"

namespace entente::cases {
namespace {

constexpr size_t kMaxText = 200;
constexpr size_t kMaxItems = 32;

bool AllOf(std::string_view s, bool (*ok)(char)) { return std::all_of(s.begin(), s.end(), ok); }
bool IsLowerToken(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; }
bool IsPhoneChar(char c) {
  return (c >= '0' && c <= '9') || c == '+' || c == ' ' || c == '(' || c == ')' || c == '-' ||
         c == '.' || c == '/';
}
bool IsZoneChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '/' || c == '+' ||
         c == '-';
}
bool IsLowerLetter(char c) { return c >= 'a' && c <= 'z'; }

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}
std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

bool ValidText(std::string_view s, bool required) {
  if (s.empty()) return !required;
  if (s.size() > kMaxText) return false;
  for (char c : s) {
    if (static_cast<unsigned char>(c) < 0x20) return false;  // no control characters
  }
  return true;
}

bool ValidEmail(std::string_view s) {
  if (s.empty() || s.size() > 254) return false;
  const size_t at = s.find('@');
  if (at == 0 || at == std::string_view::npos || at + 1 >= s.size()) return false;
  if (s.find('@', at + 1) != std::string_view::npos) return false;
  for (char c : s) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) return false;
  }
  return true;
}

boost::json::array StringArray(const std::vector<std::string>& items) {
  boost::json::array a;
  for (const std::string& s : items) a.emplace_back(s);
  return a;
}

std::string EmailAddrId(std::string_view value) {
  boost::json::object sco{{"type", "email-addr"}, {"value", value}};
  auto id = stix::DeterministicScoId(sco);
  return id.ok() ? *id : std::string();
}

void AddMarkings(boost::json::object& obj, policy::Tlp tlp,
                 const std::vector<std::string>& communities,
                 const std::vector<std::string>& recipients, boost::json::object& extensions) {
  if (std::string_view m = TlpMarking(tlp); !m.empty()) {
    obj["object_marking_refs"] = boost::json::array{boost::json::value(m)};
  }
  if (!communities.empty() || !recipients.empty()) {
    extensions[policy::kAudienceExtensionId] = AudienceExtension(recipients, communities);
  }
}

}  // namespace

std::string_view ContactRoleName(ContactRole role) {
  return role == ContactRole::kPolicy ? "policy" : "technical";
}

std::string ContactId(std::string_view org_identity, std::string_view name) {
  std::string key = "contact/";
  key += org_identity;
  key += '/';
  key += name;
  return HotlineDeterministicId("identity", key);
}

Status CheckContact(Contact* c) {
  if (c->org_identity.rfind("identity--", 0) != 0) {
    return Status::InvalidArgument("organisation: not an identity id: '" + c->org_identity + "'");
  }
  if (!ValidText(c->name, true)) {
    return Status::InvalidArgument("name: 1-200 characters, no control characters");
  }
  if (!ValidText(c->office_hours, false)) {
    return Status::InvalidArgument("office hours: at most 200 characters, no control characters");
  }
  if (c->always_on && !c->office_hours.empty()) {
    return Status::InvalidArgument("a 24/7 contact has no office hours (give one or the other)");
  }
  if (!c->time_zone.empty() && (c->time_zone.size() > 64 || !AllOf(c->time_zone, IsZoneChar))) {
    return Status::InvalidArgument("time zone: an IANA name such as Europe/Paris");
  }
  if (c->country.size() != 2 || !std::isalpha(static_cast<unsigned char>(c->country[0])) ||
      !std::isalpha(static_cast<unsigned char>(c->country[1]))) {
    return Status::InvalidArgument("country: an ISO 3166-1 alpha-2 code such as FR");
  }
  c->country = Upper(c->country);
  if (c->languages.size() > kMaxItems || c->services.size() > kMaxItems ||
      c->emails.size() > kMaxItems || c->phones.size() > kMaxItems) {
    return Status::InvalidArgument("at most 32 languages, services, e-mail addresses and phones");
  }
  for (std::string& l : c->languages) {
    l = Lower(l);
    if (l.size() < 2 || l.size() > 3 || !AllOf(l, IsLowerLetter)) {
      return Status::InvalidArgument("language '" + l + "': an ISO 639-1 code such as fr");
    }
  }
  for (std::string& s : c->services) {
    s = Lower(s);
    if (s.empty() || s.size() > 64 || !AllOf(s, IsLowerToken)) {
      return Status::InvalidArgument("service '" + s +
                                     "': lower-case words joined by '-', e.g. incident-handling");
    }
  }
  for (const std::string& e : c->emails) {
    if (!ValidEmail(e)) return Status::InvalidArgument("e-mail address '" + e + "' is not one");
  }
  for (const std::string& p : c->phones) {
    if (p.empty() || p.size() > 40 || !AllOf(p, IsPhoneChar) ||
        std::none_of(p.begin(), p.end(), [](char ch) { return ch >= '0' && ch <= '9'; })) {
      return Status::InvalidArgument("phone '" + p + "': digits, spaces and + ( ) - . / only");
    }
  }
  if (c->emails.empty() && c->phones.empty()) {
    // Identity Contact Information 1.0 §1: at least one of contact_numbers,
    // email_addresses, social_media_accounts MUST be provided.
    return Status::InvalidArgument("a contact needs at least one phone or e-mail address");
  }
  if (c->rank < 1 || c->rank > 99) return Status::InvalidArgument("rank: 1-99 (1 is tried first)");
  c->id = ContactId(c->org_identity, c->name);
  return Status::Ok();
}

std::vector<boost::json::object> ContactObjects(const Contact& c, int64_t now_us, policy::Tlp tlp,
                                                const std::vector<std::string>& communities,
                                                const std::vector<std::string>& recipients) {
  std::vector<boost::json::object> out;
  const std::string now = FormatTimestamp(now_us, 3);
  boost::json::object identity;
  identity["type"] = "identity";
  identity["spec_version"] = "2.1";
  identity["id"] = c.id;
  identity["created"] = now;
  identity["modified"] = now;
  identity["created_by_ref"] = c.org_identity;
  identity["name"] = c.name;
  identity["identity_class"] = "group";
  identity["roles"] = boost::json::array{
      boost::json::value(std::string(ContactRoleName(c.role)) + "-point-of-contact")};
  std::string summary;
  for (const std::string& p : c.phones) summary += (summary.empty() ? "" : "; ") + p;
  for (const std::string& e : c.emails) summary += (summary.empty() ? "" : "; ") + e;
  identity["contact_information"] = summary;

  boost::json::object extensions;
  boost::json::object info;  // OASIS Identity Contact Information 1.0
  info["extension_type"] = "property-extension";
  if (!c.phones.empty()) {
    boost::json::array numbers;
    for (const std::string& p : c.phones) {
      numbers.emplace_back(
          boost::json::object{{"contact_number", p}, {"contact_number_type", "work-phone"}});
    }
    info["contact_numbers"] = std::move(numbers);
  }
  std::vector<boost::json::object> emails;
  if (!c.emails.empty()) {
    boost::json::array refs;
    for (const std::string& e : c.emails) {
      const std::string id = EmailAddrId(e);
      refs.emplace_back(boost::json::object{{"email_address_ref", id},
                                            {"digital_contact_type", "organizational"}});
      boost::json::object sco{
          {"type", "email-addr"}, {"spec_version", "2.1"}, {"id", id}, {"value", e}};
      boost::json::object sco_ext;
      AddMarkings(sco, tlp, communities, recipients, sco_ext);
      if (!sco_ext.empty()) sco["extensions"] = std::move(sco_ext);
      emails.push_back(std::move(sco));
    }
    info["email_addresses"] = std::move(refs);
  }
  extensions[kContactInfoExtensionId] = std::move(info);

  boost::json::object ext;  // entente's hotline extension: what the OASIS one lacks
  ext["extension_type"] = "property-extension";
  ext["hotline_type"] = "contact";
  ext["organization_ref"] = c.org_identity;
  ext["contact_role"] = ContactRoleName(c.role);
  ext["availability"] = c.always_on ? "24/7" : "office-hours";
  if (!c.office_hours.empty()) ext["office_hours"] = c.office_hours;
  if (!c.time_zone.empty()) ext["time_zone"] = c.time_zone;
  if (!c.languages.empty()) ext["languages"] = StringArray(c.languages);
  if (!c.services.empty()) ext["csirt_services"] = StringArray(c.services);
  ext["country"] = c.country;
  ext["escalation_rank"] = c.rank;
  extensions[kHotlineExtensionId] = std::move(ext);
  AddMarkings(identity, tlp, communities, recipients, extensions);
  identity["extensions"] = std::move(extensions);
  out.push_back(std::move(identity));
  for (auto& e : emails) out.push_back(std::move(e));
  return out;
}

Result<Contact> ParseContact(const boost::json::object& obj,
                             const std::function<std::string(std::string_view)>& emails) {
  if (JsonString(obj, "type") != "identity") {
    return Status::InvalidArgument("type: a contact is an identity");
  }
  const boost::json::value* exts = obj.if_contains("extensions");
  const boost::json::value* ext = exts != nullptr && exts->is_object()
                                      ? exts->get_object().if_contains(kHotlineExtensionId)
                                      : nullptr;
  if (ext == nullptr || !ext->is_object() ||
      JsonString(ext->get_object(), "hotline_type") != "contact") {
    return Status::InvalidArgument("extensions: not a point of contact (no hotline extension)");
  }
  const boost::json::object& e = ext->get_object();
  Contact c;
  c.id = JsonString(obj, "id");
  c.name = JsonString(obj, "name");
  c.org_identity = JsonString(e, "organization_ref");
  if (c.id.rfind("identity--", 0) != 0 || c.org_identity.rfind("identity--", 0) != 0) {
    return Status::InvalidArgument("id, organization_ref: identity ids required");
  }
  const std::string role = JsonString(e, "contact_role");
  if (role == "policy") {
    c.role = ContactRole::kPolicy;
  } else if (role == "technical") {
    c.role = ContactRole::kTechnical;
  } else {
    return Status::InvalidArgument("contact_role: policy or technical");
  }
  const std::string availability = JsonString(e, "availability");
  if (availability != "24/7" && availability != "office-hours") {
    return Status::InvalidArgument("availability: 24/7 or office-hours");
  }
  c.always_on = availability == "24/7";
  c.office_hours = JsonString(e, "office_hours");
  c.time_zone = JsonString(e, "time_zone");
  c.languages = JsonStrings(e, "languages");
  c.services = JsonStrings(e, "csirt_services");
  c.country = JsonString(e, "country");
  if (const boost::json::value* r = e.if_contains("escalation_rank"); r != nullptr) {
    if (!r->is_int64() || r->get_int64() < 1 || r->get_int64() > 99) {
      return Status::InvalidArgument("escalation_rank: an integer 1-99");
    }
    c.rank = static_cast<int>(r->get_int64());
  }
  const std::string modified = JsonString(obj, "modified");
  auto ts = ParseTimestamp(modified);
  if (!ts.ok()) return Status::InvalidArgument("modified: " + ts.status().message());
  c.modified_us = ts->micros;
  const boost::json::value* info = exts->get_object().if_contains(kContactInfoExtensionId);
  if (info != nullptr && info->is_object()) {
    const boost::json::object& i = info->get_object();
    if (const auto* nums = i.if_contains("contact_numbers"); nums && nums->is_array()) {
      for (const auto& n : nums->get_array()) {
        if (n.is_object()) {
          std::string p = JsonString(n.get_object(), "contact_number");
          if (!p.empty()) c.phones.push_back(std::move(p));
        }
      }
    }
    if (const auto* mails = i.if_contains("email_addresses"); mails && mails->is_array()) {
      for (const auto& m : mails->get_array()) {
        if (!m.is_object()) continue;
        std::string ref = JsonString(m.get_object(), "email_address_ref");
        if (ref.empty()) continue;
        std::string value = emails ? emails(ref) : std::string();
        c.emails.push_back(value.empty() ? ref : value);
      }
    }
  }
  return c;
}

Status PublishContact(store::Store& store, const store::Collection& collection,
                      const NodeParties& parties, const store::Organisation& org,
                      const Contact& contact, int64_t now_us, policy::Tlp tlp,
                      const std::vector<std::string>& communities) {
  if (org.identity_id.empty() || org.identity_id != contact.org_identity) {
    return Status::PermissionDenied("organisation " + org.id + " publishes only its own contacts");
  }
  if (tlp == policy::Tlp::kRed) {
    return Status::InvalidArgument("a point of contact is CLEAR, GREEN or AMBER, never RED");
  }
  std::vector<std::string> recipients;
  if (tlp == policy::Tlp::kAmber || tlp == policy::Tlp::kAmberStrict) {
    return Status::InvalidArgument(
        "a directory entry is CLEAR or GREEN (with communities): AMBER would keep it from the "
        "peers that need it");
  }
  std::vector<boost::json::object> objects =
      ContactObjects(contact, now_us, tlp, communities, recipients);
  // A new version keeps the first version's `created` (STIX 2.1 §3.6).
  store::ObjectQuery q;
  q.collection_id = collection.id;
  q.ids = {contact.id};
  q.match_last = false;
  q.match_first = true;
  std::string created;
  Status scanned = store.ScanObjects(q, [&](const store::ObjectRow& row) {
    if (row.labels.owner_org != org.id) return store::ScanAction::kStop;
    boost::system::error_code ec;
    boost::json::value v = boost::json::parse(row.json, ec);
    if (!ec && v.is_object()) created = JsonString(v.get_object(), "created");
    return store::ScanAction::kStop;
  });
  if (!scanned.ok()) return scanned;
  if (!created.empty()) objects[0]["created"] = created;
  for (const boost::json::object& obj : objects) {
    auto added = StoreAs(store, collection, parties, org, obj);
    if (!added.ok()) return added.status();
    if (added->outcome == store::AddOutcome::kNotOwner) {
      return Status::PermissionDenied("contact " + contact.id +
                                      " belongs to another organisation of this node");
    }
  }
  return Status::Ok();
}

bool Matches(const ContactFilter& f, const Contact& c) {
  if (!f.org_identity.empty() && f.org_identity != c.org_identity) return false;
  if (!f.country.empty() && Upper(f.country) != c.country) return false;
  if (!f.role.empty() && f.role != ContactRoleName(c.role)) return false;
  if (f.always_on_only && !c.always_on) return false;
  if (!f.service.empty() &&
      std::find(c.services.begin(), c.services.end(), Lower(f.service)) == c.services.end()) {
    return false;
  }
  if (!f.language.empty() &&
      std::find(c.languages.begin(), c.languages.end(), Lower(f.language)) == c.languages.end()) {
    return false;
  }
  return true;
}

Result<std::vector<Contact>> ListContacts(store::Store& store, std::string_view collection_id,
                                          const NodeParties& parties, const ContactFilter& filter,
                                          std::function<bool(const policy::Labels&)> visible) {
  std::map<std::string, std::string> email_values;
  store::ObjectQuery q;
  q.collection_id = std::string(collection_id);
  q.types = {"email-addr"};
  q.visible = visible;
  Status s = store.ScanObjects(q, [&](const store::ObjectRow& row) {
    boost::system::error_code ec;
    boost::json::value v = boost::json::parse(row.json, ec);
    if (!ec && v.is_object())
      email_values[std::string(row.id)] = JsonString(v.get_object(), "value");
    return store::ScanAction::kContinue;
  });
  if (!s.ok()) return s;
  auto resolve = [&](std::string_view id) {
    auto it = email_values.find(std::string(id));
    return it == email_values.end() ? std::string() : it->second;
  };
  std::vector<Contact> out;
  q.types = {"identity"};
  s = store.ScanObjects(q, [&](const store::ObjectRow& row) {
    if (row.json.find(kHotlineExtensionId) == std::string_view::npos) {
      return store::ScanAction::kContinue;
    }
    boost::system::error_code ec;
    boost::json::value v = boost::json::parse(row.json, ec);
    if (ec || !v.is_object()) return store::ScanAction::kContinue;
    auto c = ParseContact(v.get_object(), resolve);
    if (!c.ok()) return store::ScanAction::kContinue;
    // Counts only when its organisation made it, and the row comes from where it lives.
    if (JsonString(v.get_object(), "created_by_ref") != c->org_identity ||
        !SpeaksFor(parties, row.labels.owner_org, c->org_identity)) {
      return store::ScanAction::kContinue;
    }
    if (Matches(filter, *c)) out.push_back(std::move(*c));
    return store::ScanAction::kContinue;
  });
  if (!s.ok()) return s;
  std::sort(out.begin(), out.end(), [](const Contact& a, const Contact& b) {
    return std::tie(a.country, a.org_identity, a.rank, a.name) <
           std::tie(b.country, b.org_identity, b.rank, b.name);
  });
  return out;
}

std::vector<Contact> EscalationChain(const Contact& first, const std::vector<Contact>& contacts) {
  std::vector<Contact> same_org;
  for (const Contact& c : contacts) {
    if (c.org_identity == first.org_identity && c.id != first.id) same_org.push_back(c);
  }
  std::stable_sort(same_org.begin(), same_org.end(), [](const Contact& a, const Contact& b) {
    return std::tie(a.always_on, a.rank, a.name) < std::tie(b.always_on, b.rank, b.name);
  });
  std::vector<Contact> chain{first};
  for (Contact& c : same_org) chain.push_back(std::move(c));
  return chain;
}

}  // namespace entente::cases
