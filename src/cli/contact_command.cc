// `entente contact`: the points-of-contact directory (issue 15; docs/cases.md, "Points of
// contact"). Contacts are STIX identities in a collection, so the directory federates
// like any object: a CERT finds its counterpart in another state on its own node.
//
//   entente contact publish --as ORG --collection ID --name NAME --role policy|technical
//                           (--24x7 | --office-hours TEXT) [--time-zone ZONE] [--language L]...
//                           [--service S]... [--country CC] [--rank N] [--email E]...
//                           [--phone P]... [--tlp clear|green] [--community C]...
//   entente contact list --collection ID [--country CC] [--service S] [--language L]
//                        [--role R] [--org IDENTITY] [--24x7] [--as ORG | --token ID] [--json]
//   entente contact show CONTACT-ID --collection ID [--as ORG | --token ID] [--json]
#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "cases/contact.h"
#include "cli/command.h"
#include "cli/hotline_loop.h"
#include "cli/node_util.h"
#include "common/env.h"
#include "common/timestamp.h"

namespace entente::cli {
namespace {

struct PublishOptions {
  std::string data, as, collection, name, role = "technical", office_hours, time_zone, country;
  std::string tlp = "clear";
  bool always_on = false;
  int rank = 1;
  std::vector<std::string> languages, services, emails, phones, communities;
};

struct ListOptions {
  std::string data, collection, country, service, language, role, org, as, token, id;
  bool always_on = false, json = false;
};

boost::json::object ContactJson(const cases::Contact& c) {
  boost::json::object j;
  j["id"] = c.id;
  j["organization_ref"] = c.org_identity;
  j["name"] = c.name;
  j["role"] = cases::ContactRoleName(c.role);
  j["availability"] = c.always_on ? "24/7" : "office-hours";
  if (!c.office_hours.empty()) j["office_hours"] = c.office_hours;
  if (!c.time_zone.empty()) j["time_zone"] = c.time_zone;
  j["country"] = c.country;
  j["rank"] = c.rank;
  auto array = [](const std::vector<std::string>& items) {
    boost::json::array a;
    for (const auto& s : items) a.emplace_back(s);
    return a;
  };
  j["languages"] = array(c.languages);
  j["services"] = array(c.services);
  j["emails"] = array(c.emails);
  j["phones"] = array(c.phones);
  j["modified"] = FormatTimestamp(c.modified_us, 3);
  return j;
}

std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : ",") + s;
  return out;
}

int RunPublish(const PublishOptions& o) {
  auto store = OpenNodeStore(ResolveDataDir(o.data));
  if (!store.ok()) return Fail(store.status());
  auto org = (*store)->GetOrganisation(o.as);
  if (!org.ok()) {
    return Fail(Status::NotFound("unknown organisation '" + o.as + "' (--as)"));
  }
  auto collection = (*store)->GetCollection(o.collection);
  if (!collection.ok()) {
    return Fail(Status::NotFound("unknown collection '" + o.collection + "' (--collection)"));
  }
  if (o.always_on && !o.office_hours.empty()) {
    return UsageError("--24x7 and --office-hours exclude each other");
  }
  if (o.role != "policy" && o.role != "technical") {
    return UsageError("--role: policy or technical");
  }
  policy::Tlp tlp;
  if (!policy::ParseTlp(o.tlp, &tlp)) return UsageError("--tlp: clear or green");
  cases::Contact c;
  c.org_identity = org->identity_id;
  c.name = o.name;
  c.role = o.role == "policy" ? cases::ContactRole::kPolicy : cases::ContactRole::kTechnical;
  c.always_on = o.always_on;
  c.office_hours = o.office_hours;
  c.time_zone = o.time_zone;
  c.country = o.country.empty() ? org->country : o.country;
  c.rank = o.rank;
  for (const auto& l : o.languages) {
    for (auto& s : SplitList(l)) c.languages.push_back(s);
  }
  for (const auto& l : o.services) {
    for (auto& s : SplitList(l)) c.services.push_back(s);
  }
  c.emails = o.emails;
  c.phones = o.phones;
  if (Status s = cases::CheckContact(&c); !s.ok()) return UsageError(s.message());
  auto parties = LoadParties(**store);
  if (!parties.ok()) return Fail(parties.status());
  Status s = cases::PublishContact(**store, *collection, *parties, *org, c,
                                   SystemClock().NowMicros(), tlp, o.communities);
  if (!s.ok()) return s.code() == StatusCode::kInvalidArgument ? UsageError(s.message()) : Fail(s);
  std::cout << c.id << std::endl;
  return kExitOk;
}

