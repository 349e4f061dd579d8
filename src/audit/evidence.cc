// Evidence packages: the JSON form and the offline check.
#include "audit/evidence.h"

#include "audit/stored_batch.h"

#include <sodium.h>

#include <boost/json.hpp>
#include <map>
#include <tuple>

#include "common/env.h"
#include "common/timestamp.h"
#include "stix/deterministic_id.h"

namespace entente::audit {
namespace {

namespace json = boost::json;

json::array HashesToJson(const std::vector<Hash>& hashes) {
  json::array out;
  for (const Hash& h : hashes) out.emplace_back(HashHex(h));
  return out;
}

json::value HeadToJson(const SignedHead& head) { return json::parse(FormatSignedHead(head)); }

// Readers of members; each returns false (and says what) when the member is not there
// in the form wanted.
struct Reader {
  std::string* error;

  const json::value* Member(const json::object& o, std::string_view key, std::string_view where) {
    const json::value* v = o.if_contains(key);
    if (v == nullptr) *error = std::string(where) + ": member \"" + std::string(key) + "\" missing";
    return v;
  }
  bool String(const json::object& o, std::string_view key, std::string_view where,
              std::string* out) {
    const json::value* v = Member(o, key, where);
    if (v == nullptr) return false;
    if (!v->is_string()) {
      *error = std::string(where) + ": \"" + std::string(key) + "\" is not a string";
      return false;
    }
    *out = std::string(v->get_string());
    return true;
  }
  bool Array(const json::object& o, std::string_view key, std::string_view where,
             const json::array** out) {
    const json::value* v = Member(o, key, where);
    if (v == nullptr) return false;
    if (!v->is_array()) {
      *error = std::string(where) + ": \"" + std::string(key) + "\" is not an array";
      return false;
    }
    *out = &v->get_array();
    return true;
  }
  bool Hashes(const json::object& o, std::string_view key, std::string_view where,
              std::vector<Hash>* out) {
    const json::array* a = nullptr;
    if (!Array(o, key, where, &a)) return false;
    for (const json::value& h : *a) {
      Result<Hash> parsed = h.is_string() ? HashFromHex(h.get_string())
                                          : Result<Hash>(Status::InvalidArgument("not a string"));
      if (!parsed.ok()) {
        *error = std::string(where) + ": \"" + std::string(key) +
                 "\" holds something that is not 64 hex digits";
        return false;
      }
      out->push_back(*parsed);
    }
    return true;
  }
  bool Head(const json::object& o, std::string_view key, std::string_view where, SignedHead* out) {
    const json::value* v = Member(o, key, where);
    if (v == nullptr) return false;
    auto parsed = v->is_object() ? ParseSignedHead(stix::CanonicalJson(*v))
                                 : Result<SignedHead>(Status::InvalidArgument("not an object"));
    if (!parsed.ok()) {
      *error = std::string(where) + ": \"" + std::string(key) +
               "\" is not a signed head: " + parsed.status().message();
      return false;
    }
    *out = *parsed;
    return true;
  }
};

Result<uint64_t> IndexOf(const json::value& v) {
  if (v.is_uint64()) return v.get_uint64();
  if (v.is_int64() && v.get_int64() >= 0) return static_cast<uint64_t>(v.get_int64());
  return Status::InvalidArgument("not a non-negative integer");
}

std::string ObjectName(const EvidenceObject& o) {
  return "object " + o.id + " version " + (o.version.empty() ? "(none)" : o.version);
}

}  // namespace

Result<PublicKey> PublicKeyFromHex(std::string_view hex) {
  auto h = HashFromHex(hex);  // same length: 32 bytes
  if (!h.ok()) return Status::InvalidArgument("a public key is 64 hex digits");
  PublicKey k;
  std::copy(h->begin(), h->end(), k.begin());
  return k;
}

Result<std::string> ObjectDigest(std::string_view text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec) return Status::InvalidArgument("not JSON: " + ec.message());
  return Sha256Hex(stix::CanonicalJson(v));
}

