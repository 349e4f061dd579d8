#include "admission/record.h"

// SHA256_Init and friends: deprecated in OpenSSL 3 in favour of EVP, still provided, and
// without EVP's per-call set-up (which costs as much as hashing a 500-byte object).
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/sha.h>

#include <algorithm>
#include <memory>
#include <utility>

#include "audit/stored_batch.h"
#include "common/env.h"

namespace entente::admission {
namespace {

audit::Channel ChannelOf(std::string_view name) {
  if (name == "client") return audit::Channel::kClient;
  if (name == "peer") return audit::Channel::kPeer;
  if (name == "sensor") return audit::Channel::kSensor;
  return audit::Channel::kLocal;
}

}  // namespace

std::string ObjectSha256Hex(std::string_view data) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256_CTX ctx;
  if (SHA256_Init(&ctx) != 1 || SHA256_Update(&ctx, data.data(), data.size()) != 1 ||
      SHA256_Final(digest, &ctx) != 1) {
    return Sha256Hex(data);
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(64, '0');
  for (unsigned int i = 0; i < SHA256_DIGEST_LENGTH; ++i) {
    out[2 * i] = kHex[digest[i] >> 4];
    out[2 * i + 1] = kHex[digest[i] & 15];
  }
  return out;
}

void PrepareRecordItem(store::NewObject* o) {
  o->sha256 = ObjectSha256Hex(o->json);
  o->record_leaf.clear();
  // The item's text, in a buffer kept per thread: one allocation per parser, not per object.
  thread_local std::string text;
  text.clear();
  if (!audit::AppendItemText(o->id, o->version, o->sha256, &text).ok()) return;
  const audit::Hash leaf = audit::HashLeaf(text);
  o->record_leaf.assign(reinterpret_cast<const char*>(leaf.data()), leaf.size());
}

std::optional<audit::Entry> RestrictedReadOf(const store::ObjectRow& row, std::string reader,
                                             std::string token_id, std::string via) {
  audit::Tlp tlp;
  switch (row.labels.tlp) {
    case policy::Tlp::kAmber:
      tlp = audit::Tlp::kAmber;
      break;
    case policy::Tlp::kAmberStrict:
      tlp = audit::Tlp::kAmberStrict;
      break;
    case policy::Tlp::kRed:
      tlp = audit::Tlp::kRed;
      break;
    default:
      return std::nullopt;
  }
  return audit::Entry{
      audit::EntryKind::kRestrictedRead,
      audit::RestrictedRead{std::string(row.id), std::string(row.version), tlp, std::move(reader),
                            std::move(token_id), std::move(via)}};
}

std::string_view RecordChannelName(const Submitter& submitter) {
  if (submitter.sensor) return "sensor";
  switch (submitter.channel) {
    case Channel::kClient:
      return "client";
    case Channel::kPeer:
      return "peer";
    case Channel::kOperator:
      break;
  }
  return "local";
}

Status RecordUnavailable(const Status& cause) {
  return Status::Unavailable("the node's record cannot be written (" + cause.message() +
                             "); nothing was changed");
}

Status StoreRecorder::AppendAll(const std::vector<audit::Entry>& entries) {
  if (entries.empty()) return Status::Ok();
  auto appended = log_->Append(entries);
  if (!appended.ok()) return RecordUnavailable(appended.status());
  return Status::Ok();
}

Status StoreRecorder::ObjectsAdded(std::string_view collection_id,
                                   const std::vector<store::NewObject>& objects,
                                   const std::vector<store::AddResult>& results) {
  // One objects-stored entry per (submitter, channel) among the versions added, in the
  // order they first appear (a batch almost always has one). The lists are kept per
  // thread between calls, so that a batch's megabyte of items is not allocated anew.
  thread_local std::vector<audit::ItemLeaves> lists;
  std::vector<audit::Entry> entries;
  size_t used = 0;
  for (size_t i = 0; i < objects.size() && i < results.size(); ++i) {
    if (results[i].outcome != store::AddOutcome::kAdded) continue;
    const store::NewObject& o = objects[i];
    const std::string& submitter = o.submitter.empty() ? o.labels.owner_org : o.submitter;
    const audit::Channel channel = ChannelOf(o.channel);
    size_t g = 0;
    while (g < used) {
      const auto& head = std::get<audit::ObjectsStored>(entries[g].body);
      if (head.submitter == submitter && head.channel == channel) break;
      ++g;
    }
    const int64_t added = results[i].date_added_us;
    if (g == used) {
      audit::ObjectsStored head;
      head.collection = std::string(collection_id);
      head.submitter = submitter;
      head.channel = channel;
      head.added_from_us = head.added_to_us = added;
      entries.push_back({audit::EntryKind::kObjectsStored, std::move(head)});
      if (lists.size() <= used) lists.emplace_back();
      lists[used].Clear();
      lists[used].Reserve(results.size());
      ++used;
    }
    auto& head = std::get<audit::ObjectsStored>(entries[g].body);
    head.added_from_us = std::min(head.added_from_us, added);
    head.added_to_us = std::max(head.added_to_us, added);
    Status s;
    if (o.record_leaf.size() == 32) {
      audit::Hash leaf;
      std::copy(o.record_leaf.begin(), o.record_leaf.end(), leaf.begin());
      lists[g].AddLeaf(leaf);
    } else if (o.sha256.empty()) {
      // Not through admission: the item made from the stored text exactly as `evidence
      // export` makes it again (audit::ItemOfStoredJson), so that its leaf is found.
      auto item = audit::ItemOfStoredJson(o.id, o.version, o.json);
      if (!item.ok()) return RecordUnavailable(item.status());
      lists[g].AddLeaf(audit::HashLeaf(*item));
    } else {
      s = lists[g].Add({o.id, o.version, o.sha256});
    }
    if (!s.ok()) return RecordUnavailable(s);
  }
  if (used == 0) return Status::Ok();
  // count and items_root are set by Append, from the items.
  auto appended = log_->Append(entries, std::span<const audit::ItemLeaves>(lists.data(), used));
  if (!appended.ok()) return RecordUnavailable(appended.status());
  return Status::Ok();
}

Status StoreRecorder::VersionsDeleted(std::string_view collection_id, std::string_view id,
                                      const std::vector<std::string>& removed,
                                      std::string_view owner_org) {
  std::vector<audit::Entry> entries;
  for (const std::string& version : removed) {
    audit::Deletion d;
    d.object_id = std::string(id);
    d.version = version;
    d.collection = std::string(collection_id);
    d.by = store::ActingFor::Current();
    if (!owner_org.empty() && owner_org != d.by) d.reason = "owned by " + std::string(owner_org);
    entries.push_back({audit::EntryKind::kDeletion, std::move(d)});
  }
  return AppendAll(entries);
}

Status StoreRecorder::ConfigChanged(const store::ConfigChange& change) {
  audit::Change c;
  c.subject = change.id;
  c.action = change.action;
  c.by = store::ActingFor::Current();
  c.fields = change.fields;
  std::vector<audit::Entry> entries;
  switch (change.what) {
    case store::ConfigChange::Subject::kOrganisation:
      entries.push_back({audit::EntryKind::kOrganisationChange, c});
      break;
    case store::ConfigChange::Subject::kToken:
      entries.push_back({audit::EntryKind::kTokenChange, c});
      break;
    case store::ConfigChange::Subject::kCollection:
      entries.push_back({audit::EntryKind::kGrantChange, c});
      break;
    case store::ConfigChange::Subject::kPeer: {
      entries.push_back({audit::EntryKind::kPeerChange, c});
      // Sovereignty rules live in a peer's configuration: setting them is their change.
      auto rules = change.fields.find("rules");
      if (rules != change.fields.end() && !rules->second.empty() && rules->second != "[]") {
        audit::Change s;
        s.subject = change.id;
        s.action = "set";
        s.by = c.by;
        s.fields = {{"rules", rules->second}};
        entries.push_back({audit::EntryKind::kSovereigntyChange, std::move(s)});
      }
      break;
    }
  }
  return AppendAll(entries);
}

}  // namespace entente::admission
