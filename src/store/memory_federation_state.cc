#include "store/memory_federation_state.h"

namespace entente::store {

Status MemoryFederationState::AddPeer(const Peer& peer) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!peers_.emplace(peer.name, peer).second) {
    return Status::AlreadyExists("a peer with this name exists (name: " + peer.name + ")");
  }
  return Status::Ok();
}

Status MemoryFederationState::PutPeer(const Peer& peer) {
  std::lock_guard<std::mutex> lock(mu_);
  peers_[peer.name] = peer;
  return Status::Ok();
}

Result<Peer> MemoryFederationState::GetPeer(std::string_view name) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = peers_.find(name);
  if (it == peers_.end()) return Status::NotFound("no such peer (name: " + std::string(name) + ")");
  return it->second;
}

Result<std::vector<Peer>> MemoryFederationState::ListPeers() {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<Peer> out;
  for (const auto& [name, peer] : peers_) out.push_back(peer);
  return out;
}

Status MemoryFederationState::RemovePeer(std::string_view name) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = peers_.find(name);
  if (it == peers_.end()) return Status::NotFound("no such peer (name: " + std::string(name) + ")");
  peers_.erase(it);
  std::erase_if(checkpoints_, [&](const auto& kv) { return std::get<0>(kv.first) == name; });
  std::erase_if(pushed_, [&](const auto& kv) { return std::get<0>(kv.first) == name; });
  auto st = status_.find(name);
  if (st != status_.end()) status_.erase(st);
  if (auto h = heads_.find(name); h != heads_.end()) heads_.erase(h);
  if (auto a = alarms_.find(name); a != alarms_.end()) alarms_.erase(a);
  return Status::Ok();
}

Result<Checkpoint> MemoryFederationState::GetCheckpoint(std::string_view peer, SyncDirection dir,
                                                        const CollectionLink& link) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = checkpoints_.find({std::string(peer), dir, link.remote, link.local});
  return it == checkpoints_.end() ? Checkpoint() : it->second;
}

Status MemoryFederationState::PutCheckpoint(std::string_view peer, SyncDirection dir,
                                            const CollectionLink& link, const Checkpoint& cp) {
  std::lock_guard<std::mutex> lock(mu_);
  checkpoints_[{std::string(peer), dir, link.remote, link.local}] = cp;
  return Status::Ok();
}

Status MemoryFederationState::CommitPush(std::string_view peer, const CollectionLink& link,
                                         const Checkpoint& cp,
                                         const std::vector<PushedVersion>& pushed) {
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& v : pushed) {
    pushed_[{std::string(peer), link.remote, link.local, v.id, v.version}] =
        v.remote_id.empty() ? v.id : v.remote_id;
  }
  checkpoints_[{std::string(peer), SyncDirection::kPush, link.remote, link.local}] = cp;
  return Status::Ok();
}

Result<std::optional<std::string>> MemoryFederationState::PushedAs(std::string_view peer,
                                                                   const CollectionLink& link,
                                                                   std::string_view id,
                                                                   std::string_view version) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = pushed_.find(
      {std::string(peer), link.remote, link.local, std::string(id), std::string(version)});
  if (it == pushed_.end()) return std::optional<std::string>();
  return std::optional<std::string>(it->second);
}

Status MemoryFederationState::CommitDeletions(
    std::string_view peer, const CollectionLink& link, const Checkpoint& cp,
    const std::vector<std::pair<std::string, std::string>>& deleted) {
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& [id, version] : deleted) {
    pushed_.erase({std::string(peer), link.remote, link.local, id, version});
  }
  checkpoints_[{std::string(peer), SyncDirection::kPush, link.remote, link.local}] = cp;
  return Status::Ok();
}

Result<PeerStatus> MemoryFederationState::GetStatus(std::string_view peer) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = status_.find(peer);
  return it == status_.end() ? PeerStatus() : it->second;
}

Status MemoryFederationState::PutStatus(std::string_view peer, const PeerStatus& status) {
  std::lock_guard<std::mutex> lock(mu_);
  status_[std::string(peer)] = status;
  return Status::Ok();
}

Status MemoryFederationState::KeepWitnessedHead(std::string_view peer, const WitnessedHead& head) {
  std::lock_guard<std::mutex> lock(mu_);
  heads_[std::string(peer)].push_back(head);
  return Status::Ok();
}

Result<std::vector<WitnessedHead>> MemoryFederationState::WitnessedHeads(std::string_view peer,
                                                                         bool newest,
                                                                         size_t limit) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = heads_.find(peer);
  if (it == heads_.end()) return std::vector<WitnessedHead>();
  const auto& all = it->second;
  if (limit == 0 || limit >= all.size()) return all;
  return newest ? std::vector<WitnessedHead>(all.end() - limit, all.end())
                : std::vector<WitnessedHead>(all.begin(), all.begin() + limit);
}

Status MemoryFederationState::RaiseWitnessAlarm(std::string_view peer, const WitnessAlarm& alarm) {
  std::lock_guard<std::mutex> lock(mu_);
  alarms_[std::string(peer)].push_back(alarm);
  return Status::Ok();
}

Result<std::vector<WitnessAlarm>> MemoryFederationState::WitnessAlarms(std::string_view peer) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = alarms_.find(peer);
  if (it == alarms_.end()) return std::vector<WitnessAlarm>();
  return it->second;
}

}  // namespace entente::store