Status AddCustody(AuditLog& log, const std::vector<std::string>& subjects,
                  EvidencePackage* package) {
  const uint64_t size = package->head.head.tree_size;
  std::map<uint64_t, std::string> found;
  for (const std::string& subject : subjects) {
    EntryFilter filter;
    filter.subject = subject;
    auto listed = log.List(filter);
    if (!listed.ok()) return listed.status();
    for (const RecordedEntry& e : *listed) {
      if (e.index >= size) continue;
      auto text = EncodeEntry(e);
      if (!text.ok()) return text.status();
      found.emplace(e.index, std::move(*text));
    }
  }
  std::map<uint64_t, std::map<uint64_t, EvidenceItem>> items;  // entry -> item index -> item
  for (const EvidenceObject& o : package->objects) {
    if (o.added_us == 0) continue;
    // The version's item made again from the object as stored, found by its leaf.
    auto item = ItemOfStoredJson(o.id, o.version, o.json);
    if (!item.ok()) return item.status();
    auto stored = log.FindStored(o.collection, *item, o.added_us, size);
    if (!stored.ok()) return stored.status();
    for (StoredVersionProof& v : *stored) {
      if (!found.contains(v.entry_index)) {
        auto raw = log.RawEntries(v.entry_index, 1);
        if (!raw.ok()) return raw.status();
        if (raw->empty() || raw->front().index != v.entry_index) {
          return Status::Corruption("record entry " + std::to_string(v.entry_index) +
                                    " is missing (run `entente log verify`)");
        }
        found.emplace(v.entry_index, std::move(raw->front().text));
      }
      items[v.entry_index].emplace(
          v.item_index, EvidenceItem{v.item_index, std::move(v.item), std::move(v.proof)});
    }
  }
  for (auto& [index, text] : found) {
    auto proof = log.InclusionProof(index, size);
    if (!proof.ok()) return proof.status();
    EvidenceEntry e{index, std::move(text), std::move(*proof), {}};
    if (auto it = items.find(index); it != items.end()) {
      for (auto& [i, item] : it->second) e.items.push_back(std::move(item));
    }
    package->entries.push_back(std::move(e));
  }
  return Status::Ok();
}

std::string FormatPackage(const EvidencePackage& p) {
  json::array objects;
  for (const EvidenceObject& o : p.objects) {
    objects.emplace_back(json::object{
        {"id", o.id}, {"version", o.version}, {"collection", o.collection}, {"json", o.json}});
  }
  json::array entries;
  for (const EvidenceEntry& e : p.entries) {
    json::object entry{{"index", e.index}, {"text", e.text}, {"proof", HashesToJson(e.proof)}};
    if (!e.items.empty()) {
      json::array items;
      for (const EvidenceItem& i : e.items) {
        items.emplace_back(
            json::object{{"index", i.index}, {"text", i.text}, {"proof", HashesToJson(i.proof)}});
      }
      entry["items"] = std::move(items);
    }
    entries.emplace_back(std::move(entry));
  }
  json::array witnessed;
  for (const EvidenceWitness& w : p.witnessed) {
    witnessed.emplace_back(json::object{{"peer", w.peer},
                                        {"head", HeadToJson(w.head)},
                                        {"consistency", HashesToJson(w.consistency)}});
  }
  // Members in a fixed order, one per line, so that a reader can page through it.
  std::vector<std::pair<std::string, json::value>> members = {
      {"format", json::string(kEvidenceFormat)},
      {"node", json::string(p.node)},
      {"created", json::string(FormatTimestamp(p.created_us, 6))},
      {"public_key", json::string(BytesHex(p.public_key.data(), p.public_key.size()))},
      {"head", HeadToJson(p.head)},
      {"objects", std::move(objects)},
      {"entries", std::move(entries)},
      {"witnessed", std::move(witnessed)},
      {"witnessed_note", json::string(p.witnessed_note)},
  };
  std::string out = "{\n";
  for (size_t i = 0; i < members.size(); ++i) {
    out += "  " + json::serialize(json::string(members[i].first)) + ": " +
           json::serialize(members[i].second);
    out += i + 1 < members.size() ? ",\n" : "\n";
  }
  out += "}\n";
  return out;
}

