#include "cases/hotline.h"

#include <algorithm>
#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <tuple>
#include <utility>

#include "common/timestamp.h"

namespace entente::cases {
namespace {

const boost::json::object* HotlineExt(const boost::json::object& obj) {
  const boost::json::value* exts = obj.if_contains("extensions");
  if (exts == nullptr || !exts->is_object()) return nullptr;
  const boost::json::value* ext = exts->get_object().if_contains(kHotlineExtensionId);
  return ext != nullptr && ext->is_object() ? &ext->get_object() : nullptr;
}

Result<int64_t> TimeOf(const boost::json::object& obj, std::string_view key) {
  auto ts = ParseTimestamp(JsonString(obj, key));
  if (!ts.ok()) return Status::InvalidArgument(std::string(key) + ": " + ts.status().message());
  return ts->micros;
}

bool IsId(std::string_view id, std::string_view prefix) {
  return id.size() > prefix.size() + 2 && id.substr(0, prefix.size()) == prefix &&
         id.substr(prefix.size(), 2) == "--";
}

// The TLP of the message (AMBER unless it carries the AMBER+STRICT marking).
policy::Tlp TlpOf(const boost::json::object& obj) {
  for (const std::string& m : JsonStrings(obj, "object_marking_refs")) {
    policy::Tlp t;
    if (policy::TlpOfMarking(m, &t) && t == policy::Tlp::kAmberStrict) return t;
  }
  return policy::Tlp::kAmber;
}

void CommonParts(boost::json::object& obj, std::string_view id, int64_t at_us, const Message& m,
                 std::string_view by) {
  const std::string at = FormatTimestamp(at_us, 3);
  obj["type"] = "note";
  obj["spec_version"] = "2.1";
  obj["id"] = id;
  obj["created"] = at;
  obj["modified"] = at;
  obj["created_by_ref"] = by;
  obj["object_marking_refs"] = boost::json::array{boost::json::value(TlpMarking(m.tlp))};
}

boost::json::object Extensions(const Message& m, boost::json::object hotline) {
  boost::json::object exts;
  exts[policy::kAudienceExtensionId] = AudienceExtension({m.from, m.to});
  hotline["extension_type"] = "property-extension";
  exts[kHotlineExtensionId] = std::move(hotline);
  return exts;
}

int64_t TruncateToMillis(int64_t us) { return us - us % 1000; }

}  // namespace

std::string_view RecordKindName(RecordKind kind) {
  switch (kind) {
    case RecordKind::kDelivery:
      return "delivery";
    case RecordKind::kAck:
      return "ack";
    case RecordKind::kEscalation:
      return "escalation";
  }
  return "";
}

std::string_view StepName(Step::What what) {
  switch (what) {
    case Step::What::kSent:
      return "sent";
    case Step::What::kDelivered:
      return "delivered";
    case Step::What::kEscalated:
      return "escalated";
    case Step::What::kAcknowledged:
      return "acknowledged";
    case Step::What::kIgnored:
      return "ignored";
  }
  return "";
}

std::string_view PhaseName(Phase phase) {
  switch (phase) {
    case Phase::kWaiting:
      return "waiting";
    case Phase::kOverdue:
      return "overdue";
    case Phase::kUnanswered:
      return "unanswered";
    case Phase::kAcknowledged:
      return "acknowledged";
  }
  return "";
}

std::string HotlineTypeOf(const boost::json::object& obj) {
  const boost::json::object* ext = HotlineExt(obj);
  return ext == nullptr ? std::string() : JsonString(*ext, "hotline_type");
}

std::string DeliveryId(std::string_view message_id) {
  return HotlineDeterministicId("note", std::string("delivery/") + std::string(message_id));
}

std::string EscalationId(std::string_view message_id, int step) {
  return HotlineDeterministicId(
      "note", "escalation/" + std::string(message_id) + "/" + std::to_string(step));
}

Result<Message> ParseMessage(const boost::json::object& obj) {
  if (JsonString(obj, "type") != "note") return Status::InvalidArgument("type: not a note");
  const boost::json::object* ext = HotlineExt(obj);
  if (ext == nullptr) return Status::InvalidArgument("extensions: no hotline extension");
  Message m;
  const std::string type = JsonString(*ext, "hotline_type");
  if (type == "message") {
    m.kind = MessageKind::kRequest;
  } else if (type == "ping") {
    m.kind = MessageKind::kPing;
  } else {
    return Status::InvalidArgument("hotline_type: not a message or a ping");
  }
  m.id = JsonString(obj, "id");
  m.from = JsonString(obj, "created_by_ref");
  m.to = JsonString(*ext, "to_ref");
  if (!IsId(m.id, "note") || !IsId(m.from, "identity") || !IsId(m.to, "identity")) {
    return Status::InvalidArgument("id, created_by_ref, to_ref: a note id and identity ids");
  }
  if (m.from == m.to) return Status::InvalidArgument("to_ref: the sender itself");
  m.chain = JsonStrings(*ext, "contact_refs");
  if (m.chain.empty() || m.chain.size() > 32) {
    return Status::InvalidArgument("contact_refs: 1-32 contacts");
  }
  for (const std::string& c : m.chain) {
    if (!IsId(c, "identity")) return Status::InvalidArgument("contact_refs: identity ids");
  }
  if (m.kind == MessageKind::kPing && m.chain.size() != 1) {
    return Status::InvalidArgument("contact_refs: a ping goes to one contact");
  }
  m.subject = JsonString(obj, "abstract");
  m.body = JsonString(obj, "content");
  m.about = JsonString(*ext, "about_ref");
  auto sent = TimeOf(obj, "created");
  if (!sent.ok()) return sent.status();
  m.sent_us = *sent;
  const boost::json::value* within = ext->if_contains("ack_within_seconds");
  // At most a year, so that deadlines stay far inside the timestamp range.
  if (within == nullptr || !within->is_int64() || within->get_int64() < 1 ||
      within->get_int64() > 366LL * 24 * 3600) {
    return Status::InvalidArgument("ack_within_seconds: an integer 1-31622400");
  }
  m.ack_within_us = within->get_int64() * 1'000'000;
  m.tlp = TlpOf(obj);
  return m;
}

Result<Record> ParseRecord(const boost::json::object& obj) {
  if (JsonString(obj, "type") != "note") return Status::InvalidArgument("type: not a note");
  const boost::json::object* ext = HotlineExt(obj);
  if (ext == nullptr) return Status::InvalidArgument("extensions: no hotline extension");
  Record r;
  const std::string type = JsonString(*ext, "hotline_type");
  if (type == "delivery") {
    r.kind = RecordKind::kDelivery;
  } else if (type == "ack") {
    r.kind = RecordKind::kAck;
  } else if (type == "escalation") {
    r.kind = RecordKind::kEscalation;
  } else {
    return Status::InvalidArgument("hotline_type: not a delivery, ack or escalation");
  }
  r.id = JsonString(obj, "id");
  r.by = JsonString(obj, "created_by_ref");
  r.message = JsonString(*ext, "message_ref");
  if (!IsId(r.id, "note") || !IsId(r.by, "identity") || !IsId(r.message, "note")) {
    return Status::InvalidArgument("id, created_by_ref, message_ref: note and identity ids");
  }
  auto at = TimeOf(obj, "created");
  if (!at.ok()) return at.status();
  r.at_us = *at;
  r.contact = JsonString(*ext, "contact_ref");
  if (!r.contact.empty() && !IsId(r.contact, "identity")) {
    return Status::InvalidArgument("contact_ref: an identity id");
  }
  if (r.kind == RecordKind::kEscalation) {
    const boost::json::value* step = ext->if_contains("step");
    if (step == nullptr || !step->is_int64() || step->get_int64() < 1 || step->get_int64() > 31) {
      return Status::InvalidArgument("step: an integer 1-31");
    }
    r.step = static_cast<int>(step->get_int64());
    if (r.contact.empty()) return Status::InvalidArgument("contact_ref: required");
  }
  if (r.kind == RecordKind::kAck) r.note = JsonString(obj, "content");
  return r;
}

boost::json::object MessageObject(const Message& m) {
  boost::json::object obj;
  CommonParts(obj, m.id, m.sent_us, m, m.from);
  obj["abstract"] = m.subject;
  obj["content"] = m.body.empty() ? m.subject : m.body;
  boost::json::array refs;
  refs.emplace_back(m.chain.front());
  if (!m.about.empty()) refs.emplace_back(m.about);
  obj["object_refs"] = std::move(refs);
  boost::json::object ext;
  ext["hotline_type"] = m.kind == MessageKind::kPing ? "ping" : "message";
  ext["to_ref"] = m.to;
  boost::json::array chain;
  for (const std::string& c : m.chain) chain.emplace_back(c);
  ext["contact_refs"] = std::move(chain);
  ext["ack_within_seconds"] = m.ack_within_us / 1'000'000;
  ext["ack_deadline"] = FormatTimestamp(m.DeadlineOf(0), 3);
  if (!m.about.empty()) ext["about_ref"] = m.about;
  obj["extensions"] = Extensions(m, std::move(ext));
  return obj;
}

boost::json::object RecordObject(const Message& m, const Record& r) {
  boost::json::object obj;
  CommonParts(obj, r.id, r.at_us, m, r.by);
  std::string content;
  switch (r.kind) {
    case RecordKind::kDelivery:
      content = "Delivered to the addressee's node.";
      break;
    case RecordKind::kAck:
      content = r.note.empty() ? "Acknowledged." : r.note;
      break;
    case RecordKind::kEscalation:
      content = "Not acknowledged in time: escalated to the next contact (step " +
                std::to_string(r.step) + ").";
      break;
  }
  obj["content"] = content;
  obj["object_refs"] = boost::json::array{boost::json::value(m.id)};
  boost::json::object ext;
  ext["hotline_type"] = RecordKindName(r.kind);
  ext["message_ref"] = m.id;
  if (!r.contact.empty()) ext["contact_ref"] = r.contact;
  if (r.kind == RecordKind::kEscalation) {
    ext["step"] = r.step;
    ext["ack_deadline"] = FormatTimestamp(m.DeadlineOf(static_cast<size_t>(r.step)), 3);
  }
  obj["extensions"] = Extensions(m, std::move(ext));
  return obj;
}

namespace {

struct Stored {
  std::string owner;
  int64_t date_added_us = 0;
  std::string version;  // the stored version (modified)
};

// The hotline notes of a collection, read: messages (those whose sender speaks for
// itself) and records, by id, newest stored version of each.
struct Held {
  std::map<std::string, std::pair<Message, Stored>> messages;
  std::map<std::string, std::pair<Record, Stored>> records;
};

// Reads the hotline notes of `collection_id` that `visible` lets through (every version
// added after `after_us` when given, else the newest of each) into *held; *last_us gets
// the newest date_added read. Messages and records in `skip` (by message id) are left out.
// `max_rows` > 0: the scan stops after that many rows of any type (*capped set when it
// did): the collection's rows are read unfiltered by type so that the bound holds
// whatever else the collection holds (the store has no index by type).
Status ReadHotline(store::Store& store, std::string_view collection_id, const NodeParties& parties,
                   std::function<bool(const policy::Labels&)> visible,
                   std::optional<int64_t> after_us, const std::set<std::string>& skip, Held* held,
                   int64_t* last_us, size_t max_rows = 0, bool* capped = nullptr) {
  store::ObjectQuery q;
  q.collection_id = std::string(collection_id);
  if (max_rows == 0) q.types = {"note"};
  q.visible = std::move(visible);
  if (after_us) {
    q.added_after_us = *after_us;
    q.match_last = false;
    q.match_all = true;
  }
  size_t read = 0;
  return store.ScanObjects(q, [&](const store::ObjectRow& row) {
    if (max_rows > 0) {
      if (read == max_rows) {
        if (capped != nullptr) *capped = true;
        return store::ScanAction::kStop;
      }
      ++read;
      if (row.type != "note") return store::ScanAction::kContinue;
    }
    if (last_us != nullptr) *last_us = std::max(*last_us, row.date_added_us);
    if (row.json.find(kHotlineExtensionId) == std::string_view::npos) {
      return store::ScanAction::kContinue;
    }
    boost::system::error_code ec;
    boost::json::value v = boost::json::parse(row.json, ec);
    if (ec || !v.is_object()) return store::ScanAction::kContinue;
    const std::string type = HotlineTypeOf(v.get_object());
    Stored where{row.labels.owner_org, row.date_added_us, std::string(row.version)};
    // The newest version of an id wins, whatever order the versions arrived in.
    auto newer = [&](const auto& map, const std::string& id) {
      auto it = map.find(id);
      return it == map.end() || it->second.second.version <= where.version;
    };
    if (type == "message" || type == "ping") {
      auto m = ParseMessage(v.get_object());
      // A message counts only from where its sender lives.
      if (m.ok() && SpeaksFor(parties, where.owner, m->from) && skip.count(m->id) == 0 &&
          newer(held->messages, m->id)) {
        std::string id = m->id;
        held->messages.insert_or_assign(std::move(id), std::make_pair(std::move(*m), where));
      }
    } else if (auto r = ParseRecord(v.get_object()); r.ok()) {
      if (skip.count(r->message) == 0 && newer(held->records, r->id)) {
        std::string id = r->id;
        held->records.insert_or_assign(std::move(id), std::make_pair(std::move(*r), where));
      }
    }
    return store::ScanAction::kContinue;
  });
}

// The state of every held message as of `now_us`, by send time.
std::vector<MessageState> Fold(const Held& held, const NodeParties& parties, int64_t now_us) {
  const auto& messages = held.messages;
  std::vector<std::pair<Record, Stored>> records;
  records.reserve(held.records.size());
  for (const auto& [id, entry] : held.records) records.push_back(entry);
  std::map<std::string, MessageState> states;
  for (auto& [id, entry] : messages) {
    MessageState st;
    st.message = entry.first;
    const Message& m = st.message;
    st.steps.push_back(
        {Step::What::kSent, m.sent_us, m.from, m.chain.front(), m.DeadlineOf(0), ""});
    states.emplace(id, std::move(st));
  }
  std::sort(records.begin(), records.end(), [](const auto& a, const auto& b) {
    return std::tie(a.first.at_us, a.first.id) < std::tie(b.first.at_us, b.first.id);
  });
  for (auto& [r, where] : records) {
    auto it = states.find(r.message);
    if (it == states.end()) continue;  // a record of a message not held (or not shown)
    MessageState& st = it->second;
    const Message& m = st.message;
    std::string why;
    const std::string& entitled = r.kind == RecordKind::kEscalation ? m.from : m.to;
    if (r.by != entitled) {
      why = std::string(RecordKindName(r.kind)) + " made by " + r.by + ", not by " + entitled;
    } else if (!SpeaksFor(parties, where.owner, r.by)) {
      why = std::string(RecordKindName(r.kind)) + " claiming " + r.by +
            " did not come from where that organisation lives";
    } else if (r.kind == RecordKind::kEscalation &&
               (static_cast<size_t>(r.step) >= m.chain.size() ||
                r.contact != m.chain[static_cast<size_t>(r.step)] ||
                r.id != EscalationId(m.id, r.step) ||
                r.at_us != m.DeadlineOf(static_cast<size_t>(r.step) - 1))) {
      why = "escalation step " + std::to_string(r.step) + " does not follow the message's chain";
    }
    if (!why.empty()) {
      st.steps.push_back({Step::What::kIgnored, r.at_us, r.by, r.contact, 0, why});
      continue;
    }
    switch (r.kind) {
      case RecordKind::kDelivery:
        if (st.delivered) break;
        st.delivered = true;
        st.delivered_us = r.at_us;
        st.steps.push_back({Step::What::kDelivered, r.at_us, r.by, "", 0, ""});
        break;
      case RecordKind::kAck:
        st.steps.push_back({Step::What::kAcknowledged, r.at_us, r.by, r.contact, 0, r.note});
        if (st.acknowledged) break;
        st.acknowledged = true;
        st.ack_us = r.at_us;
        st.ack_contact = r.contact;
        st.ack_in_time = r.at_us <= m.DeadlineOf(0);
        break;
      case RecordKind::kEscalation:
        st.steps.push_back({Step::What::kEscalated, r.at_us, r.by, r.contact,
                            m.DeadlineOf(static_cast<size_t>(r.step)), ""});
        st.current = std::max(st.current, static_cast<size_t>(r.step));
        break;
    }
  }
  std::vector<MessageState> out;
  for (auto& [id, st] : states) {
    const Message& m = st.message;
    st.deadline_us = m.DeadlineOf(st.current);
    if (st.acknowledged) {
      st.phase = Phase::kAcknowledged;
    } else if (now_us < st.deadline_us) {
      st.phase = Phase::kWaiting;
    } else if (st.current + 1 < m.chain.size()) {
      st.phase = Phase::kOverdue;
    } else {
      st.phase = Phase::kUnanswered;
    }
    std::stable_sort(st.steps.begin(), st.steps.end(),
                     [](const Step& a, const Step& b) { return a.at_us < b.at_us; });
    out.push_back(std::move(st));
  }
  std::sort(out.begin(), out.end(), [](const MessageState& a, const MessageState& b) {
    return std::tie(a.message.sent_us, a.message.id) < std::tie(b.message.sent_us, b.message.id);
  });
  // When each message arrived on this node: the delivery time a tick records.
  for (MessageState& st : out) {
    st.stored_us = messages.at(st.message.id).second.date_added_us;
  }
  return out;
}

// Stores what is due in `states` (see Tick) in one transaction.
Result<TickReport> TickStates(store::Store& store, const store::Collection& collection,
                              const NodeParties& parties, const std::vector<MessageState>& states,
                              int64_t now_us) {
  TickReport report;
  // Everything due is admitted first and stored in one transaction (a burst of
  // deliveries costs one commit, not one each); a crash before the commit stores none of
  // it, and the next tick makes the same objects again.
  std::vector<store::NewObject> rows;
  std::vector<std::pair<RecordKind, std::string>> what;  // per row: kind, message id
  auto add = [&](const store::Organisation& as, const Message& m, const Record& r) {
    store::NewObject row;
    Status s = AdmitAs(collection, parties, as, RecordObject(m, r), &row);
    if (!s.ok()) {
      report.problems.push_back(std::string(RecordKindName(r.kind)) + " of " + m.id + ": " +
                                s.message());
      return false;
    }
    rows.push_back(std::move(row));
    what.emplace_back(r.kind, m.id);
    return true;
  };
  for (const MessageState& st : states) {
    const Message& m = st.message;
    // Deliveries: messages to an organisation of this node.
    if (!st.delivered) {
      if (const store::Organisation* to = LocalOrgWithIdentity(parties, m.to)) {
        Record r;
        r.id = DeliveryId(m.id);
        r.kind = RecordKind::kDelivery;
        r.message = m.id;
        r.by = m.to;
        r.at_us = TruncateToMillis(st.stored_us);
        add(*to, m, r);
      }
    }
    // Escalations: unacknowledged messages from an organisation of this node.
    if (st.acknowledged) continue;
    const store::Organisation* from = LocalOrgWithIdentity(parties, m.from);
    if (from == nullptr) continue;
    std::vector<bool> recorded(m.chain.size(), false);
    for (const Step& step : st.steps) {
      if (step.what != Step::What::kEscalated) continue;
      for (size_t k = 1; k < m.chain.size(); ++k) {
        if (m.chain[k] == step.contact && m.DeadlineOf(k - 1) == step.at_us) recorded[k] = true;
      }
    }
    for (size_t k = 1; k < m.chain.size() && now_us >= m.DeadlineOf(k - 1); ++k) {
      if (recorded[k]) continue;
      Record r;
      r.id = EscalationId(m.id, static_cast<int>(k));
      r.kind = RecordKind::kEscalation;
      r.message = m.id;
      r.by = m.from;
      r.at_us = m.DeadlineOf(k - 1);  // when it was due: the same object whenever it is made
      r.contact = m.chain[k];
      r.step = static_cast<int>(k);
      if (!add(*from, m, r)) break;
    }
  }
  if (rows.empty()) return report;
  auto added = store.AddObjects(collection.id, rows);
  if (!added.ok()) return added.status();
  for (size_t i = 0; i < rows.size(); ++i) {
    const store::AddResult& a = (*added)[i];
    const auto& [kind, message] = what[i];
    if (a.outcome == store::AddOutcome::kAdded) {
      ++(kind == RecordKind::kDelivery ? report.deliveries : report.escalations);
    } else if (a.outcome == store::AddOutcome::kNotOwner) {
      report.problems.push_back(std::string(RecordKindName(kind)) + " " + rows[i].id + " of " +
                                message + ": its id is held by another organisation");
    }
  }
  return report;
}

// True when nothing will ever be due for the message on this node: delivered (or not to
// an organisation of this node) and acknowledged, or not from one, or every escalation
// step of its chain recorded.
bool Settled(const MessageState& st, const NodeParties& parties) {
  const Message& m = st.message;
  const bool delivery_done = st.delivered || LocalOrgWithIdentity(parties, m.to) == nullptr;
  const bool escalation_done = st.acknowledged ||
                               LocalOrgWithIdentity(parties, m.from) == nullptr ||
                               st.current + 1 >= m.chain.size();
  return delivery_done && escalation_done;
}

}  // namespace

Result<std::vector<MessageState>> LoadMessages(store::Store& store, std::string_view collection_id,
                                               const NodeParties& parties, int64_t now_us,
                                               std::function<bool(const policy::Labels&)> visible,
                                               size_t max_rows, bool* capped) {
  Held held;
  if (capped != nullptr) *capped = false;
  ENTENTE_RETURN_IF_ERROR(ReadHotline(store, collection_id, parties, std::move(visible),
                                      std::nullopt, {}, &held, nullptr, max_rows, capped));
  return Fold(held, parties, now_us);
}

Result<Message> Send(store::Store& store, const store::Collection& collection,
                     const NodeParties& parties, const store::Organisation& from,
                     const SendRequest& request, std::string id, int64_t now_us) {
  if (from.identity_id.empty()) {
    return Status::InvalidArgument("organisation " + from.id + " has no STIX identity");
  }
  if (request.tlp != policy::Tlp::kAmber && request.tlp != policy::Tlp::kAmberStrict) {
    return Status::InvalidArgument(
        "a hotline message is AMBER or AMBER+STRICT (its addressee and its sender are its "
        "recipients)");
  }
  if (request.subject.empty() || request.subject.size() > 1000) {
    return Status::InvalidArgument("subject: 1-1000 characters");
  }
  if (request.body.size() > 100000) return Status::InvalidArgument("body: at most 100000 bytes");
  if (request.ack_within_us < 1'000'000 || request.ack_within_us > 366LL * 24 * 3600 * 1'000'000) {
    return Status::InvalidArgument("the time to acknowledge is 1 second to 366 days");
  }
  if (request.to.org_identity == from.identity_id) {
    return Status::InvalidArgument("a message to one's own organisation is not a hotline call");
  }
  if (request.chain.empty() || request.chain.front().id != request.to.id) {
    return Status::InvalidArgument("the escalation chain starts with the addressed contact");
  }
  if (request.kind == MessageKind::kPing && request.chain.size() != 1) {
    return Status::InvalidArgument("a ping goes to one contact and does not escalate");
  }
  Message m;
  m.id = std::move(id);
  m.kind = request.kind;
  m.from = from.identity_id;
  m.to = request.to.org_identity;
  for (const Contact& c : request.chain) {
    if (c.org_identity != m.to) {
      return Status::InvalidArgument("contact " + c.id + " is not of the addressee");
    }
    if (m.chain.size() < 32) m.chain.push_back(c.id);
  }
  m.subject = request.subject;
  m.body = request.body;
  m.about = request.about;
  m.sent_us = TruncateToMillis(now_us);
  m.ack_within_us = request.ack_within_us - request.ack_within_us % 1'000'000;
  m.tlp = request.tlp;
  auto added = StoreAs(store, collection, parties, from, MessageObject(m));
  if (!added.ok()) return added.status();
  if (added->outcome == store::AddOutcome::kNotOwner) {
    return Status::Internal("message id " + m.id + " is taken");
  }
  return m;
}

Result<Record> Acknowledge(store::Store& store, const store::Collection& collection,
                           const NodeParties& parties, const store::Organisation& by,
                           std::string_view message_id, std::string_view contact,
                           std::string_view note, std::string id, int64_t now_us) {
  policy::Requester reader;
  reader.org_id = by.id;
  reader.identity_id = by.identity_id;
  reader.client_of = by.client_of;
  reader.communities = by.communities;
  auto all = LoadMessages(store, collection.id, parties, now_us,
                          [reader](const policy::Labels& l) { return policy::MayRead(reader, l); });
  if (!all.ok()) return all.status();
  const MessageState* found = nullptr;
  for (const MessageState& st : *all) {
    if (st.message.id == message_id) found = &st;
  }
  if (found == nullptr) {
    return Status::NotFound("no hotline message " + std::string(message_id) + " for " + by.id +
                            " in collection " + collection.id);
  }
  const Message& m = found->message;
  if (by.identity_id.empty() || by.identity_id != m.to) {
    // The rule this refuses: only the addressee acknowledges (docs/cases.md, "Hotline").
    return Status::PermissionDenied("organisation " + by.id +
                                    " is not the addressee of this message; only the "
                                    "addressee acknowledges it");
  }
  if (!contact.empty() && std::find(m.chain.begin(), m.chain.end(), contact) == m.chain.end()) {
    return Status::InvalidArgument("contact " + std::string(contact) +
                                   " is not one this message was addressed to");
  }
  if (note.size() > 10000) return Status::InvalidArgument("note: at most 10000 bytes");
  Record r;
  r.id = std::move(id);
  r.kind = RecordKind::kAck;
  r.message = m.id;
  r.by = by.identity_id;
  r.at_us = TruncateToMillis(now_us);
  r.contact = std::string(contact);
  r.note = std::string(note);
  auto added = StoreAs(store, collection, parties, by, RecordObject(m, r));
  if (!added.ok()) return added.status();
  if (added->outcome == store::AddOutcome::kNotOwner) {
    return Status::Internal("acknowledgement id " + r.id + " is taken");
  }
  return r;
}

Result<TickReport> Tick(store::Store& store, const store::Collection& collection,
                        const NodeParties& parties, int64_t now_us) {
  auto all = LoadMessages(store, collection.id, parties, now_us);
  if (!all.ok()) return all.status();
  return TickStates(store, collection, parties, *all, now_us);
}

struct HotlineWatch::State {
  int64_t cursor_us = -1;         // date_added of the newest row read
  Held held;                      // messages that may still need a step, and their records
  std::set<std::string> settled;  // messages for which nothing will be due here
};

HotlineWatch::HotlineWatch(store::Store& store) : store_(store) {}
HotlineWatch::~HotlineWatch() = default;

Result<TickReport> HotlineWatch::Tick(const store::Collection& collection,
                                      const NodeParties& parties, int64_t now_us) {
  auto& slot = states_[collection.id];
  if (!slot) slot = std::make_unique<State>();
  State& st = *slot;
  const std::optional<int64_t> after =
      st.cursor_us >= 0 ? std::optional<int64_t>(st.cursor_us) : std::nullopt;
  int64_t last = st.cursor_us;
  Status read = ReadHotline(store_, collection.id, parties, {}, after, st.settled, &st.held, &last);
  if (!read.ok()) {
    states_.erase(collection.id);  // read everything again next time
    return read;
  }
  st.cursor_us = last;
  const std::vector<MessageState> states = Fold(st.held, parties, now_us);
  auto report = TickStates(store_, collection, parties, states, now_us);
  if (!report.ok()) return report;
  // Forget what will never need a step again (what the tick just stored is read back at
  // the next one: a message delivered now settles then).
  for (const MessageState& m : states) {
    if (!Settled(m, parties)) continue;
    st.settled.insert(m.message.id);
    st.held.messages.erase(m.message.id);
  }
  std::erase_if(st.held.records, [&](const auto& entry) {
    return st.settled.count(entry.second.first.message) > 0;
  });
  return report;
}

size_t HotlineWatch::HeldMessages(std::string_view collection_id) const {
  auto it = states_.find(std::string(collection_id));
  return it == states_.end() ? 0 : it->second->held.messages.size();
}

std::vector<ReachStats> ComputeStats(const std::vector<MessageState>& messages) {
  using Key = std::tuple<std::string, int, std::string>;
  std::map<Key, std::pair<ReachStats, std::vector<int64_t>>> by_org;
  for (const MessageState& st : messages) {
    const Message& m = st.message;
    const std::string contact = m.kind == MessageKind::kPing ? m.chain.front() : "";
    auto& [stats, times] = by_org[Key{m.to, static_cast<int>(m.kind), contact}];
    stats.org = m.to;
    stats.contact = contact;
    stats.kind = m.kind;
    ++stats.sent;
    if (st.delivered) ++stats.delivered;
    if (st.current > 0) ++stats.escalated;
    if (st.acknowledged) {
      ++stats.acknowledged;
      if (st.ack_in_time) ++stats.in_time;
      times.push_back(std::max<int64_t>(0, st.ack_us - m.sent_us));
    }
  }
  std::vector<ReachStats> out;
  for (auto& [key, entry] : by_org) {
    auto& [stats, times] = entry;
    if (!times.empty()) {
      std::sort(times.begin(), times.end());
      stats.median_ack_us = times[(times.size() - 1) / 2];
      stats.max_ack_us = times.back();
    }
    out.push_back(stats);
  }
  return out;
}

}  // namespace entente::cases
