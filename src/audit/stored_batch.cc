// Items of an objects-stored batch: their encoding and their Merkle tree.
#include "audit/stored_batch.h"

#include <boost/json.hpp>

#include "audit/canonical_writer.h"

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
  explicit MemoryTree(const std::vector<std::string>& texts) {
    TreeAppender appender;
    std::vector<NodeHash> made;
    for (const std::string& t : texts) {
      made.clear();
      appender.Append(HashLeaf(t), &made);
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
  for (char c : s) {
    if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') return false;
  }
  return s.find("ent_") == std::string_view::npos;
}

// Appends the item's text to *out (nothing on error).
Status AppendItem(const StoredItem& item, std::string* out) {
  if (!IsLowerHex64(item.sha256)) {
    return Status::InvalidArgument("a stored item's sha256 must be 64 lower-case hex digits");
  }
  if (Plain(item.object_id) && Plain(item.version)) {
    out->reserve(out->size() + 38 + item.object_id.size() + item.sha256.size() +
                 item.version.size());
    *out += "{\"id\":\"";
    *out += item.object_id;
    *out += "\",\"sha256\":\"";
    *out += item.sha256;
    *out += "\",\"version\":\"";
    *out += item.version;
    *out += "\"}";
    return Status::Ok();
  }
  CanonicalWriter w;
  w.Str("id", item.object_id);
  w.Str("sha256", item.sha256);
  w.Str("version", item.version);
  w.Close();
  if (!w.refused().empty()) return Status::InvalidArgument(w.refused() + " (stored item)");
  *out += w.out();
  return Status::Ok();
}

}  // namespace

Result<std::string> EncodeItem(const StoredItem& item) {
  std::string out;
  ENTENTE_RETURN_IF_ERROR(AppendItem(item, &out));
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

namespace {

template <typename Items>
Hash RootOf(const Items& items) {
  TreeAppender appender;
  std::vector<NodeHash> made;
  for (size_t i = 0; i < items.size(); ++i) {
    made.clear();
    appender.Append(HashLeaf(items[i]), &made);
  }
  return appender.Root();
}

}  // namespace

Hash ItemsRoot(const std::vector<std::string>& item_texts) { return RootOf(item_texts); }
Hash ItemsRoot(const ItemList& items) {
  TreeAppender appender;
  std::vector<NodeHash> made;
  for (const Hash& leaf : items.leaves()) {
    made.clear();
    appender.Append(leaf, &made);
  }
  return appender.Root();
}

Status ItemList::Add(const StoredItem& item) {
  const size_t before = joined_.size();
  if (!ends_.empty()) joined_.push_back('\n');
  if (Status s = AppendItem(item, &joined_); !s.ok()) {
    joined_.resize(before);
    return s;
  }
  ends_.push_back(joined_.size());
  leaves_.push_back(HashLeaf((*this)[size() - 1]));
  return Status::Ok();
}

Status ItemList::AddPrepared(std::string_view text, const Hash& leaf) {
  if (text.find('\n') != std::string_view::npos) {
    return Status::InvalidArgument("a stored item's text holds a newline");
  }
  if (!ends_.empty()) joined_.push_back('\n');
  joined_ += text;
  ends_.push_back(joined_.size());
  leaves_.push_back(leaf);
  return Status::Ok();
}

Result<std::vector<Hash>> ItemProof(const std::vector<std::string>& item_texts, uint64_t index) {
  MemoryTree tree(item_texts);
  return InclusionProof(tree, index, item_texts.size());
}

std::string JoinItems(const std::vector<std::string>& item_texts) {
  size_t n = 0;
  for (const std::string& t : item_texts) n += t.size() + 1;
  std::string out;
  out.reserve(n);
  for (size_t i = 0; i < item_texts.size(); ++i) {
    if (i > 0) out.push_back('\n');
    out += item_texts[i];
  }
  return out;
}

std::vector<std::string> SplitItems(std::string_view joined) {
  std::vector<std::string> out;
  if (joined.empty()) return out;
  size_t start = 0;
  while (true) {
    size_t nl = joined.find('\n', start);
    out.emplace_back(joined.substr(start, nl == std::string_view::npos ? nl : nl - start));
    if (nl == std::string_view::npos) break;
    start = nl + 1;
  }
  return out;
}

}  // namespace entente::audit