Result<EvidencePackage> ParsePackage(std::string_view text) {
  boost::system::error_code ec;
  json::parse_options limits;
  limits.max_depth = 64;
  json::value v = json::parse(text, ec, {}, limits);
  if (ec) return Status::InvalidArgument("package: not JSON (" + ec.message() + ")");
  if (!v.is_object()) return Status::InvalidArgument("package: not a JSON object");
  const json::object& o = v.get_object();
  std::string error;
  Reader r{&error};
  EvidencePackage p;
  std::string format, created, key;
  if (!r.String(o, "format", "package", &format)) return Status::InvalidArgument(error);
  if (format != kEvidenceFormat) {
    return Status::InvalidArgument("package: format \"" + format + "\" is not \"" +
                                   std::string(kEvidenceFormat) + "\"");
  }
  if (!r.String(o, "node", "package", &p.node) || !r.String(o, "created", "package", &created) ||
      !r.String(o, "public_key", "package", &key) || !r.Head(o, "head", "package", &p.head)) {
    return Status::InvalidArgument(error);
  }
  auto ts = ParseTimestamp(created);
  if (!ts.ok()) return Status::InvalidArgument("package: \"created\" is not an RFC 3339 time");
  p.created_us = ts->micros;
  auto pk = PublicKeyFromHex(key);
  if (!pk.ok()) return Status::InvalidArgument("package: \"public_key\" is not 64 hex digits");
  p.public_key = *pk;

  const json::array* objects = nullptr;
  if (!r.Array(o, "objects", "package", &objects)) return Status::InvalidArgument(error);
  for (size_t i = 0; i < objects->size(); ++i) {
    std::string where = "objects[" + std::to_string(i) + "]";
    if (!(*objects)[i].is_object()) return Status::InvalidArgument(where + ": not an object");
    const json::object& m = (*objects)[i].get_object();
    EvidenceObject obj;
    if (!r.String(m, "id", where, &obj.id) || !r.String(m, "version", where, &obj.version) ||
        !r.String(m, "collection", where, &obj.collection) ||
        !r.String(m, "json", where, &obj.json)) {
      return Status::InvalidArgument(error);
    }
    p.objects.push_back(std::move(obj));
  }
  const json::array* entries = nullptr;
  if (!r.Array(o, "entries", "package", &entries)) return Status::InvalidArgument(error);
  for (size_t i = 0; i < entries->size(); ++i) {
    std::string where = "entries[" + std::to_string(i) + "]";
    if (!(*entries)[i].is_object()) return Status::InvalidArgument(where + ": not an object");
    const json::object& m = (*entries)[i].get_object();
    EvidenceEntry e;
    const json::value* index = r.Member(m, "index", where);
    if (index == nullptr) return Status::InvalidArgument(error);
    auto idx = IndexOf(*index);
    if (!idx.ok()) return Status::InvalidArgument(where + ": \"index\" " + idx.status().message());
    e.index = *idx;
    if (!r.String(m, "text", where, &e.text) || !r.Hashes(m, "proof", where, &e.proof)) {
      return Status::InvalidArgument(error);
    }
    if (m.contains("items")) {
      const json::array* items = nullptr;
      if (!r.Array(m, "items", where, &items)) return Status::InvalidArgument(error);
      for (size_t j = 0; j < items->size(); ++j) {
        std::string at = where + ".items[" + std::to_string(j) + "]";
        if (!(*items)[j].is_object()) return Status::InvalidArgument(at + ": not an object");
        const json::object& im = (*items)[j].get_object();
        EvidenceItem item;
        const json::value* item_index = r.Member(im, "index", at);
        if (item_index == nullptr) return Status::InvalidArgument(error);
        auto ii = IndexOf(*item_index);
        if (!ii.ok()) return Status::InvalidArgument(at + ": \"index\" " + ii.status().message());
        item.index = *ii;
        if (!r.String(im, "text", at, &item.text) || !r.Hashes(im, "proof", at, &item.proof)) {
          return Status::InvalidArgument(error);
        }
        e.items.push_back(std::move(item));
      }
    }
    p.entries.push_back(std::move(e));
  }
  const json::array* witnessed = nullptr;
  if (!r.Array(o, "witnessed", "package", &witnessed)) return Status::InvalidArgument(error);
  for (size_t i = 0; i < witnessed->size(); ++i) {
    std::string where = "witnessed[" + std::to_string(i) + "]";
    if (!(*witnessed)[i].is_object()) return Status::InvalidArgument(where + ": not an object");
    const json::object& m = (*witnessed)[i].get_object();
    EvidenceWitness w;
    if (!r.String(m, "peer", where, &w.peer) || !r.Head(m, "head", where, &w.head) ||
        !r.Hashes(m, "consistency", where, &w.consistency)) {
      return Status::InvalidArgument(error);
    }
    p.witnessed.push_back(std::move(w));
  }
  if (const json::value* note = o.if_contains("witnessed_note"); note && note->is_string()) {
    p.witnessed_note = std::string(note->get_string());
  }
  return p;
}

