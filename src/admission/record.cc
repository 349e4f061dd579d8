#include "admission/record.h"

#include <openssl/evp.h>

#include <utility>

#include "common/env.h"

namespace entente::admission {
namespace {

// SHA-256 of `data` as 64 lower-case hex digits: common/env.h Sha256Hex's answer, through
// OpenSSL, whose SHA-256 uses the processor's SHA extensions where it has them (several
// times faster than the portable code on the ingest path, where every object is hashed).
std::string ObjectSha256Hex(std::string_view data) {
  static EVP_MD* const sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (sha256 == nullptr ||
      EVP_Digest(data.data(), data.size(), digest, &length, sha256, nullptr) != 1 || length != 32) {
    return Sha256Hex(data);
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(64, '0');
  for (unsigned int i = 0; i < 32; ++i) {
    out[2 * i] = kHex[digest[i] >> 4];
    out[2 * i + 1] = kHex[digest[i] & 15];
  }
  return out;
}

audit::Channel ChannelOf(std::string_view name) {
  if (name == "client") return audit::Channel::kClient;
  if (name == "peer") return audit::Channel::kPeer;
  if (name == "sensor") return audit::Channel::kSensor;
  return audit::Channel::kLocal;
}

}  // namespace

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
  std::vector<audit::Entry> entries;
  for (size_t i = 0; i < objects.size() && i < results.size(); ++i) {
    if (results[i].outcome != store::AddOutcome::kAdded) continue;
    const store::NewObject& o = objects[i];
    audit::ObjectStored stored;
    stored.object_id = o.id;
    stored.version = o.version;
    stored.collection = std::string(collection_id);
    stored.sha256 = ObjectSha256Hex(o.json);
    stored.submitter = o.submitter.empty() ? o.labels.owner_org : o.submitter;
    stored.channel = ChannelOf(o.channel);
    entries.push_back({audit::EntryKind::kObjectStored, std::move(stored)});
  }
  return AppendAll(entries);
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