int RunList(const ListOptions& o, bool one) {
  auto store = OpenNodeStore(ResolveDataDir(o.data));
  if (!store.ok()) return Fail(store.status());
  auto who = RequesterFromFlags(**store, o.as, o.token);
  if (!who.ok()) return Fail(who.status());
  auto collection = (*store)->GetCollection(o.collection);
  if (!collection.ok()) {
    return Fail(Status::NotFound("unknown collection '" + o.collection + "' (--collection)"));
  }
  auto parties = LoadParties(**store);
  if (!parties.ok()) return Fail(parties.status());
  cases::ContactFilter f;
  f.country = o.country;
  f.service = o.service;
  f.language = o.language;
  f.role = o.role;
  f.org_identity = o.org;
  f.always_on_only = o.always_on;
  policy::Requester reader = *who;
  auto contacts =
      cases::ListContacts(**store, collection->id, *parties, f,
                          [reader](const policy::Labels& l) { return policy::MayRead(reader, l); });
  if (!contacts.ok()) return Fail(contacts.status());
  if (one) {
    for (const auto& c : *contacts) {
      if (c.id != o.id) continue;
      if (o.json) {
        std::cout << boost::json::serialize(ContactJson(c)) << "\n";
        return kExitOk;
      }
      std::cout << "contact       " << c.id << "\n"
                << "name          " << c.name << "\n"
                << "organisation  " << c.org_identity << "\n"
                << "role          " << cases::ContactRoleName(c.role) << "\n"
                << "availability  "
                << (c.always_on ? std::string("24/7") : "office hours " + c.office_hours)
                << (c.time_zone.empty() ? "" : " (" + c.time_zone + ")") << "\n"
                << "country       " << c.country << "\n"
                << "rank          " << c.rank << "\n"
                << "languages     " << Join(c.languages) << "\n"
                << "services      " << Join(c.services) << "\n"
                << "e-mail        " << Join(c.emails) << "\n"
                << "phone         " << Join(c.phones) << "\n"
                << "modified      " << FormatTimestamp(c.modified_us, 3) << "\n";
      return kExitOk;
    }
    PrintError("no contact " + o.id + " in collection " + o.collection);
    return kExitNo;
  }
  if (o.json) {
    for (const auto& c : *contacts) std::cout << boost::json::serialize(ContactJson(c)) << "\n";
    return kExitOk;
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& c : *contacts) {
    rows.push_back({c.country, c.org_identity, std::to_string(c.rank), c.name,
                    std::string(cases::ContactRoleName(c.role)),
                    c.always_on ? "24/7" : "office-hours", Join(c.languages), Join(c.services),
                    c.id});
  }
  PrintTable({"country", "organisation", "rank", "name", "role", "availability", "languages",
              "services", "id"},
             rows);
  return kExitOk;
}

void AddListFlags(CLI::App* cmd, ListOptions* o) {
  AddDataOption(cmd, &o->data);
  cmd->add_option("--collection", o->collection, "collection id")->required();
  CLI::Option* as =
      cmd->add_option("--as", o->as, "organisation id (default: the local operator, who sees all)");
  cmd->add_option("--token", o->token, "token id: what its holder sees over TAXII")->excludes(as);
  cmd->add_flag("--json", o->json, "one JSON object per contact");
}

}  // namespace

void RegisterContactCommands(CLI::App& app, CommandContext& ctx) {
  CLI::App* contact = app.add_subcommand(
      "contact", "Points of contact: publish an organisation's contacts, find a counterpart");
  contact->require_subcommand(1);

  auto p = std::make_shared<PublishOptions>();
  CLI::App* publish =
      contact->add_subcommand("publish", "Publish (or update) a point of contact of ORG");
  AddDataOption(publish, &p->data);
  publish->add_option("--as", p->as, "the organisation whose contact it is")->required();
  publish->add_option("--collection", p->collection, "collection id")->required();
  publish->add_option("--name", p->name, "the contact's name (its key within ORG)")->required();
  publish->add_option("--role", p->role, "policy or technical")->capture_default_str();
  publish->add_flag("--24x7", p->always_on, "reachable at any hour");
  publish->add_option("--office-hours", p->office_hours, "when reachable, e.g. 'Mo-Fr 08-18'");
  publish->add_option("--time-zone", p->time_zone, "IANA zone of the office hours");
  publish->add_option("--language", p->languages, "ISO 639-1 codes (repeat or a,b)");
  publish->add_option("--service", p->services, "CSIRT services offered (repeat or a,b)");
  publish->add_option("--country", p->country, "ISO 3166-1 alpha-2 (default: ORG's)");
  publish->add_option("--rank", p->rank, "escalation order within ORG, 1 first")
      ->capture_default_str();
  publish->add_option("--email", p->emails, "e-mail address (repeat)");
  publish->add_option("--phone", p->phones, "work phone number (repeat)");
  publish->add_option("--tlp", p->tlp, "clear or green")->capture_default_str();
  publish->add_option("--community", p->communities, "trust community (with --tlp green)");
  publish->callback([p, &ctx] { ctx.exit_code = RunPublish(*p); });

  auto l = std::make_shared<ListOptions>();
  CLI::App* list = contact->add_subcommand("list", "The contacts of the directory");
  AddListFlags(list, l.get());
  list->add_option("--country", l->country, "ISO 3166-1 alpha-2");
  list->add_option("--service", l->service, "a CSIRT service, e.g. incident-handling");
  list->add_option("--language", l->language, "ISO 639-1");
  list->add_option("--role", l->role, "policy or technical");
  list->add_option("--org", l->org, "an organisation's identity id");
  list->add_flag("--24x7", l->always_on, "only contacts reachable at any hour");
  list->callback([l, &ctx] { ctx.exit_code = RunList(*l, false); });

  auto s = std::make_shared<ListOptions>();
  CLI::App* show = contact->add_subcommand("show", "One contact");
  AddListFlags(show, s.get());
  show->add_option("CONTACT-ID", s->id, "identity--...")->required();
  show->callback([s, &ctx] { ctx.exit_code = RunList(*s, true); });
}

}  // namespace entente::cli
