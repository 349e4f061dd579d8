// Fuzz target for the objects of points of contact and the hotline (cases/contact.h
// ParseContact, cases/hotline.h ParseMessage and ParseRecord), which read every identity
// and note of a collection — objects any writer or peer may have sent. Any crash,
// sanitizer report or failed Require is a bug. Invariants: what is read back from the
// objects the hotline writes for a parsed value is that value.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "cases/contact.h"
#include "cases/hotline.h"
#include "require.h"
#include "stix/stix.h"

using entente::cases::Contact;
using entente::cases::Message;
using entente::cases::Record;

namespace {

void CheckContact(const boost::json::object& obj) {
  auto c = entente::cases::ParseContact(obj);
  if (!c.ok()) return;
  auto objects =
      entente::cases::ContactObjects(*c, c->modified_us, entente::policy::Tlp::kClear, {}, {});
  Require(!objects.empty());
  auto back = entente::cases::ParseContact(objects[0], [&](std::string_view id) {
    for (const auto& o : objects) {
      if (o.at("id").as_string() == id) return std::string(o.at("value").as_string());
    }
    return std::string();
  });
  Require(back.ok());
  Require(back->id == c->id && back->org_identity == c->org_identity && back->name == c->name);
  Require(back->role == c->role && back->always_on == c->always_on && back->rank == c->rank);
  Require(back->languages == c->languages && back->services == c->services);
  Require(back->phones == c->phones && back->emails == c->emails);
  Require(back->modified_us == c->modified_us - c->modified_us % 1000);
}

void CheckMessage(const boost::json::object& obj) {
  auto m = entente::cases::ParseMessage(obj);
  if (!m.ok()) return;
  Require(!m->chain.empty() && m->ack_within_us > 0);
  Message exact = *m;
  exact.sent_us -= exact.sent_us % 1000;  // written with millisecond precision
  auto back = entente::cases::ParseMessage(entente::cases::MessageObject(exact));
  Require(back.ok());
  Require(back->id == exact.id && back->from == exact.from && back->to == exact.to);
  Require(back->chain == exact.chain && back->sent_us == exact.sent_us);
  Require(back->ack_within_us == exact.ack_within_us && back->kind == exact.kind);
  Require(back->tlp == exact.tlp && back->about == exact.about);
}

void CheckRecord(const boost::json::object& obj) {
  auto r = entente::cases::ParseRecord(obj);
  if (!r.ok()) return;
  Message m;
  m.id = r->message;
  m.from = r->by;
  m.to = r->by;
  m.chain = {r->contact.empty() ? r->by : r->contact};
  m.ack_within_us = 1'000'000;
  Record exact = *r;
  exact.at_us -= exact.at_us % 1000;
  auto back = entente::cases::ParseRecord(entente::cases::RecordObject(m, exact));
  Require(back.ok());
  Require(back->id == exact.id && back->kind == exact.kind && back->message == exact.message);
  Require(back->by == exact.by && back->at_us == exact.at_us && back->contact == exact.contact);
  Require(back->step == exact.step);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto parsed = entente::stix::ParseJson(input);
  if (!parsed.ok() || !parsed->is_object()) return 0;
  const boost::json::object& obj = parsed->get_object();
  CheckContact(obj);
  CheckMessage(obj);
  CheckRecord(obj);
  (void)entente::cases::HotlineTypeOf(obj);
  return 0;
}
