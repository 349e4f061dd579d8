#include "cases/ping_schedule.h"

#include <boost/json/array.hpp>
#include <boost/json/value.hpp>
#include <map>

#include "cases/contact.h"
#include "cases/hotline.h"
#include "stix/identifiers.h"
#include "stix/stix.h"

namespace entente::cases {

namespace {

constexpr int64_t kSecond = 1'000'000;
constexpr int64_t kLongest = 366LL * 86400;

Status Field(std::string_view field, std::string_view what) {
  return Status::InvalidArgument("ping schedule: " + std::string(field) + ": " + std::string(what));
}

bool IsIdentity(std::string_view id) {
  return id.starts_with("identity--") && stix::CheckIdentifier(id) == stix::IdProblem::kOk;
}

}  // namespace

Status CheckPingSchedule(const PingSchedule& s) {
  if (s.name.empty() || s.name.size() > 64) return Field("name", "1-64 characters");
  for (char c : s.name) {
    const bool ok =
        (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    if (!ok) return Field("name", "[a-z0-9._-] only");
  }
  if (s.as.empty() || s.as.size() > 64) return Field("as", "the sending organisation's id");
  if (s.collection.empty() || s.collection.size() > 64) return Field("collection", "required");
  if (s.contact.empty() == s.org.empty()) {
    return Field("contact", "give a contact or an organisation (one of them)");
  }
  if (!s.contact.empty() && !IsIdentity(s.contact)) return Field("contact", "identity--UUID");
  if (!s.org.empty() && !IsIdentity(s.org)) return Field("org", "identity--UUID");
  if (!s.role.empty() && (s.org.empty() || (s.role != "policy" && s.role != "technical"))) {
    return Field("role", "policy or technical, with org only");
  }
  if (s.every_seconds < 1 || s.every_seconds > kLongest) {
    return Field("every_seconds", "1..31622400");
  }
  if (s.within_seconds < 1 || s.within_seconds > kLongest) {
    return Field("within_seconds", "1..31622400");
  }
  return Status::Ok();
}

Result<std::vector<PingSchedule>> ParsePingSchedules(std::string_view json_text) {
  stix::ParseLimits limits;
  limits.max_bytes = 4 << 20;
  limits.max_depth = 6;
  auto parsed = stix::ParseJson(json_text, limits);
  if (!parsed.ok()) return Field("(file)", "not valid JSON: " + parsed.status().message());
  if (!parsed->is_object()) return Field("(file)", "must be a JSON object");
  std::vector<PingSchedule> out;
  for (const auto& [k, v] : parsed->get_object()) {
    if (std::string_view(k.data(), k.size()) != "schedules") {
      return Field(std::string_view(k.data(), k.size()).substr(0, 64), "unknown member");
    }
    if (!v.is_array()) return Field("schedules", "must be an array");
    for (size_t i = 0; i < v.get_array().size(); ++i) {
      const std::string field = "schedules[" + std::to_string(i) + "]";
      const auto& item = v.get_array()[i];
      if (!item.is_object()) return Field(field, "must be an object");
      PingSchedule s;
      for (const auto& [sk, sv] : item.get_object()) {
        const std::string_view key(sk.data(), sk.size());
        if (key == "every_seconds" || key == "within_seconds") {
          if (!sv.is_int64()) return Field(field + "." + std::string(key), "must be an integer");
          (key == "every_seconds" ? s.every_seconds : s.within_seconds) = sv.get_int64();
          continue;
        }
        std::string* target = key == "name"         ? &s.name
                              : key == "as"         ? &s.as
                              : key == "collection" ? &s.collection
                              : key == "contact"    ? &s.contact
                              : key == "org"        ? &s.org
                              : key == "role"       ? &s.role
                                                    : nullptr;
        if (target == nullptr) {
          return Field(field + "." + std::string(key.substr(0, 64)), "unknown member");
        }
        if (!sv.is_string()) return Field(field + "." + std::string(key), "must be a string");
        *target = std::string(sv.get_string().data(), sv.get_string().size());
      }
      if (Status st = CheckPingSchedule(s); !st.ok()) return Field(field, st.message());
      for (const auto& existing : out) {
        if (existing.name == s.name) return Field(field, "duplicate name " + s.name);
      }
      out.push_back(std::move(s));
    }
  }
  return out;
}

boost::json::object PingSchedulesToJson(const std::vector<PingSchedule>& schedules) {
  boost::json::array arr;
  for (const auto& s : schedules) {
    boost::json::object o{{"name", s.name}, {"as", s.as}, {"collection", s.collection}};
    if (!s.contact.empty()) o["contact"] = s.contact;
    if (!s.org.empty()) o["org"] = s.org;
    if (!s.role.empty()) o["role"] = s.role;
    o["every_seconds"] = s.every_seconds;
    o["within_seconds"] = s.within_seconds;
    arr.push_back(std::move(o));
  }
  return boost::json::object{{"schedules", std::move(arr)}};
}

std::string ScheduledPingId(std::string_view schedule, std::string_view contact, int64_t slot) {
  return HotlineDeterministicId("note", "scheduled-ping\n" + std::string(schedule) + "\n" +
                                            std::string(contact) + "\n" + std::to_string(slot));
}

Result<PingRoundReport> SendScheduledPings(store::Store& store, const NodeParties& parties,
                                           const std::vector<PingSchedule>& schedules,
                                           int64_t now_us, std::string_view only_collection) {
  PingRoundReport report;
  std::map<std::string, std::vector<Contact>> directory;  // collection -> contacts
  for (const PingSchedule& s : schedules) {
    if (!only_collection.empty() && s.collection != only_collection) continue;
    const store::Organisation* from = nullptr;
    for (const auto& o : parties.orgs) {
      if (o.id == s.as) from = &o;
    }
    if (from == nullptr) {
      report.problems.push_back("schedule " + s.name + ": " + s.as +
                                " is not an organisation of this node");
      continue;
    }
    auto collection = store.GetCollection(s.collection);
    if (!collection.ok()) {
      report.problems.push_back("schedule " + s.name + ": collection " + s.collection + ": " +
                                collection.status().message());
      continue;
    }
    auto dir = directory.find(s.collection);
    if (dir == directory.end()) {
      auto contacts = ListContacts(store, s.collection, parties, {});
      if (!contacts.ok()) return contacts.status();
      dir = directory.emplace(s.collection, std::move(*contacts)).first;
    }
    std::vector<const Contact*> targets;
    for (const Contact& c : dir->second) {
      const bool wanted =
          !s.contact.empty()
              ? c.id == s.contact
              : c.org_identity == s.org && (s.role.empty() || ContactRoleName(c.role) == s.role);
      if (wanted) targets.push_back(&c);
    }
    if (targets.empty()) {
      report.problems.push_back("schedule " + s.name + ": no contact to ping in collection " +
                                s.collection + " yet");
      continue;
    }
    const int64_t slot = now_us / (s.every_seconds * kSecond);
    for (const Contact* c : targets) {
      const std::string id = ScheduledPingId(s.name, c->id, slot);
      store::ObjectQuery q;
      q.collection_id = s.collection;
      q.ids = {id};
      bool stored = false;
      Status scanned = store.ScanObjects(q, [&](const store::ObjectRow&) {
        stored = true;
        return store::ScanAction::kStop;
      });
      if (!scanned.ok()) return scanned;
      if (stored) continue;
      SendRequest r;
      r.kind = MessageKind::kPing;
      r.to = *c;
      r.chain = {*c};
      r.subject =
          "Scheduled ping " + s.name + " (slot " + std::to_string(slot) + "): please acknowledge";
      r.ack_within_us = s.within_seconds * kSecond;
      auto sent = Send(store, *collection, parties, *from, r, id, now_us);
      if (!sent.ok()) {
        report.problems.push_back("schedule " + s.name + ": ping to " + c->id +
                                  " not stored: " + sent.status().message());
        continue;
      }
      ++report.sent;
    }
  }
  return report;
}

}  // namespace entente::cases
