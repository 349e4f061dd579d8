#include "taxii/testing/memory_store.h"

#include <algorithm>
#include <unordered_map>

namespace entente::taxii::testing {

using namespace entente::store;  // NOLINT(google-build-using-namespace): .cc only

Status MemoryStore::PutSettings(const NodeSettings& settings) {
  std::lock_guard<std::mutex> lock(mu_);
  settings_ = settings;
  return Status::Ok();
}

Result<NodeSettings> MemoryStore::GetSettings() {
  std::lock_guard<std::mutex> lock(mu_);
  if (!settings_) return Status::NotFound("node settings not set");
  return *settings_;
}

Status MemoryStore::PutOrganisation(const Organisation& org) {
  std::lock_guard<std::mutex> lock(mu_);
  orgs_[org.id] = org;
  return Status::Ok();
}

Result<Organisation> MemoryStore::GetOrganisation(std::string_view id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = orgs_.find(id);
  if (it == orgs_.end()) return Status::NotFound("no organisation " + std::string(id));
  return it->second;
}

Result<std::vector<Organisation>> MemoryStore::ListOrganisations() {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<Organisation> out;
  for (const auto& [k, v] : orgs_) out.push_back(v);
  return out;
}

Status MemoryStore::DeleteOrganisation(std::string_view id) {
  std::lock_guard<std::mutex> lock(mu_);
  if (orgs_.erase(std::string(id)) == 0) return Status::NotFound("no organisation");
  std::erase_if(tokens_, [&](const auto& kv) { return kv.second.first.org_id == id; });
  return Status::Ok();
}

Status MemoryStore::AddToken(const TokenInfo& info, std::string_view secret_sha256_hex) {
  std::lock_guard<std::mutex> lock(mu_);
  tokens_[std::string(secret_sha256_hex)] = {info, std::string(secret_sha256_hex)};
  return Status::Ok();
}

Result<TokenInfo> MemoryStore::FindTokenByHash(std::string_view secret_sha256_hex) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = tokens_.find(secret_sha256_hex);
  if (it == tokens_.end()) return Status::NotFound("no such token");
  return it->second.first;
}

Result<std::vector<TokenInfo>> MemoryStore::ListTokens(std::string_view org_id) {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<TokenInfo> out;
  for (const auto& [k, v] : tokens_) {
    if (org_id.empty() || v.first.org_id == org_id) out.push_back(v.first);
  }
  return out;
}

Status MemoryStore::RevokeToken(std::string_view token_id) {
  std::lock_guard<std::mutex> lock(mu_);
  size_t n =
      std::erase_if(tokens_, [&](const auto& kv) { return kv.second.first.token_id == token_id; });
  return n ? Status::Ok() : Status::NotFound("no such token");
}

Status MemoryStore::PutApiRoot(const ApiRoot& root) {
  std::lock_guard<std::mutex> lock(mu_);
  roots_[root.name] = root;
  return Status::Ok();
}

Result<std::vector<ApiRoot>> MemoryStore::ListApiRoots() {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<ApiRoot> out;
  for (const auto& [k, v] : roots_) out.push_back(v);
  return out;
}

Status MemoryStore::PutCollection(const Collection& c) {
  std::lock_guard<std::mutex> lock(mu_);
  colls_[c.id].meta = c;
  return Status::Ok();
}

Result<Collection> MemoryStore::GetCollection(std::string_view id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = colls_.find(id);
  if (it == colls_.end()) return Status::NotFound("no collection " + std::string(id));
  return it->second.meta;
}

Result<std::vector<Collection>> MemoryStore::ListCollections(std::string_view api_root) {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<Collection> out;
  for (const auto& [k, v] : colls_) {
    if (api_root.empty() || v.meta.api_root == api_root) out.push_back(v.meta);
  }
  return out;
}

Status MemoryStore::DeleteCollection(std::string_view id) {
  std::lock_guard<std::mutex> lock(mu_);
  return colls_.erase(std::string(id)) ? Status::Ok() : Status::NotFound("no collection");
}

namespace {

// The key of a stored row in Coll::keys: (id, version), and the owner for an unversioned
// object, which is kept one copy per owner.
std::string RowKey(const NewObject& o, std::string_view owner) {
  std::string key = o.id + '\n' + o.version;
  if (o.version.empty()) (key += '\n') += owner;
  return key;
}

}  // namespace

Result<std::vector<AddResult>> MemoryStore::AddObjectsAndCheckpoint(
    std::string_view collection_id, const std::vector<NewObject>& objects, std::string_view name,
    std::string_view checkpoint) {
  // One lock for both: no reader sees the objects without the checkpoint.
  std::lock_guard<std::mutex> lock(mu_);
  auto added = AddObjectsLocked(collection_id, objects);
  if (added.ok()) checkpoints_[std::string(name)] = std::string(checkpoint);
  return added;
}

Result<std::string> MemoryStore::GetCheckpoint(std::string_view name) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = checkpoints_.find(name);
  return it == checkpoints_.end() ? std::string() : it->second;
}

