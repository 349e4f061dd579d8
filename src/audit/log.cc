// AuditLog on SQLite: one connection under one mutex; the Merkle frontier kept in memory
// (TreeAppender) and resumed from the stored nodes at open.
#include "audit/log.h"

#include <sqlite3.h>

#include <algorithm>

#include "audit/sqlite_util.h"
#include "audit/stored_batch.h"
#include "common/wal_checkpointer.h"

namespace entente::audit {

namespace {

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS entries(idx INTEGER PRIMARY KEY, time_us INTEGER NOT NULL,
  kind TEXT NOT NULL, subject TEXT NOT NULL, entry TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS entries_subject ON entries(subject, idx);
CREATE TABLE IF NOT EXISTS nodes(level INTEGER NOT NULL, idx INTEGER NOT NULL,
  hash BLOB NOT NULL, PRIMARY KEY(level, idx)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS batch_leaves(idx INTEGER PRIMARY KEY, collection TEXT NOT NULL,
  added_from INTEGER NOT NULL, added_to INTEGER NOT NULL, leaves BLOB NOT NULL);
CREATE INDEX IF NOT EXISTS batch_leaves_by_time ON batch_leaves(collection, added_to);
CREATE TABLE IF NOT EXISTS heads(seq INTEGER PRIMARY KEY, tree_size INTEGER NOT NULL,
  timestamp_us INTEGER NOT NULL, root BLOB NOT NULL, key_id BLOB NOT NULL,
  signature BLOB NOT NULL);
PRAGMA user_version = 2;
)sql";

template <size_t N>
bool BlobTo(const Stmt& s, int col, std::array<unsigned char, N>* out) {
  std::string_view b = s.Blob(col);
  if (b.size() != N) return false;
  std::copy(b.begin(), b.end(), out->begin());
  return true;
}

// A record written before version 2 kept each batch's item texts (table stored_items,
// joined by newlines); it now keeps their leaf hashes only, which prove the same items
// (docs/record.md "Objects stored"). Converted once, in one transaction.
Status KeepLeavesOnly(const Db& db, const std::string& path) {
  auto old =
      db.Prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'stored_items'");
  if (!old.ok()) return old.status();
  const bool present = old->Step() == SQLITE_ROW;
  old = Status::Internal("released");
  if (!present) return Status::Ok();
  ENTENTE_RETURN_IF_ERROR(db.Exec("BEGIN IMMEDIATE", "convert the record's batches in " + path));
  auto fail = [&](Status s) {
    (void)db.Exec("ROLLBACK", "roll back");
    return s;
  };
  {
    auto rows = db.Prepare("SELECT idx, collection, added_from, added_to, items FROM stored_items");
    if (!rows.ok()) return fail(rows.status());
    auto put = db.Prepare(
        "INSERT OR REPLACE INTO batch_leaves(idx, collection, added_from, added_to, leaves) "
        "VALUES(?1,?2,?3,?4,?5)");
    if (!put.ok()) return fail(put.status());
    int rc;
    while ((rc = rows->Step()) == SQLITE_ROW) {
      const std::string_view joined = rows->Blob(4);
      std::vector<Hash> leaves;
      for (size_t start = 0; !joined.empty();) {
        const size_t nl = joined.find('\n', start);
        leaves.push_back(
            HashLeaf(joined.substr(start, nl == std::string_view::npos ? nl : nl - start)));
        if (nl == std::string_view::npos) break;
        start = nl + 1;
      }
      put->Reset();
      put->Bind(1, rows->Int(0));
      put->Bind(2, rows->Text(1));
      put->Bind(3, rows->Int(2));
      put->Bind(4, rows->Int(3));
      put->BindBlob(5, leaves.data(), leaves.size() * sizeof(Hash));
      if (int prc = put->Step(); prc != SQLITE_DONE) return fail(db.Error(prc, "convert a batch"));
    }
    if (rc != SQLITE_DONE) return fail(db.Error(rc, "read the record's batches"));
  }
  if (Status s = db.Exec("DROP TABLE stored_items", "drop the batches' texts"); !s.ok()) {
    return fail(s);
  }
  if (Status s = db.Exec("COMMIT", "commit the conversion"); !s.ok()) return fail(s);
  return Status::Ok();
}

}  // namespace

class AuditLog::Impl : public HashSource {
 public:
  Impl(Db db, LogOptions options) : db_(std::move(db)), options_(std::move(options)) {}

