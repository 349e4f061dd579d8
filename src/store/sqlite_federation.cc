// SqliteFederationState: the federation's state in the fed_ tables of the store's file.
#include <sys/stat.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <tuple>

#include "store/federation_state.h"
#include "store/records.h"
#include "store/sqlite_store.h"

namespace entente::store {
namespace {

namespace json = boost::json;

constexpr const char* kFederationSchema = R"sql(
CREATE TABLE IF NOT EXISTS fed_peers (
  name TEXT PRIMARY KEY,
  config TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS fed_checkpoints (
  peer TEXT NOT NULL,
  direction TEXT NOT NULL,
  remote_collection TEXT NOT NULL,
  local_collection TEXT NOT NULL,
  added_after TEXT NOT NULL DEFAULT '',
  next_cursor TEXT NOT NULL DEFAULT '',
  next_last TEXT NOT NULL DEFAULT '',
  pushed_until_us INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (peer, direction, remote_collection, local_collection)
);
-- Push links get a small number, so that fed_pushed stays narrow.
CREATE TABLE IF NOT EXISTS fed_links (
  seq INTEGER PRIMARY KEY,
  peer TEXT NOT NULL,
  local_collection TEXT NOT NULL,
  remote_collection TEXT NOT NULL,
  UNIQUE (peer, local_collection, remote_collection)
);
-- Versions a peer acknowledged, so that their deletion follows them there: a 64-bit key
-- of (object id, version) (VersionKey), and the id the peer holds when sovereignty
-- rules changed it (NULL when the same).
CREATE TABLE IF NOT EXISTS fed_pushed (
  link INTEGER NOT NULL,
  version_key INTEGER NOT NULL,
  remote_id TEXT,
  PRIMARY KEY (link, version_key)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS fed_status (
  peer TEXT PRIMARY KEY,
  last_attempt_us INTEGER NOT NULL DEFAULT 0,
  last_success_us INTEGER NOT NULL DEFAULT 0,
  lag_us INTEGER NOT NULL DEFAULT 0,
  last_error TEXT NOT NULL DEFAULT '',
  pulled INTEGER NOT NULL DEFAULT 0,
  pushed INTEGER NOT NULL DEFAULT 0,
  withheld INTEGER NOT NULL DEFAULT 0,
  refused INTEGER NOT NULL DEFAULT 0,
  failures INTEGER NOT NULL DEFAULT 0
);
-- Witnessing (federation/witness.h): peers' signed heads kept, and alarms raised.
CREATE TABLE IF NOT EXISTS fed_witnessed_heads (
  seq INTEGER PRIMARY KEY,
  peer TEXT NOT NULL,
  seen_us INTEGER NOT NULL,
  tree_size INTEGER NOT NULL,
  head TEXT NOT NULL,
  public_key TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS fed_witnessed_heads_peer ON fed_witnessed_heads(peer, seq);
CREATE TABLE IF NOT EXISTS fed_witness_alarms (
  seq INTEGER PRIMARY KEY,
  peer TEXT NOT NULL,
  time_us INTEGER NOT NULL,
  message TEXT NOT NULL,
  evidence TEXT NOT NULL
);
)sql";

const char* DirName(SyncDirection d) { return d == SyncDirection::kPull ? "pull" : "push"; }

Result<Peer> DecodePeer(std::string_view text) {
  boost::system::error_code ec;
  json::value v = json::parse(json::string_view(text.data(), text.size()), ec);
  if (ec || !v.is_object()) return Status::Corruption("fed_peers.config is not a JSON object");
  return PeerFromJson(v.get_object());
}

// Steps a statement that returns at most one row: true with a row, false without.
Result<bool> StepRow(Statement& st, Connection& c, std::string_view op) {
  const int rc = st.Step();
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return SqliteError(rc, c.db(), op);
}

}  // namespace

// Borrows the SqliteStore it was opened on: its writer (every write below is one
// InWriteTransaction) and its pool of readers.
class SqliteFederationState final : public FederationState {
 public:
  explicit SqliteFederationState(SqliteStore& store) : store_(store) {}

  Status Prepare();

  Status AddPeer(const Peer& peer) override;
  Status PutPeer(const Peer& peer) override;
  Result<Peer> GetPeer(std::string_view name) override;
  Result<std::vector<Peer>> ListPeers() override;
  Status RemovePeer(std::string_view name) override;
  Result<Checkpoint> GetCheckpoint(std::string_view peer, SyncDirection dir,
                                   const CollectionLink& link) override;
  Status PutCheckpoint(std::string_view peer, SyncDirection dir, const CollectionLink& link,
                       const Checkpoint& cp) override;
  Status CommitPush(std::string_view peer, const CollectionLink& link, const Checkpoint& cp,
                    const std::vector<PushedVersion>& pushed) override;
  Result<std::optional<std::string>> PushedAs(std::string_view peer, const CollectionLink& link,
                                              std::string_view id,
                                              std::string_view version) override;
  Status CommitDeletions(std::string_view peer, const CollectionLink& link, const Checkpoint& cp,
                         const std::vector<std::pair<std::string, std::string>>& deleted) override;
  Result<PeerStatus> GetStatus(std::string_view peer) override;
  Status PutStatus(std::string_view peer, const PeerStatus& status) override;
  Status KeepWitnessedHead(std::string_view peer, const WitnessedHead& head) override;
  Result<std::vector<WitnessedHead>> WitnessedHeads(std::string_view peer, bool newest,
                                                    size_t limit) override;
  Status RaiseWitnessAlarm(std::string_view peer, const WitnessAlarm& alarm) override;
  Result<std::vector<WitnessAlarm>> WitnessAlarms(std::string_view peer) override;

 private:
  static Status PutCheckpointIn(Connection& c, std::string_view peer, SyncDirection dir,
                                const CollectionLink& link, const Checkpoint& cp);
  // The number of a push link on `c` (0 when unknown and !create).
  static Result<int64_t> LinkSeq(Connection& c, std::string_view peer, const CollectionLink& link,
                                 bool create);

  SqliteStore& store_;
};

Status SqliteFederationState::Prepare() {
  // Peer tokens are kept as given: only the owner may read the file. Deliberately not an
  // error when it fails (a file of another user that this one may write): the mode stays
  // as that owner set it, and OpenSqliteStore made a file it created 0600 already.
  (void)::chmod(store_.path_.c_str(), 0600);
  return store_.InWriteTransaction("prepare federation tables", [](Connection& c) -> Status {
    ENTENTE_RETURN_IF_ERROR(c.ExecScript(kFederationSchema, "create federation tables"));
    // Files made before deletions travelled lack these columns.
    for (const auto& [table, column, ddl] :
         {std::tuple{"fed_checkpoints", "tombstones_until",
                     "ALTER TABLE fed_checkpoints ADD COLUMN tombstones_until INTEGER NOT NULL "
                     "DEFAULT 0"},
          std::tuple{"fed_status", "deleted",
                     "ALTER TABLE fed_status ADD COLUMN deleted INTEGER NOT NULL DEFAULT 0"}}) {
      auto info = c.Prepare("SELECT 1 FROM pragma_table_info(?1) WHERE name = ?2");
      if (!info.ok()) return info.status();
      info->Bind(1, std::string_view(table));
      info->Bind(2, std::string_view(column));
      auto present = StepRow(*info, c, "read federation table columns");
      if (!present.ok()) return present.status();
      info->Reset();
      if (!*present) ENTENTE_RETURN_IF_ERROR(c.ExecScript(ddl, "add a federation column"));
    }
    return Status::Ok();
  });
}

namespace {

// What the record keeps of a peer's configuration: its public facts, never the token it
// presents there nor the key of its keyed hashes.
ConfigChange PeerChange(const Peer& peer, std::string action) {
  ConfigChange change{ConfigChange::Subject::kPeer, peer.name, std::move(action), {}};
  auto links = [](const std::vector<CollectionLink>& list) {
    std::vector<std::string> out;
    for (const CollectionLink& l : list) out.push_back(l.remote + "=" + l.local);
    return EncodeStringList(out);
  };
  std::vector<std::string> rules;
  for (const policy::SovereigntyRule& r : peer.rules) {
    rules.push_back(r.object_type + (r.property.empty() ? "" : "." + r.property) + ":" +
                    std::string(policy::SovereigntyActionName(r.action)));
  }
  change.fields = {{"url", peer.api_root_url},
                   {"jurisdiction", peer.jurisdiction},
                   {"communities", EncodeStringList(peer.communities)},
                   {"recipients", EncodeStringList(peer.recipients)},
                   {"pull", links(peer.pull)},
                   {"push", links(peer.push)},
                   {"rules", EncodeStringList(rules)},
                   {"local_org", peer.local_org},
                   {"hop_limit", std::to_string(peer.hop_limit)},
                   {"quota", std::to_string(peer.quota)},
                   // The key its record's heads must be signed with (public).
                   {"log_key", peer.log_key}};
  return change;
}

}  // namespace

Status SqliteFederationState::AddPeer(const Peer& peer) {
  const std::string config = json::serialize(PeerToJson(peer));
  return store_.InWriteTransaction("add peer", [&](Connection& c) -> Status {
    auto st = c.Prepare(
        "INSERT INTO fed_peers(name, config) VALUES(?1, ?2) ON CONFLICT(name) DO NOTHING");
    if (!st.ok()) return st.status();
    st->Bind(1, peer.name);
    st->Bind(2, config);
    ENTENTE_RETURN_IF_ERROR(st->Exec("add peer"));
    if (c.Changes() == 0) {
      return Status::AlreadyExists("a peer with this name exists (name: " + peer.name + ")");
    }
    return store_.Observe(PeerChange(peer, "add"));
  });
}

Status SqliteFederationState::PutPeer(const Peer& peer) {
  const std::string config = json::serialize(PeerToJson(peer));
  return store_.InWriteTransaction("put peer", [&](Connection& c) -> Status {
    auto st = c.Prepare("INSERT OR REPLACE INTO fed_peers(name, config) VALUES(?1, ?2)");
    if (!st.ok()) return st.status();
    st->Bind(1, peer.name);
    st->Bind(2, config);
    ENTENTE_RETURN_IF_ERROR(st->Exec("put peer"));
    return store_.Observe(PeerChange(peer, "put"));
  });
}

Result<Peer> SqliteFederationState::GetPeer(std::string_view name) {
  auto r = store_.BorrowReader();
  if (!r.ok()) return r.status();
  auto st = (*r)->Prepare("SELECT config FROM fed_peers WHERE name = ?1");
  if (!st.ok()) return st.status();
  st->Bind(1, name);
  auto found = StepRow(*st, **r, "get peer");
  if (!found.ok()) return found.status();
  if (!*found) return Status::NotFound("no such peer (name: " + std::string(name) + ")");
  return DecodePeer(st->Text(0));
}

Result<std::vector<Peer>> SqliteFederationState::ListPeers() {
  auto r = store_.BorrowReader();
  if (!r.ok()) return r.status();
  auto st = (*r)->Prepare("SELECT config FROM fed_peers ORDER BY name");
  if (!st.ok()) return st.status();
  std::vector<Peer> out;
  int rc;
  while ((rc = st->Step()) == SQLITE_ROW) {
    auto p = DecodePeer(st->Text(0));
    if (!p.ok()) return p.status();
    out.push_back(std::move(*p));
  }
  if (rc != SQLITE_DONE) return SqliteError(rc, (*r)->db(), "list peers");
  return out;
}

Status SqliteFederationState::RemovePeer(std::string_view name) {
  return store_.InWriteTransaction("remove peer", [&](Connection& c) -> Status {
    auto del = c.Prepare("DELETE FROM fed_peers WHERE name = ?1");
    if (!del.ok()) return del.status();
    del->Bind(1, name);
    ENTENTE_RETURN_IF_ERROR(del->Exec("remove peer"));
    if (c.Changes() == 0) {
      return Status::NotFound("no such peer (name: " + std::string(name) + ")");
    }
    for (const char* sql :
         {"DELETE FROM fed_checkpoints WHERE peer = ?1", "DELETE FROM fed_status WHERE peer = ?1",
          "DELETE FROM fed_witnessed_heads WHERE peer = ?1",
          "DELETE FROM fed_witness_alarms WHERE peer = ?1",
          "DELETE FROM fed_pushed WHERE link IN (SELECT seq FROM fed_links WHERE peer = ?1)",
          "DELETE FROM fed_links WHERE peer = ?1"}) {
      auto st = c.Prepare(sql);
      if (!st.ok()) return st.status();
      st->Bind(1, name);
      ENTENTE_RETURN_IF_ERROR(st->Exec("remove peer state"));
    }
    return store_.Observe({ConfigChange::Subject::kPeer, std::string(name), "remove", {}});
  });
}

Result<Checkpoint> SqliteFederationState::GetCheckpoint(std::string_view peer, SyncDirection dir,
                                                        const CollectionLink& link) {
  auto r = store_.BorrowReader();
  if (!r.ok()) return r.status();
  auto st = (*r)->Prepare(
      "SELECT added_after, next_cursor, pushed_until_us, next_last, tombstones_until FROM "
      "fed_checkpoints WHERE peer = ?1 AND direction = ?2 AND remote_collection = ?3 AND "
      "local_collection = ?4");
  if (!st.ok()) return st.status();
  st->Bind(1, peer);
  st->Bind(2, std::string_view(DirName(dir)));
  st->Bind(3, link.remote);
  st->Bind(4, link.local);
  auto found = StepRow(*st, **r, "get checkpoint");
  if (!found.ok()) return found.status();
  Checkpoint cp;
  if (*found) {
    cp.added_after = st->String(0);
    cp.next = st->String(1);
    cp.pushed_until_us = st->Int(2);
    cp.next_last = st->String(3);
    cp.tombstones_until = st->Int(4);
  }
  return cp;
}

Status SqliteFederationState::PutCheckpointIn(Connection& c, std::string_view peer,
                                              SyncDirection dir, const CollectionLink& link,
                                              const Checkpoint& cp) {
  auto st = c.Prepare(
      "INSERT OR REPLACE INTO fed_checkpoints(peer, direction, remote_collection, "
      "local_collection, added_after, next_cursor, pushed_until_us, next_last, "
      "tombstones_until) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
  if (!st.ok()) return st.status();
  st->Bind(1, peer);
  st->Bind(2, std::string_view(DirName(dir)));
  st->Bind(3, link.remote);
  st->Bind(4, link.local);
  st->Bind(5, cp.added_after);
  st->Bind(6, cp.next);
  st->Bind(7, cp.pushed_until_us);
  st->Bind(8, cp.next_last);
  st->Bind(9, cp.tombstones_until);
  return st->Exec("put checkpoint");
}

Status SqliteFederationState::PutCheckpoint(std::string_view peer, SyncDirection dir,
                                            const CollectionLink& link, const Checkpoint& cp) {
  return store_.InWriteTransaction(
      "put checkpoint", [&](Connection& c) { return PutCheckpointIn(c, peer, dir, link, cp); });
}

Result<int64_t> SqliteFederationState::LinkSeq(Connection& c, std::string_view peer,
                                               const CollectionLink& link, bool create) {
  if (create) {
    auto ins = c.Prepare(
        "INSERT OR IGNORE INTO fed_links(peer, local_collection, remote_collection) "
        "VALUES(?1, ?2, ?3)");
    if (!ins.ok()) return ins.status();
    ins->Bind(1, peer);
    ins->Bind(2, link.local);
    ins->Bind(3, link.remote);
    ENTENTE_RETURN_IF_ERROR(ins->Exec("add push link"));
  }
  auto st = c.Prepare(
      "SELECT seq FROM fed_links WHERE peer = ?1 AND local_collection = ?2 AND "
      "remote_collection = ?3");
  if (!st.ok()) return st.status();
  st->Bind(1, peer);
  st->Bind(2, link.local);
  st->Bind(3, link.remote);
  auto found = StepRow(*st, c, "find push link");
  if (!found.ok()) return found.status();
  return *found ? st->Int(0) : int64_t{0};  // no such link yet: nothing was pushed through it
}

Status SqliteFederationState::CommitPush(std::string_view peer, const CollectionLink& link,
                                         const Checkpoint& cp,
                                         const std::vector<PushedVersion>& pushed) {
  return store_.InWriteTransaction("commit push", [&](Connection& c) -> Status {
    if (!pushed.empty()) {
      auto seq = LinkSeq(c, peer, link, /*create=*/true);
      if (!seq.ok()) return seq.status();
      auto ins = c.Prepare(
          "INSERT OR REPLACE INTO fed_pushed(link, version_key, remote_id) VALUES(?1, ?2, ?3)");
      if (!ins.ok()) return ins.status();
      for (const auto& v : pushed) {
        ins->Bind(1, *seq);
        ins->Bind(2, VersionKey(v.id, v.version));
        if (v.remote_id.empty()) {
          ins->BindNull(3);
        } else {
          ins->BindStatic(3, v.remote_id);
        }
        ENTENTE_RETURN_IF_ERROR(ins->Exec("record a pushed version"));
        ins->Reset();
      }
    }
    return PutCheckpointIn(c, peer, SyncDirection::kPush, link, cp);
  });
}

Result<std::optional<std::string>> SqliteFederationState::PushedAs(std::string_view peer,
                                                                   const CollectionLink& link,
                                                                   std::string_view id,
                                                                   std::string_view version) {
  auto r = store_.BorrowReader();
  if (!r.ok()) return r.status();
  // One snapshot for the link and its row.
  ENTENTE_RETURN_IF_ERROR((*r)->ExecScript("BEGIN", "pushed as: begin"));
  auto result = [&]() -> Result<std::optional<std::string>> {
    auto seq = LinkSeq(**r, peer, link, /*create=*/false);
    if (!seq.ok()) return seq.status();
    if (*seq == 0) return std::optional<std::string>();
    auto st =
        (*r)->Prepare("SELECT remote_id FROM fed_pushed WHERE link = ?1 AND version_key = ?2");
    if (!st.ok()) return st.status();
    st->Bind(1, *seq);
    st->Bind(2, VersionKey(id, version));
    auto found = StepRow(*st, **r, "find a pushed version");
    if (!found.ok()) return found.status();
    if (!*found) return std::optional<std::string>();
    return std::optional<std::string>(st->IsNull(0) ? std::string(id) : st->String(0));
  }();
  (void)(*r)->ExecScript("COMMIT", "pushed as: end");  // a read: nothing to lose
  return result;
}

Status SqliteFederationState::CommitDeletions(
    std::string_view peer, const CollectionLink& link, const Checkpoint& cp,
    const std::vector<std::pair<std::string, std::string>>& deleted) {
  return store_.InWriteTransaction("commit deletions", [&](Connection& c) -> Status {
    auto seq = LinkSeq(c, peer, link, /*create=*/false);
    if (!seq.ok()) return seq.status();
    if (*seq != 0 && !deleted.empty()) {
      auto del = c.Prepare("DELETE FROM fed_pushed WHERE link = ?1 AND version_key = ?2");
      if (!del.ok()) return del.status();
      for (const auto& [id, version] : deleted) {
        del->Bind(1, *seq);
        del->Bind(2, VersionKey(id, version));
        ENTENTE_RETURN_IF_ERROR(del->Exec("forget a deleted version"));
        del->Reset();
      }
    }
    return PutCheckpointIn(c, peer, SyncDirection::kPush, link, cp);
  });
}

Result<PeerStatus> SqliteFederationState::GetStatus(std::string_view peer) {
  auto r = store_.BorrowReader();
  if (!r.ok()) return r.status();
  auto st = (*r)->Prepare(
      "SELECT last_attempt_us, last_success_us, lag_us, last_error, pulled, pushed, withheld, "
      "refused, failures, deleted FROM fed_status WHERE peer = ?1");
  if (!st.ok()) return st.status();
  st->Bind(1, peer);
  auto found = StepRow(*st, **r, "get peer status");
  if (!found.ok()) return found.status();
  PeerStatus s;
  if (*found) {
    s.last_attempt_us = st->Int(0);
    s.last_success_us = st->Int(1);
    s.lag_us = st->Int(2);
    s.last_error = st->String(3);
    s.pulled = st->Int(4);
    s.pushed = st->Int(5);
    s.withheld = st->Int(6);
    s.refused = st->Int(7);
    s.failures = st->Int(8);
    s.deleted = st->Int(9);
  }
  return s;
}

Status SqliteFederationState::PutStatus(std::string_view peer, const PeerStatus& s) {
  return store_.InWriteTransaction("put peer status", [&](Connection& c) -> Status {
    auto st = c.Prepare(
        "INSERT OR REPLACE INTO fed_status(peer, last_attempt_us, last_success_us, lag_us, "
        "last_error, pulled, pushed, withheld, refused, failures, deleted) "
        "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)");
    if (!st.ok()) return st.status();
    st->Bind(1, peer);
    st->Bind(2, s.last_attempt_us);
    st->Bind(3, s.last_success_us);
    st->Bind(4, s.lag_us);
    st->Bind(5, s.last_error);
    st->Bind(6, s.pulled);
    st->Bind(7, s.pushed);
    st->Bind(8, s.withheld);
    st->Bind(9, s.refused);
    st->Bind(10, s.failures);
    st->Bind(11, s.deleted);
    return st->Exec("put peer status");
  });
}

Status SqliteFederationState::KeepWitnessedHead(std::string_view peer, const WitnessedHead& h) {
  return store_.InWriteTransaction("keep a witnessed head", [&](Connection& c) -> Status {
    auto st = c.Prepare(
        "INSERT INTO fed_witnessed_heads(peer, seen_us, tree_size, head, public_key) "
        "VALUES(?1, ?2, ?3, ?4, ?5)");
    if (!st.ok()) return st.status();
    st->Bind(1, peer);
    st->Bind(2, h.seen_us);
    st->Bind(3, static_cast<int64_t>(h.tree_size));
    st->Bind(4, h.head);
    st->Bind(5, h.public_key);
    return st->Exec("keep a witnessed head");
  });
}

Result<std::vector<WitnessedHead>> SqliteFederationState::WitnessedHeads(std::string_view peer,
                                                                         bool newest,
                                                                         size_t limit) {
  auto r = store_.BorrowReader();
  if (!r.ok()) return r.status();
  auto st = (*r)->Prepare(
      newest ? "SELECT seen_us, tree_size, head, public_key FROM (SELECT * FROM "
               "fed_witnessed_heads WHERE peer = ?1 ORDER BY seq DESC LIMIT ?2) ORDER BY seq"
             : "SELECT seen_us, tree_size, head, public_key FROM fed_witnessed_heads WHERE "
               "peer = ?1 ORDER BY seq LIMIT ?2");
  if (!st.ok()) return st.status();
  st->Bind(1, peer);
  st->Bind(2, limit == 0 ? int64_t{-1} : static_cast<int64_t>(limit));
  std::vector<WitnessedHead> out;
  for (;;) {
    auto row = StepRow(*st, **r, "read witnessed heads");
    if (!row.ok()) return row.status();
    if (!*row) break;
    out.push_back({st->Int(0), static_cast<uint64_t>(st->Int(1)), st->String(2), st->String(3)});
  }
  return out;
}

Status SqliteFederationState::RaiseWitnessAlarm(std::string_view peer, const WitnessAlarm& a) {
  return store_.InWriteTransaction("raise a witness alarm", [&](Connection& c) -> Status {
    auto st = c.Prepare(
        "INSERT INTO fed_witness_alarms(peer, time_us, message, evidence) VALUES(?1, ?2, ?3, ?4)");
    if (!st.ok()) return st.status();
    st->Bind(1, peer);
    st->Bind(2, a.time_us);
    st->Bind(3, a.message);
    st->Bind(4, a.evidence);
    return st->Exec("raise a witness alarm");
  });
}

Result<std::vector<WitnessAlarm>> SqliteFederationState::WitnessAlarms(std::string_view peer) {
  auto r = store_.BorrowReader();
  if (!r.ok()) return r.status();
  auto st = (*r)->Prepare(
      "SELECT time_us, message, evidence FROM fed_witness_alarms WHERE peer = ?1 ORDER BY seq");
  if (!st.ok()) return st.status();
  st->Bind(1, peer);
  std::vector<WitnessAlarm> out;
  for (;;) {
    auto row = StepRow(*st, **r, "read witness alarms");
    if (!row.ok()) return row.status();
    if (!*row) break;
    out.push_back({st->Int(0), st->String(1), st->String(2)});
  }
  return out;
}

Result<std::unique_ptr<FederationState>> OpenSqliteFederationState(Store& store) {
  auto* sqlite = dynamic_cast<SqliteStore*>(&store);
  if (sqlite == nullptr) {
    return Status::InvalidArgument(
        "the SQLite federation state needs a store from OpenSqliteStore");
  }
  auto state = std::make_unique<SqliteFederationState>(*sqlite);
  ENTENTE_RETURN_IF_ERROR(state->Prepare());
  return std::unique_ptr<FederationState>(std::move(state));
}

}  // namespace entente::store
