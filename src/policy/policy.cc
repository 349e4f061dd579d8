#include "policy/policy.h"

#include <algorithm>
#include <array>
#include <boost/json.hpp>
#include <cctype>

#include "policy/audience.h"
#include "policy/granular.h"

namespace entente::policy {
namespace {

namespace json = boost::json;

struct MarkingTlp {
  std::string_view id;
  Tlp tlp;
};

constexpr std::array<MarkingTlp, 10> kTlpMarkings = {{
    {"marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9", Tlp::kClear},
    {"marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487", Tlp::kClear},
    {"marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da", Tlp::kGreen},
    {"marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb", Tlp::kGreen},
    {"marking-definition--f88d31f6-486f-44da-b317-01333bde0b82", Tlp::kAmber},
    {"marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421", Tlp::kAmber},
    {"marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003", Tlp::kAmberStrict},
    {"marking-definition--826578e1-40ad-459f-bc73-ede076f81f37", Tlp::kAmberStrict},
    {"marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed", Tlp::kRed},
    {"marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1", Tlp::kRed},
}};

void ReadStrings(const json::object& obj, std::string_view key, std::vector<std::string>* out) {
  const json::value* v = obj.if_contains(key);
  if (v == nullptr || !v->is_array()) return;
  for (const auto& item : v->get_array()) {
    if (item.is_string()) out->emplace_back(item.get_string());
  }
}

void WriteStrings(json::object& obj, std::string_view key, const std::vector<std::string>& in) {
  if (in.empty()) return;
  json::array arr;
  for (const auto& s : in) arr.emplace_back(s);
  obj[key] = std::move(arr);
}

}  // namespace

std::string_view TlpName(Tlp tlp) {
  switch (tlp) {
    case Tlp::kClear:
      return "clear";
    case Tlp::kGreen:
      return "green";
    case Tlp::kAmber:
      return "amber";
    case Tlp::kAmberStrict:
      return "amber+strict";
    case Tlp::kRed:
      return "red";
  }
  return "amber";
}

bool ParseTlp(std::string_view name, Tlp* out) {
  std::string lower;
  for (char c : name) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower.rfind("tlp:", 0) == 0) lower.erase(0, 4);
  if (lower == "clear" || lower == "white")
    *out = Tlp::kClear;
  else if (lower == "green")
    *out = Tlp::kGreen;
  else if (lower == "amber")
    *out = Tlp::kAmber;
  else if (lower == "amber+strict")
    *out = Tlp::kAmberStrict;
  else if (lower == "red")
    *out = Tlp::kRed;
  else
    return false;
  return true;
}

std::string_view Tlp2MarkingId(Tlp tlp) {
  switch (tlp) {
    case Tlp::kClear:
      return "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487";
    case Tlp::kGreen:
      return "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb";
    case Tlp::kAmber:
      return "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421";
    case Tlp::kAmberStrict:
      return "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003";
    case Tlp::kRed:
      return "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1";
  }
  return "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421";  // not reached
}

bool TlpOfMarking(std::string_view marking_id, Tlp* out) {
  for (const auto& m : kTlpMarkings) {
    if (m.id == marking_id) {
      *out = m.tlp;
      return true;
    }
  }
  return false;
}

Labels LabelObject(const json::object& obj, Tlp collection_default, std::string owner_org) {
  Labels labels;
  labels.owner_org = std::move(owner_org);
  bool marked = false;
  Tlp most = Tlp::kClear;
  if (const json::value* refs = obj.if_contains("object_marking_refs");
      refs != nullptr && refs->is_array()) {
    for (const auto& ref : refs->get_array()) {
      if (!ref.is_string()) continue;
      Tlp t;
      // A marking we do not know (a statement, a custom TLP) never widens access.
      if (!TlpOfMarking(ref.get_string(), &t)) t = Tlp::kAmber;
      most = marked ? std::max(most, t) : t;
      marked = true;
    }
  }
  labels.tlp = marked ? most : collection_default;
  if (const json::value* ext = obj.if_contains("extensions"); ext != nullptr && ext->is_object()) {
    if (const json::value* aud = ext->get_object().if_contains(kAudienceExtensionId);
        aud != nullptr && aud->is_object()) {
      ReadStrings(aud->get_object(), "communities", &labels.audience.communities);
      ReadStrings(aud->get_object(), "recipients", &labels.audience.recipients);
      ReadStrings(aud->get_object(), "individuals", &labels.audience.individuals);
    }
  }
  labels.granular = obj.contains("granular_markings");
  labels.withheld_for = labels.granular ? WithheldFor(obj) : 0;
  return labels;
}