EvidenceReport VerifyPackage(std::string_view text, const std::optional<PublicKey>& expected_key) {
  EvidenceReport report;
  auto parsed = ParsePackage(text);
  if (!parsed.ok()) {
    report.failures.push_back(std::string(parsed.status().message()));
    return report;
  }
  const EvidencePackage& p = *parsed;
  report.objects = p.objects.size();
  report.entries = p.entries.size();
  report.witnessed = p.witnessed.size();
  auto fail = [&](std::string line) { report.failures.push_back(std::move(line)); };

  // 1. The key, and the head it signed.
  const std::string key_id = HashHex(KeyIdOf(p.public_key));
  if (expected_key && *expected_key != p.public_key) {
    fail("public key: the package's key (key id " + key_id + ") is not the expected key (key id " +
         HashHex(KeyIdOf(*expected_key)) + ")");
  }
  const TreeHead& head = p.head.head;
  if (HashHex(head.key_id) != key_id) {
    fail("head: signed by key id " + HashHex(head.key_id) + ", not by the package's key (key id " +
         key_id + ")");
  } else if (!VerifyHeadSignature(p.head, p.public_key).ok()) {
    fail("head: the signature does not verify with the package's key");
  }

  // 2. Each entry: well formed, where it says it is, and under the head.
  // (id, version, collection) -> (entry index, recorded sha256) of object-stored entries
  // whose proof holds.
  std::multimap<std::tuple<std::string, std::string, std::string>, std::pair<uint64_t, std::string>>
      recorded;
  for (const EvidenceEntry& e : p.entries) {
    const std::string name = "entry " + std::to_string(e.index);
    auto entry = ParseEntry(e.text);
    if (!entry.ok()) {
      fail(name + ": not a record entry (" + std::string(entry.status().message()) + ")");
    } else if (entry->index != e.index) {
      fail(name + ": its text says index " + std::to_string(entry->index));
      continue;
    }
    if (e.index >= head.tree_size) {
      fail(name + ": outside the signed head's tree of " + std::to_string(head.tree_size) +
           " entries");
      continue;
    }
    Status inclusion =
        VerifyInclusion(e.index, head.tree_size, HashLeaf(e.text), e.proof, head.root);
    if (!inclusion.ok()) {
      fail(name + ": the inclusion proof does not lead to the signed head's root (" +
           std::string(inclusion.message()) + ")");
      continue;
    }
    if (entry.ok() && entry->entry.kind == EntryKind::kObjectStored) {
      const auto& b = std::get<ObjectStored>(entry->entry.body);
      recorded.emplace(std::tuple{b.object_id, b.version, b.collection},
                       std::pair{e.index, b.sha256});
    }
    const ObjectsStored* batch =
        entry.ok() ? std::get_if<ObjectsStored>(&entry->entry.body) : nullptr;
    if (batch == nullptr && !e.items.empty()) {
      fail(name + ": carries items but is not an objects-stored entry");
      continue;
    }
    for (const EvidenceItem& item : e.items) {
      const std::string item_name = name + " item " + std::to_string(item.index);
      auto parsed_item = ParseItem(item.text);
      if (!parsed_item.ok()) {
        fail(item_name + ": not a stored item (" + std::string(parsed_item.status().message()) +
             ")");
        continue;
      }
      auto root = HashFromHex(batch->items_root);
      Status in_batch =
          item.index >= batch->count || !root.ok()
              ? Status::InvalidArgument("outside the entry's " + std::to_string(batch->count) +
                                        " items")
              : VerifyInclusion(item.index, batch->count, HashLeaf(item.text), item.proof, *root);
      if (!in_batch.ok()) {
        fail(item_name + ": the inclusion proof does not lead to the entry's items_root (" +
             std::string(in_batch.message()) + ")");
        continue;
      }
      recorded.emplace(std::tuple{parsed_item->object_id, parsed_item->version, batch->collection},
                       std::pair{e.index, parsed_item->sha256});
    }
  }

  // 3. Each object: its canonical form hashes to what a proven entry recorded.
  for (const EvidenceObject& o : p.objects) {
    auto digest = ObjectDigest(o.json);
    if (!digest.ok()) {
      fail(ObjectName(o) + ": " + std::string(digest.status().message()));
      continue;
    }
    auto [lo, hi] = recorded.equal_range(std::tuple{o.id, o.version, o.collection});
    if (lo == hi) {
      fail(ObjectName(o) +
           ": no object-stored entry or item in the package (with a proof that holds) "
           "records it in collection " +
           o.collection);
      continue;
    }
    bool matched = false;
    std::string mismatches;
    for (auto it = lo; it != hi; ++it) {
      if (it->second.second == *digest) {
        matched = true;
        break;
      }
      mismatches += (mismatches.empty() ? "" : ", ") + std::string("entry ") +
                    std::to_string(it->second.first) + " records " + it->second.second;
    }
    if (!matched) fail(ObjectName(o) + ": its SHA-256 is " + *digest + " but " + mismatches);
  }

  // 4. Heads peers kept: same key, and consistent with the package's head.
  for (size_t i = 0; i < p.witnessed.size(); ++i) {
    const EvidenceWitness& w = p.witnessed[i];
    const std::string name = "witnessed head " + std::to_string(i) + " (peer " + w.peer + ")";
    if (HashHex(w.head.head.key_id) != key_id || !VerifyHeadSignature(w.head, p.public_key).ok()) {
      fail(name + ": not signed by the package's key");
      continue;
    }
    const TreeHead& a = w.head.head.tree_size <= head.tree_size ? w.head.head : head;
    const TreeHead& b = w.head.head.tree_size <= head.tree_size ? head : w.head.head;
    Status c = VerifyConsistency(a.tree_size, b.tree_size, a.root, b.root, w.consistency);
    if (!c.ok()) {
      fail(name + ": not consistent with the package's head (tree sizes " +
           std::to_string(a.tree_size) + " and " + std::to_string(b.tree_size) + ": " +
           std::string(c.message()) + ")");
    }
  }
  return report;
}

}  // namespace entente::audit
