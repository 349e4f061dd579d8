// cases/contact: points of contact (issue 15). Every organisation publishes its policy
// and technical contacts as STIX 2.1 `identity` objects (identity_class "group"): phone
// numbers and e-mail addresses in the OASIS Identity Contact Information extension
// (kContactInfoExtensionId; e-mail addresses as `email-addr` objects it references),
// and what that extension lacks — the organisation, the role, the availability (24/7 or
// office hours), languages, CSIRT services, country and escalation rank — in entente's
// hotline extension (kHotlineExtensionId). The directory federates because contacts are
// ordinary objects in a collection (docs/cases.md, "Points of contact").
//
// A contact's id is derived from its organisation's identity and its name, so
// publishing the same name again issues a new version of the same contact. A contact
// counts only when its created_by_ref is its organisation and the stored version speaks
// for it (hotline_parties.h SpeaksFor).
//
// Pure functions except PublishContact and ListContacts, which use the store (safe for
// concurrent use as the Store is). Results own their data.
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "cases/hotline_parties.h"
#include "entente/status.h"
#include "policy/policy.h"
#include "store/store.h"

namespace entente::cases {

enum class ContactRole { kPolicy, kTechnical };
std::string_view ContactRoleName(ContactRole role);  // "policy", "technical"

struct Contact {
  std::string id;            // identity--<uuid5>; ContactId(org_identity, name)
  std::string org_identity;  // the organisation's identity (organization_ref)
  std::string name;          // e.g. "CERT-FR duty officer"
  ContactRole role = ContactRole::kTechnical;
  bool always_on = false;              // "24/7"; else office hours
  std::string office_hours;            // free text, e.g. "Mo-Fr 08:00-18:00"
  std::string time_zone;               // IANA zone of the office hours, e.g. "Europe/Paris"
  std::vector<std::string> languages;  // ISO 639-1, lower case
  std::vector<std::string> services;   // CSIRT services, e.g. "incident-handling"
  std::string country;                 // ISO 3166-1 alpha-2, upper case
  int rank = 1;                        // escalation order within the organisation, 1 first
  std::vector<std::string> emails;     // addresses (email-addr values)
  std::vector<std::string> phones;     // work phone numbers
  int64_t modified_us = 0;             // the version
};

// The id of the contact `name` of the organisation `org_identity`.
std::string ContactId(std::string_view org_identity, std::string_view name);

// Checks a contact as a user gives it (names, vocabularies, at least one phone or
// e-mail address as the OASIS extension requires, ISO codes); fills `id`. invalid-
// argument naming the field otherwise.
Status CheckContact(Contact* contact);

// The STIX objects of a contact version at `now_us`: the identity first, then one
// email-addr per address (deterministic ids, STIX 2.1 §2.9), marked `tlp` with the
// audience `communities` (GREEN) and `recipients` (AMBER) when not empty.
std::vector<boost::json::object> ContactObjects(const Contact& contact, int64_t now_us,
                                                policy::Tlp tlp,
                                                const std::vector<std::string>& communities,
                                                const std::vector<std::string>& recipients);

// Reads a contact out of a STIX identity. `emails` resolves an email-addr id to its
// value ("" when unknown; the id is then listed as is). invalid-argument when `obj` is
// not a contact identity of this extension or a required member is missing or wrong.
Result<Contact> ParseContact(const boost::json::object& obj,
                             const std::function<std::string(std::string_view)>& emails = {});

// Stores the objects of `contact` in `collection` as `org` (whose identity must be the
// contact's organisation: permission-denied otherwise). A directory entry is CLEAR, or
// GREEN for the trust `communities` (invalid-argument otherwise: AMBER would keep it
// from the peers that look for it). A new version keeps the first one's `created`.
Status PublishContact(store::Store& store, const store::Collection& collection,
                      const NodeParties& parties, const store::Organisation& org,
                      const Contact& contact, int64_t now_us, policy::Tlp tlp,
                      const std::vector<std::string>& communities);

// What `contact list` asks for; empty fields match anything.
struct ContactFilter {
  std::string org_identity;
  std::string country;  // compared case-insensitively
  std::string service;
  std::string language;
  std::string role;  // "policy" or "technical"
  bool always_on_only = false;
};
bool Matches(const ContactFilter& filter, const Contact& contact);

// The contacts of `collection_id` that count (see the file comment), last versions,
// that `visible` lets through (null: all), matching `filter`; by country, organisation,
// rank, name.
Result<std::vector<Contact>> ListContacts(store::Store& store, std::string_view collection_id,
                                          const NodeParties& parties, const ContactFilter& filter,
                                          std::function<bool(const policy::Labels&)> visible = {});

// The order in which the hotline tries the contacts of one organisation when a message
// to `first` is not acknowledged: `first`, then the organisation's other office-hours
// contacts by rank, then its 24/7 contacts by rank (each once). `contacts` holds the
// organisation's contacts (others are skipped).
std::vector<Contact> EscalationChain(const Contact& first, const std::vector<Contact>& contacts);

}  // namespace entente::cases