std::string EncodeAudience(const Audience& audience, uint32_t withheld_for, bool granular) {
  if (audience.empty() && withheld_for == 0 && !granular) return {};
  json::object obj;
  WriteStrings(obj, "communities", audience.communities);
  WriteStrings(obj, "recipients", audience.recipients);
  WriteStrings(obj, "individuals", audience.individuals);
  if (withheld_for != 0) obj["withheld_for"] = withheld_for;
  if (granular) obj["granular"] = true;
  return json::serialize(obj);
}

Audience DecodeAudience(std::string_view text, uint32_t* withheld_for, bool* granular) {
  Audience audience;
  if (withheld_for != nullptr) *withheld_for = 0;
  if (granular != nullptr) *granular = false;
  if (text.empty()) return audience;
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) return audience;  // stored by us; an unreadable one shares with nobody
  if (withheld_for != nullptr) {
    if (const json::value* w = v.get_object().if_contains("withheld_for");
        w != nullptr && w->is_uint64()) {
      *withheld_for = static_cast<uint32_t>(w->get_uint64());
    } else if (w != nullptr && w->is_int64() && w->get_int64() >= 0) {
      *withheld_for = static_cast<uint32_t>(w->get_int64());
    }
  }
  if (granular != nullptr) {
    const json::value* g = v.get_object().if_contains("granular");
    *granular = g != nullptr && g->is_bool() && g->get_bool();
  }
  ReadStrings(v.get_object(), "communities", &audience.communities);
  ReadStrings(v.get_object(), "recipients", &audience.recipients);
  ReadStrings(v.get_object(), "individuals", &audience.individuals);
  return audience;
}

namespace {

// Who sees everything: the local operator and the object's owner.
bool SeesAll(const Requester& who, const Labels& labels) {
  return who.local_operator || (!labels.owner_org.empty() && labels.owner_org == who.org_id);
}

// `who` as a recipient on this node; views `who`, which must outlive it.
Recipient OnThisNode(const Requester& who) {
  Recipient r;
  r.reach = Reach::kThisNode;
  r.communities = who.communities;
  r.organisations = std::span<const std::string>(&who.identity_id, 1);
  r.client_of = std::span<const std::string>(&who.client_of, 1);
  r.individuals = std::span<const std::string>(&who.individual_id, 1);
  return r;
}

// The object-level decision: TLP and audience, the owner and the local operator.
bool MayReadWhole(const Requester& who, const Labels& labels) {
  if (SeesAll(who, labels)) return true;
  return MatchAudience(labels.tlp, labels.audience, OnThisNode(who)) == AudienceMatch::kIncluded;
}

}  // namespace

uint8_t VisibleTlps(const Requester& who, const Labels& labels) {
  if (SeesAll(who, labels)) return kEveryTlp;
  return WithObjectLevel(IncludedLevels(labels.audience, OnThisNode(who)), labels.tlp);
}

uint8_t WithObjectLevel(uint8_t visible, Tlp object_tlp) {
  const int level = static_cast<int>(object_tlp);
  if (((visible >> level) & 1u) == 0) return visible;
  return static_cast<uint8_t>(visible | ((1u << level) - 1u));
}

bool MayRead(const Requester& who, const Labels& labels) {
  if (!MayReadWhole(who, labels)) return false;
  if (labels.withheld_for == 0) return true;
  return ((labels.withheld_for >> VisibleTlps(who, labels)) & 1u) == 0;
}

}  // namespace entente::policy