  Result<Hash> Node(unsigned level, uint64_t index) const override {
    auto s = db_.Prepare("SELECT hash FROM nodes WHERE level=?1 AND idx=?2");
    if (!s.ok()) return s.status();
    s->Bind(1, static_cast<int64_t>(level));
    s->Bind(2, static_cast<int64_t>(index));
    int rc = s->Step();
    if (rc == SQLITE_DONE) {
      return Status::NotFound("the record's tree has no node (" + std::to_string(level) + "," +
                              std::to_string(index) + ")");
    }
    if (rc != SQLITE_ROW) return db_.Error(rc, "read tree node");
    Hash h;
    if (!BlobTo(*s, 0, &h)) return Status::Corruption("a tree node is not 32 bytes");
    return h;
  }

  // How many leaves the stored tree holds (the last leaf's index + 1).
  Result<uint64_t> StoredSize() const {
    auto s = db_.Prepare("SELECT max(idx) FROM nodes WHERE level=0");
    if (!s.ok()) return s.status();
    if (int rc = s->Step(); rc != SQLITE_ROW) return db_.Error(rc, "read the record's size");
    return s->IsNull(0) ? uint64_t{0} : static_cast<uint64_t>(s->Int(0)) + 1;
  }

  // Continues from the stored tree when another process appended (call it holding the
  // write lock: inside BEGIN IMMEDIATE).
  Status CatchUp() {
    auto stored = StoredSize();
    if (!stored.ok()) return stored.status();
    if (*stored == appender_.size()) return Status::Ok();
    auto resumed = TreeAppender::Resume(*this, *stored);
    if (!resumed.ok()) return resumed.status();
    appender_ = std::move(resumed).value();
    return Status::Ok();
  }

