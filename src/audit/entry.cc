// Entries to canonical JSON and back. Every field is written, empty or not, so that the
// strictness of ParseEntry is one comparison: the text must be what encoding its own
// reading gives back (no extra, missing, reordered or differently escaped member).
#include "audit/entry.h"

#include "audit/canonical_writer.h"

#include <boost/json.hpp>

#include "common/timestamp.h"

namespace entente::audit {
namespace {

namespace json = boost::json;

constexpr std::string_view kKindNames[] = {
    "object-stored", "egress-decision", "deletion",           "organisation-change", "token-change",
    "grant-change",  "peer-change",     "sovereignty-change", "restricted-read",     "case-event",
    "intake-event",  "hotline-event",   "objects-stored"};
constexpr std::string_view kChannels[] = {"client", "peer", "sensor", "local"};
constexpr std::string_view kDecisions[] = {"sent", "withheld", "redacted", "hashed"};
constexpr std::string_view kTlps[] = {"amber", "amber+strict", "red"};

template <typename E, size_t N>
Result<E> EnumFrom(std::string_view text, const std::string_view (&names)[N], const char* what) {
  for (size_t i = 0; i < N; ++i) {
    if (names[i] == text) return static_cast<E>(i);
  }
  return Status::InvalidArgument(std::string("unknown ") + what + " '" + std::string(text) + "'");
}

bool IsLowerHex64(std::string_view s) {
  if (s.size() != 64) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

// The body type each kind carries.
size_t BodyIndexOf(EntryKind kind) {
  switch (kind) {
    case EntryKind::kObjectStored:
      return 0;
    case EntryKind::kEgressDecision:
      return 1;
    case EntryKind::kDeletion:
      return 2;
    case EntryKind::kOrganisationChange:
    case EntryKind::kTokenChange:
    case EntryKind::kGrantChange:
    case EntryKind::kPeerChange:
    case EntryKind::kSovereigntyChange:
      return 3;
    case EntryKind::kRestrictedRead:
      return 4;
    case EntryKind::kObjectsStored:
      return 6;
    default:
      return 5;
  }
}

struct BodyWriter {
  CanonicalWriter& w;
  void operator()(const ObjectStored& b) const {
    w.Str("channel", kChannels[static_cast<int>(b.channel)]);
    w.Str("collection", b.collection);
    w.Str("object_id", b.object_id);
    w.Str("sha256", b.sha256);
    w.Str("submitter", b.submitter);
    w.Str("version", b.version);
  }
  void operator()(const ObjectsStored& b) const {
    w.Str("added_from", FormatTimestamp(b.added_from_us, 6));
    w.Str("added_to", FormatTimestamp(b.added_to_us, 6));
    w.Str("channel", kChannels[static_cast<int>(b.channel)]);
    w.Str("collection", b.collection);
    w.Uint("count", b.count);
    w.Str("items_root", b.items_root);
    w.Str("submitter", b.submitter);
  }
  void operator()(const EgressDecision& b) const {
    w.Str("decision", kDecisions[static_cast<int>(b.decision)]);
    w.Str("object_id", b.object_id);
    w.Str("peer", b.peer);
    w.Str("reason", b.reason);
    w.Str("rule", b.rule);
    w.Str("version", b.version);
  }
  void operator()(const Deletion& b) const {
    w.Str("by", b.by);
    w.Str("collection", b.collection);
    w.Str("object_id", b.object_id);
    w.Str("reason", b.reason);
    w.Str("version", b.version);
  }
  void operator()(const Change& b) const {
    w.Str("action", b.action);
    w.Str("by", b.by);
    w.Map("fields", b.fields);
    w.Str("subject", b.subject);
  }
  void operator()(const RestrictedRead& b) const {
    w.Str("object_id", b.object_id);
    w.Str("reader", b.reader);
    w.Str("tlp", kTlps[static_cast<int>(b.tlp)]);
    w.Str("token_id", b.token_id);
    w.Str("version", b.version);
    w.Str("via", b.via);
  }
  void operator()(const ActivityEvent& b) const {
    w.Str("by", b.by);
    w.Map("detail", b.detail);
    w.Str("event", b.event);
    w.Str("subject", b.subject);
  }
};

// Reads string members; a member that is present but not a string is an error.
class Reader {
 public:
  explicit Reader(const json::object& o) : o_(o) {}
  std::string Str(std::string_view key) {
    const json::value* v = o_.if_contains(key);
    if (v == nullptr) return {};
    if (!v->is_string()) {
      bad_ = "body." + std::string(key) + " is not a string";
      return {};
    }
    return std::string(v->get_string());
  }
  std::map<std::string, std::string> Map(std::string_view key) {
    std::map<std::string, std::string> out;
    const json::value* v = o_.if_contains(key);
    if (v == nullptr) return out;
    if (!v->is_object()) {
      bad_ = "body." + std::string(key) + " is not an object";
      return out;
    }
    for (const auto& kv : v->get_object()) {
      if (!kv.value().is_string()) {
        bad_ = "body." + std::string(key) + " holds a value that is not a string";
        return out;
      }
      out[std::string(kv.key())] = std::string(kv.value().get_string());
    }
    return out;
  }
  uint64_t Uint(std::string_view key) {
    const json::value* v = o_.if_contains(key);
    if (v == nullptr) return 0;
    if (v->is_uint64()) return v->get_uint64();
    if (v->is_int64() && v->get_int64() >= 0) return static_cast<uint64_t>(v->get_int64());
    bad_ = "body." + std::string(key) + " is not a count";
    return 0;
  }
  int64_t Time(std::string_view key) {
    auto t = ParseTimestamp(Str(key));
    if (!t.ok()) {
      bad_ = "body." + std::string(key) + " is not a timestamp";
      return 0;
    }
    return t->micros;
  }
  const std::string& bad() const { return bad_; }

 private:
  const json::object& o_;
  std::string bad_;
};

Result<EntryBody> ReadBody(EntryKind kind, const json::object& o) {
  Reader r(o);
  EntryBody body;
  switch (BodyIndexOf(kind)) {
    case 0: {
      ObjectStored b{r.Str("object_id"), r.Str("version"),   r.Str("collection"),
                     r.Str("sha256"),    r.Str("submitter"), Channel::kClient};
      auto c = EnumFrom<Channel>(r.Str("channel"), kChannels, "channel");
      if (!c.ok()) return c.status();
      b.channel = *c;
      body = b;
      break;
    }
    case 1: {
      EgressDecision b{r.Str("object_id"), r.Str("version"), r.Str("peer"),
                       Decision::kSent,    r.Str("rule"),    r.Str("reason")};
      auto d = EnumFrom<Decision>(r.Str("decision"), kDecisions, "decision");
      if (!d.ok()) return d.status();
      b.decision = *d;
      body = b;
      break;
    }
    case 2:
      body = Deletion{r.Str("object_id"), r.Str("version"), r.Str("collection"), r.Str("by"),
                      r.Str("reason")};
      break;
    case 3:
      body = Change{r.Str("subject"), r.Str("action"), r.Str("by"), r.Map("fields")};
      break;
    case 4: {
      RestrictedRead b{r.Str("object_id"), r.Str("version"),  Tlp::kAmber,
                       r.Str("reader"),    r.Str("token_id"), r.Str("via")};
      auto t = EnumFrom<Tlp>(r.Str("tlp"), kTlps, "tlp");
      if (!t.ok()) return t.status();
      b.tlp = *t;
      body = b;
      break;
    }
    case 6: {
      ObjectsStored b;
      b.added_from_us = r.Time("added_from");
      b.added_to_us = r.Time("added_to");
      auto c = EnumFrom<Channel>(r.Str("channel"), kChannels, "channel");
      if (!c.ok()) return c.status();
      b.channel = *c;
      b.collection = r.Str("collection");
      b.count = r.Uint("count");
      b.items_root = r.Str("items_root");
      b.submitter = r.Str("submitter");
      body = b;
      break;
    }
    default:
      body = ActivityEvent{r.Str("subject"), r.Str("event"), r.Str("by"), r.Map("detail")};
  }
  if (!r.bad().empty()) return Status::InvalidArgument(r.bad());
  return body;
}

}  // namespace

std::string_view KindName(EntryKind kind) { return kKindNames[static_cast<int>(kind)]; }

Result<EntryKind> KindFromName(std::string_view name) {
  return EnumFrom<EntryKind>(name, kKindNames, "entry kind");
}

std::string_view EntrySubject(const Entry& entry) {
  return std::visit(
      [](const auto& b) -> std::string_view {
        if constexpr (requires { b.object_id; }) {
          return b.object_id;
        } else if constexpr (requires { b.items_root; }) {
          return b.collection;
        } else {
          return b.subject;
        }
      },
      entry.body);
}

std::vector<std::string> EntryOrganisations(const Entry& e) {
  std::vector<std::string> out;
  if (const auto* b = std::get_if<ObjectStored>(&e.body)) {
    if (b->channel != Channel::kPeer) out.push_back(b->submitter);
  } else if (const auto* s = std::get_if<ObjectsStored>(&e.body)) {
    if (s->channel != Channel::kPeer) out.push_back(s->submitter);
  } else if (const auto* d = std::get_if<Deletion>(&e.body)) {
    out.push_back(d->by);
  } else if (const auto* c = std::get_if<Change>(&e.body)) {
    out.push_back(c->by);
    if (e.kind == EntryKind::kOrganisationChange) out.push_back(c->subject);
    if (auto it = c->fields.find("org"); it != c->fields.end()) out.push_back(it->second);
  } else if (const auto* r = std::get_if<RestrictedRead>(&e.body)) {
    out.push_back(r->reader);
  } else if (const auto* a = std::get_if<ActivityEvent>(&e.body)) {
    out.push_back(a->by);
  }
  return out;
}

std::vector<std::string> EntryPeers(const Entry& e) {
  std::vector<std::string> out;
  if (const auto* b = std::get_if<ObjectStored>(&e.body)) {
    if (b->channel == Channel::kPeer) out.push_back(b->submitter);
  } else if (const auto* s = std::get_if<ObjectsStored>(&e.body)) {
    if (s->channel == Channel::kPeer) out.push_back(s->submitter);
  } else if (const auto* g = std::get_if<EgressDecision>(&e.body)) {
    out.push_back(g->peer);
  } else if (const auto* c = std::get_if<Change>(&e.body)) {
    if (e.kind == EntryKind::kPeerChange) out.push_back(c->subject);
  }
  return out;
}

bool ContainsTokenSecret(std::string_view text) {
  for (size_t pos = text.find("ent_"); pos != std::string_view::npos;
       pos = text.find("ent_", pos + 1)) {
    size_t run = 0;
    for (size_t i = pos + 4; i < text.size(); ++i) {
      char c = text[i];
      bool b64 = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                 c == '-' || c == '_';
      if (!b64) break;
      ++run;
    }
    if (run >= 43) return true;
  }
  return false;
}

Result<std::string> EncodeEntry(const RecordedEntry& e) {
  if (e.entry.body.index() != BodyIndexOf(e.entry.kind)) {
    return Status::InvalidArgument("entry body is not of the type its kind " +
                                   std::string(KindName(e.entry.kind)) + " carries");
  }
  if (const auto* stored = std::get_if<ObjectStored>(&e.entry.body);
      stored != nullptr && !IsLowerHex64(stored->sha256)) {
    return Status::InvalidArgument("object-stored sha256 must be 64 lower-case hex digits");
  }
  if (const auto* batch = std::get_if<ObjectsStored>(&e.entry.body);
      batch != nullptr &&
      (!IsLowerHex64(batch->items_root) || batch->added_from_us < 0 ||
       batch->added_to_us < batch->added_from_us || batch->added_to_us > 253402300799999999 ||
       batch->count >= (uint64_t{1} << 53))) {
    return Status::InvalidArgument(
        "objects-stored needs a 64-hex items_root, an ordered date_added range and a count");
  }
  if (e.time_us < 0 || e.time_us > 253402300799999999) {
    return Status::InvalidArgument("entry time out of range");
  }
  if (e.index >= (uint64_t{1} << 53)) {  // exact as a JSON number (RFC 8785: IEEE double)
    return Status::InvalidArgument("entry index out of range");
  }
  CanonicalWriter w;
  w.out().reserve(512);
  w.Open("body");
  std::visit(BodyWriter{w}, e.entry.body);
  w.Close();
  w.Uint("index", e.index);
  w.Str("kind", KindName(e.entry.kind));
  w.Str("time", FormatTimestamp(e.time_us, 6));
  w.Uint("v", 1);
  w.Close();
  if (!w.refused().empty()) {
    return Status::InvalidArgument(w.refused() + " (" + std::string(KindName(e.entry.kind)) +
                                   " entry)");
  }
  return std::move(w.out());
}

Result<RecordedEntry> ParseEntry(std::string_view text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) return Status::InvalidArgument("entry is not a JSON object");
  const json::object& o = v.get_object();
  const json::value* kind = o.if_contains("kind");
  const json::value* index = o.if_contains("index");
  const json::value* time = o.if_contains("time");
  const json::value* body = o.if_contains("body");
  if (kind == nullptr || !kind->is_string()) return Status::InvalidArgument("entry has no kind");
  if (index == nullptr || !(index->is_uint64() || (index->is_int64() && index->as_int64() >= 0)))
    return Status::InvalidArgument("entry has no index");
  if (time == nullptr || !time->is_string()) return Status::InvalidArgument("entry has no time");
  if (body == nullptr || !body->is_object()) return Status::InvalidArgument("entry has no body");
  RecordedEntry out;
  auto k = KindFromName(kind->get_string());
  if (!k.ok()) return k.status();
  out.entry.kind = *k;
  out.index = index->is_uint64() ? index->get_uint64() : static_cast<uint64_t>(index->as_int64());
  auto ts = ParseTimestamp(time->get_string());
  if (!ts.ok()) return Status::InvalidArgument("entry time: " + ts.status().message());
  out.time_us = ts->micros;
  auto b = ReadBody(*k, body->get_object());
  if (!b.ok()) return b.status();
  out.entry.body = std::move(b).value();
  auto again = EncodeEntry(out);
  if (!again.ok()) return again.status();
  if (*again != text) return Status::InvalidArgument("entry is not in its canonical encoding");
  return out;
}

}  // namespace entente::audit
