// Items of an objects-stored batch: their encoding and their Merkle tree.
#include "audit/stored_batch.h"

#include <boost/json.hpp>

#include "audit/canonical_writer.h"
#include "common/env.h"
#include "stix/deterministic_id.h"

namespace entente::audit {
namespace {

namespace json = boost::json;

bool IsLowerHex64(std::string_view s) {
  if (s.size() != 64) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

// Every complete subtree of a tree built in memory, for ItemProof.
class MemoryTree final : public HashSource {
 public:
  explicit MemoryTree(const std::vector<Hash>& leaves) {
    TreeAppender appender;
    std::vector<NodeHash> made;
    for (const Hash& leaf : leaves) {
      made.clear();
      appender.Append(leaf, &made);
      for (const NodeHash& n : made) {
        if (levels_.size() <= n.level) levels_.resize(n.level + 1);
        levels_[n.level].push_back(n.hash);  // nodes of a level complete in index order
      }
    }
  }
  Result<Hash> Node(unsigned level, uint64_t index) const override {
    if (level >= levels_.size() || index >= levels_[level].size()) {
      return Status::NotFound("no such node in the batch's tree");
    }
    return levels_[level][index];
  }

 private:
  std::vector<std::vector<Hash>> levels_;
};

}  // namespace

namespace {

// Printable ASCII that JSON writes as it is, and that cannot hold a token secret: the
// ids and timestamps admission gives, written without the general writer's passes.
bool Plain(std::string_view s) {
  bool underscore = false;
  for (char c : s) {
    if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') return false;
    underscore |= c == '_';
  }
  return !underscore || s.find("ent_") == std::string_view::npos;
}

}  // namespace

Status AppendItemText(std::string_view object_id, std::string_view version, std::string_view sha256,
                      std::string* out) {
  if (!IsLowerHex64(sha256)) {
    return Status::InvalidArgument("a stored item's sha256 must be 64 lower-case hex digits");
  }
  if (Plain(object_id) && Plain(version)) {
    out->reserve(out->size() + 38 + object_id.size() + sha256.size() + version.size());
    *out += "{\"id\":\"";
    *out += object_id;
    *out += "\",\"sha256\":\"";
    *out += sha256;
    *out += "\",\"version\":\"";
    *out += version;
    *out += "\"}";
    return Status::Ok();
  }
  CanonicalWriter w;
  w.Str("id", object_id);
  w.Str("sha256", sha256);
  w.Str("version", version);
  w.Close();
  if (!w.refused().empty()) return Status::InvalidArgument(w.refused() + " (stored item)");
  *out += w.out();
  return Status::Ok();
}

Result<std::string> EncodeItem(const StoredItem& item) {
  std::string out;
  ENTENTE_RETURN_IF_ERROR(AppendItemText(item.object_id, item.version, item.sha256, &out));
  return out;
}

Result<StoredItem> ParseItem(std::string_view text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) return Status::InvalidArgument("a stored item is not a JSON object");
  StoredItem item;
  for (const auto& [key, field] : {std::pair<const char*, std::string*>{"id", &item.object_id},
                                   {"sha256", &item.sha256},
                                   {"version", &item.version}}) {
    const json::value* f = v.get_object().if_contains(key);
    if (f == nullptr || !f->is_string()) {
      return Status::InvalidArgument(std::string("a stored item has no string ") + key);
    }
    *field = std::string(f->get_string());
  }
  auto again = EncodeItem(item);
  if (!again.ok()) return again.status();
  if (*again != text)
    return Status::InvalidArgument("a stored item is not in its canonical encoding");
  return item;
}

Result<std::string> ItemOfStoredJson(std::string_view object_id, std::string_view version,
                                     std::string_view stored_json) {
  boost::system::error_code ec;
  json::value v = json::parse(stored_json, ec);
  if (ec || !v.is_object()) {
    return Status::InvalidArgument("the stored version of " + std::string(object_id) +
                                   " is not a JSON object");
  }
  return EncodeItem(
      {std::string(object_id), std::string(version), Sha256Hex(stix::CanonicalJson(v))});
}

Hash ItemsRoot(const std::vector<std::string>& item_texts) {
  TreeAppender appender;
  std::vector<NodeHash> made;
  for (const std::string& t : item_texts) {
    made.clear();
    appender.Append(HashLeaf(t), &made);
  }
  return appender.Root();
}

Hash ItemsRoot(const std::vector<Hash>& leaves) {
  TreeAppender appender;
  std::vector<NodeHash> made;
  for (const Hash& leaf : leaves) {
    made.clear();
    appender.Append(leaf, &made);
  }
  return appender.Root();
}

Status ItemLeaves::Add(const StoredItem& item) {
  std::string text;
  ENTENTE_RETURN_IF_ERROR(AppendItemText(item.object_id, item.version, item.sha256, &text));
  leaves_.push_back(HashLeaf(text));
  return Status::Ok();
}

Result<std::vector<Hash>> ItemProof(const std::vector<Hash>& leaves, uint64_t index) {
  MemoryTree tree(leaves);
  return InclusionProof(tree, index, leaves.size());
}

std::string EncodeLeaves(const std::vector<Hash>& leaves) {
  std::string out;
  out.reserve(leaves.size() * 32);
  for (const Hash& h : leaves) out.append(reinterpret_cast<const char*>(h.data()), h.size());
  return out;
}

Result<std::vector<Hash>> DecodeLeaves(std::string_view blob) {
  if (blob.size() % 32 != 0) {
    return Status::Corruption("a batch's kept leaves are " + std::to_string(blob.size()) +
                              " bytes, not a multiple of 32");
  }
  std::vector<Hash> out(blob.size() / 32);
  for (size_t i = 0; i < out.size(); ++i) {
    std::copy(blob.begin() + static_cast<ptrdiff_t>(i * 32),
              blob.begin() + static_cast<ptrdiff_t>(i * 32 + 32), out[i].begin());
  }
  return out;
}

}  // namespace entente::audit