  Db db_;
  // Checkpoints on their own thread, as the store's (common/wal_checkpointer.h): a bulk
  // ingest's appends never wait for the record's log to be copied into its file. Declared
  // after db_, so that it stops before the connection closes.
  std::unique_ptr<WalCheckpointer> checkpointer_;
  LogOptions options_;
  TreeAppender appender_;
  std::vector<NodeHash> made_;
};

AuditLog::AuditLog(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
AuditLog::~AuditLog() = default;

Result<std::unique_ptr<AuditLog>> AuditLog::Open(const std::string& path, LogOptions options) {
  if (options.synchronous != "FULL" && options.synchronous != "NORMAL" &&
      options.synchronous != "OFF") {
    return Status::InvalidArgument("synchronous: FULL, NORMAL or OFF");
  }
  auto db = Db::Open(path, options.synchronous, options.busy_timeout_ms);
  if (!db.ok()) return db.status();
  ENTENTE_RETURN_IF_ERROR(db->Exec(kSchema, "create the record's tables in " + path));
  ENTENTE_RETURN_IF_ERROR(KeepLeavesOnly(*db, path));
  auto impl = std::make_unique<Impl>(std::move(db).value(), std::move(options));
  auto checkpointer = WalCheckpointer::Start(path, impl->db_.raw(), impl->options_.busy_timeout_ms,
                                             impl->options_.synchronous);
  if (!checkpointer.ok()) return checkpointer.status();
  impl->checkpointer_ = std::move(checkpointer).value();
  auto stored = impl->StoredSize();
  if (!stored.ok()) return stored.status();
  uint64_t size = *stored;
  auto appender = TreeAppender::Resume(*impl, size);
  if (!appender.ok()) {
    return Status::Corruption(
        "the record's tree in " + path +
        " lacks nodes (run `entente log verify`): " + appender.status().message());
  }
  impl->appender_ = std::move(appender).value();
  return std::unique_ptr<AuditLog>(new AuditLog(std::move(impl)));
}

Result<uint64_t> AuditLog::Append(std::span<const Entry> entries,
                                  std::span<const ItemLeaves> items) {
  if (!items.empty() && items.size() != entries.size()) {
    return Status::InvalidArgument("one list of items per entry, or none");
  }
  // An objects-stored entry commits to its items: their count and Merkle root are set
  // here, from the items themselves.
  std::vector<Entry> filled;
  for (size_t i = 0; i < entries.size(); ++i) {
    if (!std::holds_alternative<ObjectsStored>(entries[i].body)) {
      if (!items.empty() && !items[i].empty()) {
        return Status::InvalidArgument("items come only with an objects-stored entry");
      }
      continue;
    }
    if (items.empty()) return Status::InvalidArgument("an objects-stored entry needs its items");
    if (filled.empty()) filled.assign(entries.begin(), entries.end());
    auto& batch = std::get<ObjectsStored>(filled[i].body);
    batch.count = items[i].size();
    batch.items_root = HashHex(ItemsRoot(items[i].leaves()));
  }
  if (!filled.empty()) entries = filled;
  std::lock_guard<std::mutex> lock(mu_);
  Impl& d = *impl_;
  int64_t now = d.options_.clock->NowMicros();
  ENTENTE_RETURN_IF_ERROR(d.db_.Exec("BEGIN IMMEDIATE", "begin an append to the record"));
  auto fail = [&](Status s) {
    (void)d.db_.Exec("ROLLBACK", "roll back");
    return s;
  };
  // Another process may have appended since (the CLI while `entente serve` runs): the
  // tree on disk, read under the write lock, says where this batch goes.
  if (Status s = d.CatchUp(); !s.ok()) return fail(s);
  uint64_t first = d.appender_.size();
  // Encode everything before writing anything: a refused entry writes nothing.
  std::vector<std::string> texts;
  texts.reserve(entries.size());
  for (size_t i = 0; i < entries.size(); ++i) {
    auto text = EncodeEntry({first + i, now, entries[i]});
    if (!text.ok()) return fail(text.status());
    texts.push_back(std::move(text).value());
  }
  TreeAppender next = d.appender_;
  auto ins = d.db_.Prepare(
      "INSERT INTO entries(idx, time_us, kind, subject, entry) VALUES(?1,?2,?3,?4,?5)");
  if (!ins.ok()) return fail(ins.status());
  auto node = d.db_.Prepare("INSERT INTO nodes(level, idx, hash) VALUES(?1,?2,?3)");
  if (!node.ok()) return fail(node.status());
  auto put_items = d.db_.Prepare(
      "INSERT INTO batch_leaves(idx, collection, added_from, added_to, leaves) "
      "VALUES(?1,?2,?3,?4,?5)");
  if (!put_items.ok()) return fail(put_items.status());
  for (size_t i = 0; i < entries.size(); ++i) {
    ins->Reset();
    ins->Bind(1, static_cast<int64_t>(first + i));
    ins->Bind(2, now);
    ins->Bind(3, KindName(entries[i].kind));
    ins->Bind(4, EntrySubject(entries[i]));
    ins->Bind(5, texts[i]);
    if (int rc = ins->Step(); rc != SQLITE_DONE) return fail(d.db_.Error(rc, "append an entry"));
    if (const auto* batch = std::get_if<ObjectsStored>(&entries[i].body)) {
      const std::vector<Hash>& leaves = items[i].leaves();
      put_items->Reset();
      put_items->Bind(1, static_cast<int64_t>(first + i));
      put_items->Bind(2, batch->collection);
      put_items->Bind(3, batch->added_from_us);
      put_items->Bind(4, batch->added_to_us);
      put_items->BindBlob(5, leaves.data(), leaves.size() * sizeof(Hash));
      if (int rc = put_items->Step(); rc != SQLITE_DONE) {
        return fail(d.db_.Error(rc, "keep a batch's item leaves"));
      }
    }
    d.made_.clear();
    next.Append(HashLeaf(texts[i]), &d.made_);
    for (const NodeHash& n : d.made_) {
      node->Reset();
      node->Bind(1, static_cast<int64_t>(n.level));
      node->Bind(2, static_cast<int64_t>(n.index));
      node->BindBlob(3, n.hash.data(), n.hash.size());
      if (int rc = node->Step(); rc != SQLITE_DONE) {
        return fail(d.db_.Error(rc, "store a tree node"));
      }
    }
  }
  ins = Status::Internal("released");  // statements reset before COMMIT
  node = Status::Internal("released");
  put_items = Status::Internal("released");
  if (Status s = d.db_.Exec("COMMIT", "commit an append to the record"); !s.ok()) return fail(s);
  d.appender_ = std::move(next);
  return first;
}

uint64_t AuditLog::Size() {
  std::lock_guard<std::mutex> lock(mu_);
  return impl_->appender_.size();
}

Result<Hash> AuditLog::Root(uint64_t size) {
  std::lock_guard<std::mutex> lock(mu_);
  if (size > impl_->appender_.size()) return Status::InvalidArgument("beyond the record's size");
  return RootAt(*impl_, size);
}

Result<std::vector<Hash>> AuditLog::InclusionProof(uint64_t index, uint64_t size) {
  std::lock_guard<std::mutex> lock(mu_);
  if (size > impl_->appender_.size()) return Status::InvalidArgument("beyond the record's size");
  return audit::InclusionProof(*impl_, index, size);
}

Result<std::vector<Hash>> AuditLog::ConsistencyProof(uint64_t size1, uint64_t size2) {
  std::lock_guard<std::mutex> lock(mu_);
  if (size2 > impl_->appender_.size()) return Status::InvalidArgument("beyond the record's size");
  return audit::ConsistencyProof(*impl_, size1, size2);
}

Result<std::vector<RecordedEntry>> AuditLog::List(const EntryFilter& f) {
  std::lock_guard<std::mutex> lock(mu_);
  std::string sql = "SELECT idx, entry FROM entries WHERE idx >= ?1 AND time_us >= ?2";
  if (!f.subject.empty()) sql += " AND subject = ?3";
  if (f.kind) sql += " AND kind = ?4";
  sql += " ORDER BY idx";
  // --org and --peer look inside the entries: the limit applies after them.
  bool inside = !f.organisation.empty() || !f.peer.empty();
  if (f.limit > 0 && !inside) sql += " LIMIT ?5";
  auto s = impl_->db_.Prepare(sql);
  if (!s.ok()) return s.status();
  s->Bind(1, static_cast<int64_t>(f.after_index));
  s->Bind(2, f.since_us);
  if (!f.subject.empty()) s->Bind(3, f.subject);
  if (f.kind) s->Bind(4, KindName(*f.kind));
  if (f.limit > 0 && !inside) s->Bind(5, static_cast<int64_t>(f.limit));
  auto holds = [](const std::vector<std::string>& names, const std::string& name) {
    return name.empty() || std::find(names.begin(), names.end(), name) != names.end();
  };
  std::vector<RecordedEntry> out;
  int rc;
  while ((rc = s->Step()) == SQLITE_ROW) {
    auto e = ParseEntry(s->Text(1));
    if (!e.ok()) {
      return Status::Corruption("record entry " + std::to_string(s->Int(0)) +
                                " is damaged (run `entente log verify`): " + e.status().message());
    }
    if (!holds(EntryOrganisations(e->entry), f.organisation) ||
        !holds(EntryPeers(e->entry), f.peer)) {
      continue;
    }
    out.push_back(std::move(e).value());
    if (f.limit > 0 && out.size() >= f.limit) break;
  }
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) return impl_->db_.Error(rc, "list the record");
  return out;
}

Result<std::vector<Hash>> AuditLog::BatchLeaves(uint64_t index) {
  std::lock_guard<std::mutex> lock(mu_);
  auto s = impl_->db_.Prepare("SELECT leaves FROM batch_leaves WHERE idx = ?1");
  if (!s.ok()) return s.status();
  s->Bind(1, static_cast<int64_t>(index));
  int rc = s->Step();
  if (rc == SQLITE_DONE) {
    return Status::NotFound("the record holds no item leaves for entry " + std::to_string(index));
  }
  if (rc != SQLITE_ROW) return impl_->db_.Error(rc, "read a batch's item leaves");
  return DecodeLeaves(s->Blob(0));
}

Result<std::vector<StoredVersionProof>> AuditLog::FindStored(std::string_view collection,
                                                             std::string_view item,
                                                             int64_t added_us, uint64_t size) {
  std::vector<std::pair<uint64_t, std::string>> batches;  // entry index, leaves as stored
  {
    std::lock_guard<std::mutex> lock(mu_);
    // Batches of one collection are appended in the order the store added them (the
    // record's append is inside the store's write transaction), so their date_added
    // ranges follow each other: the first whose range ends at or after `added_us` is the
    // one, unless it starts after it. A few more are read for ranges that touch.
    auto s = impl_->db_.Prepare(
        "SELECT idx, added_from, leaves FROM batch_leaves WHERE collection = ?1 AND "
        "added_to >= ?2 ORDER BY added_to, idx LIMIT 8");
    if (!s.ok()) return s.status();
    s->Bind(1, collection);
    s->Bind(2, added_us);
    int rc;
    while ((rc = s->Step()) == SQLITE_ROW) {
      if (s->Int(1) > added_us) break;
      if (static_cast<uint64_t>(s->Int(0)) >= size) continue;
      batches.emplace_back(static_cast<uint64_t>(s->Int(0)), std::string(s->Blob(2)));
    }
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
      return impl_->db_.Error(rc, "find the batch that stored a version");
    }
  }
  std::vector<StoredVersionProof> out;
  const Hash want = HashLeaf(item);
  for (auto& [index, blob] : batches) {
    auto leaves = DecodeLeaves(blob);
    if (!leaves.ok()) return leaves.status();
    for (uint64_t i = 0; i < leaves->size(); ++i) {
      if ((*leaves)[i] != want) continue;
      auto proof = ItemProof(*leaves, i);
      if (!proof.ok()) return proof.status();
      out.push_back(
          StoredVersionProof{index, i, leaves->size(), std::string(item), std::move(*proof)});
    }
  }
  return out;
}

Result<SignedHead> AuditLog::SignHead(const NodeKey& key) {
  std::lock_guard<std::mutex> lock(mu_);
  Impl& d = *impl_;
  ENTENTE_RETURN_IF_ERROR(d.db_.Exec("BEGIN IMMEDIATE", "begin storing a signed head"));
  Result<SignedHead> out = SignHeadLocked(key);
  if (!out.ok()) {
    (void)d.db_.Exec("ROLLBACK", "roll back");
    return out;
  }
  if (Status s = d.db_.Exec("COMMIT", "commit a signed head"); !s.ok()) {
    (void)d.db_.Exec("ROLLBACK", "roll back");
    return s;
  }
  return out;
}

Result<SignedHead> AuditLog::SignHeadLocked(const NodeKey& key) {
  Impl& d = *impl_;
  ENTENTE_RETURN_IF_ERROR(d.CatchUp());
  std::string mine = BytesHex(key.public_key().data(), key.public_key().size());
  bool known = false;
  {
    auto meta = d.db_.Prepare("SELECT value FROM meta WHERE key='public_key'");
    if (!meta.ok()) return meta.status();
    known = meta->Step() == SQLITE_ROW;
    if (known && meta->Text(0) != mine) {
      return Status::PermissionDenied("this record's heads are signed by public key " +
                                      std::string(meta->Text(0)) + ", the node key is " + mine +
                                      " (was the key file replaced? see `entente log verify`)");
    }
  }
  TreeHead head;
  head.tree_size = d.appender_.size();
  head.root = d.appender_.Root();
  head.timestamp_us = d.options_.clock->NowMicros();
  {
    auto last = d.db_.Prepare("SELECT max(timestamp_us) FROM heads");
    if (!last.ok()) return last.status();
    if (last->Step() == SQLITE_ROW && !last->IsNull(0) && last->Int(0) >= head.timestamp_us) {
      head.timestamp_us = last->Int(0) + 1;
    }
  }
  SignedHead signed_head = key.Sign(head);
  {
    auto put = d.db_.Prepare(
        "INSERT INTO heads(tree_size, timestamp_us, root, key_id, signature) "
        "VALUES(?1,?2,?3,?4,?5)");
    if (!put.ok()) return put.status();
    put->Bind(1, static_cast<int64_t>(head.tree_size));
    put->Bind(2, head.timestamp_us);
    put->BindBlob(3, head.root.data(), head.root.size());
    put->BindBlob(4, signed_head.head.key_id.data(), 32);
    put->BindBlob(5, signed_head.signature.data(), 64);
    if (int rc = put->Step(); rc != SQLITE_DONE) return d.db_.Error(rc, "store a signed head");
  }
  if (!known) {
    auto m = d.db_.Prepare("INSERT INTO meta(key, value) VALUES('public_key', ?1)");
    if (!m.ok()) return m.status();
    m->Bind(1, mine);
    if (int rc = m->Step(); rc != SQLITE_DONE) return d.db_.Error(rc, "store the public key");
  }
  return signed_head;
}

Result<std::vector<std::pair<int64_t, SignedHead>>> AuditLog::Heads() {
  std::lock_guard<std::mutex> lock(mu_);
  auto s = impl_->db_.Prepare(
      "SELECT seq, tree_size, timestamp_us, root, key_id, signature FROM heads ORDER BY seq");
  if (!s.ok()) return s.status();
  std::vector<std::pair<int64_t, SignedHead>> out;
  int rc;
  while ((rc = s->Step()) == SQLITE_ROW) {
    SignedHead h;
    h.head.tree_size = static_cast<uint64_t>(s->Int(1));
    h.head.timestamp_us = s->Int(2);
    if (!BlobTo(*s, 3, &h.head.root) || !BlobTo(*s, 4, &h.head.key_id) ||
        !BlobTo(*s, 5, &h.signature)) {
      // Kept with zeroed fields: its signature cannot hold, and verify names it.
      h.signature.fill(0);
    }
    out.emplace_back(s->Int(0), h);
  }
  if (rc != SQLITE_DONE) return impl_->db_.Error(rc, "read the signed heads");
  return out;
}

Result<std::optional<SignedHead>> AuditLog::LatestHead() {
  std::lock_guard<std::mutex> lock(mu_);
  auto s = impl_->db_.Prepare(
      "SELECT tree_size, timestamp_us, root, key_id, signature FROM heads ORDER BY seq DESC "
      "LIMIT 1");
  if (!s.ok()) return s.status();
  int rc = s->Step();
  if (rc == SQLITE_DONE) return std::optional<SignedHead>();
  if (rc != SQLITE_ROW) return impl_->db_.Error(rc, "read the newest signed head");
  SignedHead h;
  h.head.tree_size = static_cast<uint64_t>(s->Int(0));
  h.head.timestamp_us = s->Int(1);
  if (!BlobTo(*s, 2, &h.head.root) || !BlobTo(*s, 3, &h.head.key_id) ||
      !BlobTo(*s, 4, &h.signature)) {
    return Status::Corruption("the newest signed head is malformed (`entente log verify`)");
  }
  return std::optional<SignedHead>(h);
}

Result<std::optional<PublicKey>> AuditLog::LogKey() {
  std::lock_guard<std::mutex> lock(mu_);
  auto s = impl_->db_.Prepare("SELECT value FROM meta WHERE key='public_key'");
  if (!s.ok()) return s.status();
  if (s->Step() != SQLITE_ROW) return std::optional<PublicKey>();
  PublicKey k;
  auto h = HashFromHex(s->Text(0));
  if (!h.ok()) return Status::Corruption("the record's stored public key is not 64 hex digits");
  std::copy(h->begin(), h->end(), k.begin());
  return std::optional<PublicKey>(k);
}

Result<std::vector<RawEntry>> AuditLog::RawEntries(uint64_t from, size_t limit) {
  std::lock_guard<std::mutex> lock(mu_);
  auto s = impl_->db_.Prepare(
      "SELECT idx, time_us, kind, subject, entry FROM entries WHERE idx >= ?1 ORDER BY idx "
      "LIMIT ?2");
  if (!s.ok()) return s.status();
  s->Bind(1, static_cast<int64_t>(from));
  s->Bind(2, static_cast<int64_t>(limit));
  std::vector<RawEntry> out;
  int rc;
  while ((rc = s->Step()) == SQLITE_ROW) {
    RawEntry e;
    e.index = static_cast<uint64_t>(s->Int(0));
    e.time_us = s->Int(1);
    e.kind = std::string(s->Text(2));
    e.subject = std::string(s->Text(3));
    e.text = std::string(s->Text(4));
    out.push_back(std::move(e));
  }
  if (rc != SQLITE_DONE) return impl_->db_.Error(rc, "read the record");
  return out;
}

Result<Hash> AuditLog::StoredNode(unsigned level, uint64_t index) {
  std::lock_guard<std::mutex> lock(mu_);
  return impl_->Node(level, index);
}

Result<uint64_t> AuditLog::StoredLeaves() {
  std::lock_guard<std::mutex> lock(mu_);
  auto s = impl_->db_.Prepare("SELECT count(*) FROM nodes WHERE level=0");
  if (!s.ok()) return s.status();
  if (int rc = s->Step(); rc != SQLITE_ROW) return impl_->db_.Error(rc, "count the leaves");
  return static_cast<uint64_t>(s->Int(0));
}

}  // namespace entente::audit