Result<std::vector<AddResult>> MemoryStore::AddObjects(std::string_view collection_id,
                                                       const std::vector<NewObject>& objects) {
  std::lock_guard<std::mutex> lock(mu_);
  return AddObjectsLocked(collection_id, objects);
}

Result<std::vector<AddResult>> MemoryStore::AddObjectsLocked(
    std::string_view collection_id, const std::vector<NewObject>& objects) {
  auto it = colls_.find(collection_id);
  if (it == colls_.end()) return Status::NotFound("no collection " + std::string(collection_id));
  Coll& c = it->second;
  std::vector<AddResult> results;
  for (const auto& obj : objects) {
    AddResult r;
    std::string owner = obj.labels.owner_org;
    if (!obj.version.empty()) {
      auto o = c.owner.find(obj.id);
      if (o != c.owner.end() && o->second != owner) {
        if (!obj.override_owner) {
          results.push_back({AddOutcome::kNotOwner, 0, {}});
          continue;
        }
        r.overridden_owner = owner = o->second;
      }
    }
    std::string key = RowKey(obj, owner);
    if (c.keys.count(key)) {
      r.outcome = AddOutcome::kDuplicate;
      for (const auto& row : c.rows) {
        if (row.object.id == obj.id && row.object.version == obj.version &&
            row.object.labels.owner_org == owner) {
          r.date_added_us = row.date_added_us;
        }
      }
    } else {
      if (obj.provenance) {  // only with a version it adds; the first is kept
        c.provenance.try_emplace(obj.id + '\n' + obj.version, *obj.provenance);
      }
      int64_t now = std::max(clock_.NowMicros(), c.last_added_us + 1);
      c.last_added_us = now;
      c.keys.insert(std::move(key));
      NewObject stored = obj;
      stored.labels.owner_org = owner;
      stored.override_owner = false;
      // An unversioned object's copies are its versions in date_added order.
      if (stored.version.empty()) stored.version_us = now;
      if (!stored.version.empty()) c.owner.try_emplace(stored.id, owner);
      auto [e, inserted] = c.span.try_emplace(obj.id, stored.version_us, stored.version_us);
      if (!inserted) {
        e->second.first = std::min(e->second.first, stored.version_us);
        e->second.second = std::max(e->second.second, stored.version_us);
      }
      c.rows.push_back({now, std::move(stored), &e->second});
      r.date_added_us = now;
    }
    results.push_back(std::move(r));
  }
  return results;
}

Status MemoryStore::ScanObjects(const ObjectQuery& query,
                                const std::function<ScanAction(const ObjectRow&)>& visit) {
  std::lock_guard<std::mutex> lock(mu_);
  if (scan_fault_) ENTENTE_RETURN_IF_ERROR(scan_fault_(query));
  auto it = colls_.find(query.collection_id);
  if (it == colls_.end()) return Status::NotFound("no collection " + query.collection_id);
  const Coll& c = it->second;
  const auto& rows = c.rows;
  auto in = [](const std::vector<std::string>& list, const std::string& v) {
    return list.empty() || std::find(list.begin(), list.end(), v) != list.end();
  };
  auto start = rows.begin();
  if (query.added_after_us) {
    start = std::upper_bound(rows.begin(), rows.end(), *query.added_after_us,
                             [](int64_t t, const Row& row) { return t < row.date_added_us; });
  }
  const size_t first = static_cast<size_t>(start - rows.begin());
  for (size_t i = 0; i < rows.size() - first; ++i) {
    const Row& row = rows[query.newest_first ? rows.size() - 1 - i : first + i];
    const NewObject& o = row.object;
    if (!in(query.ids, o.id) || !in(query.types, o.type) ||
        !in(query.spec_versions, o.spec_version)) {
      continue;
    }
    if (query.visible && !query.visible(o.labels)) continue;
    const auto& s = *row.span;
    // With a visibility filter, first/last are the oldest/newest version it accepts: a
    // version that is not the stored first/last looks at the others.
    auto extreme = [&](bool newest) {
      if (o.version_us == (newest ? s.second : s.first)) return true;
      if (!query.visible) return false;
      for (const Row& other : rows) {
        if (other.object.id != o.id) continue;
        const int64_t v = other.object.version_us;
        if ((newest ? v > o.version_us : v < o.version_us) && query.visible(other.object.labels)) {
          return false;
        }
      }
      return true;
    };
    bool version_ok = query.match_all || (query.match_first && extreme(false)) ||
                      (query.match_last && extreme(true)) ||
                      std::find(query.version_us.begin(), query.version_us.end(), o.version_us) !=
                          query.version_us.end();
    if (!version_ok) continue;
    ObjectRow r{row.date_added_us, o.id, o.type, o.spec_version, o.version, o.json, o.labels};
    if (visit(r) == ScanAction::kStop) break;
  }
  return Status::Ok();
}

Result<int64_t> MemoryStore::DeleteObject(std::string_view collection_id, std::string_view id,
                                          const std::vector<std::string>& versions,
                                          std::string_view owner_org) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = colls_.find(collection_id);
  if (it == colls_.end()) return Status::NotFound("no collection");
  Coll& c = it->second;
  const int64_t now = clock_.NowMicros();
  const auto removed = std::erase_if(c.rows, [&](const Row& row) {
    if (row.object.id != id ||
        (!versions.empty() &&
         std::find(versions.begin(), versions.end(), row.object.version) == versions.end()) ||
        (!owner_org.empty() && row.object.labels.owner_org != owner_org)) {
      return false;
    }
    c.keys.erase(RowKey(row.object, row.object.labels.owner_org));
    c.tombstones.push_back({++last_tombstone_seq_, row.object.id, row.object.version, now});
    return true;
  });
  if (removed > 0) {
    c.RecomputeSpan(std::string(id));
    if (std::none_of(c.rows.begin(), c.rows.end(), [&](const Row& row) {
          return row.object.id == id && !row.object.version.empty();
        })) {
      c.owner.erase(std::string(id));
    }
  }
  return static_cast<int64_t>(removed);
}

void MemoryStore::Coll::RecomputeSpan(const std::string& id) {
  // The entry stays (rows point into it); without rows it is simply unused.
  auto e = span.find(id);
  if (e == span.end()) return;
  bool any = false;
  for (const Row& row : rows) {
    if (row.object.id != id) continue;
    const int64_t v = row.object.version_us;
    e->second = any ? std::pair{std::min(e->second.first, v), std::max(e->second.second, v)}
                    : std::pair{v, v};
    any = true;
  }
}

Result<std::vector<Tombstone>> MemoryStore::ListTombstones(std::string_view collection_id,
                                                           int64_t after_seq, size_t limit) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = colls_.find(collection_id);
  if (it == colls_.end()) return Status::NotFound("no collection " + std::string(collection_id));
  const auto& all = it->second.tombstones;
  auto start = std::upper_bound(all.begin(), all.end(), after_seq,
                                [](int64_t s, const Tombstone& t) { return s < t.seq; });
  std::vector<Tombstone> out;
  for (auto t = start; t != all.end() && out.size() < limit; ++t) out.push_back(*t);
  return out;
}

Result<int64_t> MemoryStore::CountObjects(std::string_view collection_id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = colls_.find(collection_id);
  if (it == colls_.end()) return Status::NotFound("no collection");
  return static_cast<int64_t>(it->second.rows.size());
}

Status MemoryStore::PutStatus(const StatusRecord& status) {
  std::lock_guard<std::mutex> lock(mu_);
  if (put_status_fault_) ENTENTE_RETURN_IF_ERROR(put_status_fault_(status));
  statuses_[status.id] = status;
  return Status::Ok();
}

void MemoryStore::SetPutStatusFault(std::function<Status(const StatusRecord&)> fault) {
  std::lock_guard<std::mutex> lock(mu_);
  put_status_fault_ = std::move(fault);
}

Result<std::vector<StatusRecord>> MemoryStore::ListPendingStatuses() {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<StatusRecord> out;
  for (const auto& [id, status] : statuses_) {
    if (status.status == "pending") out.push_back(status);
  }
  return out;
}

Result<StatusRecord> MemoryStore::GetStatus(std::string_view id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = statuses_.find(id);
  if (it == statuses_.end()) return Status::NotFound("no status " + std::string(id));
  return it->second;
}

Result<std::vector<std::optional<Provenance>>> MemoryStore::GetProvenances(
    std::string_view collection_id,
    const std::vector<std::pair<std::string_view, std::string_view>>& versions) {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::optional<Provenance>> out(versions.size());
  auto it = colls_.find(collection_id);
  if (it == colls_.end()) return out;  // as SQLite: provenance is not tied to the collection row
  for (size_t i = 0; i < versions.size(); ++i) {
    std::string key(versions[i].first);
    key += '\n';
    key += versions[i].second;
    auto p = it->second.provenance.find(key);
    if (p != it->second.provenance.end()) out[i] = p->second;
  }
  return out;
}

void MemoryStore::FailScansWhen(std::function<Status(const ObjectQuery&)> fault) {
  std::lock_guard<std::mutex> lock(mu_);
  scan_fault_ = std::move(fault);
}

// Walks every row: a test store, not an index.
Status MemoryStore::ScanValueHolders(const std::vector<std::string>& values,
                                     const std::function<ScanAction(const ValueHolder&)>& visit) {
  std::lock_guard<std::mutex> lock(mu_);
  for (const std::string& value : values) {
    for (const auto& [coll_id, coll] : colls_) {
      for (const Row& row : coll.rows) {
        const NewObject& o = row.object;
        if (std::find(o.values.begin(), o.values.end(), value) == o.values.end()) continue;
        if (visit(ValueHolder{value, coll_id, o.id, o.type, o.version}) == ScanAction::kStop) {
          return Status::Ok();
        }
      }
    }
  }
  return Status::Ok();
}

}  // namespace entente::taxii::testing
