// store/memory_federation_state: a FederationState kept in memory, for tests.
//
// Implements the FederationState contract (store/federation_state.h) with maps under one
// mutex: what a second backend needs, and nothing of SQLite. Nothing survives the
// object. Safe for concurrent use.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <tuple>

#include "store/federation_state.h"

namespace entente::store {

class MemoryFederationState final : public FederationState {
 public:
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
  // (peer, direction, remote, local)
  using LinkKey = std::tuple<std::string, SyncDirection, std::string, std::string>;
  // (peer, remote, local, id, version) -> the id the peer holds it by
  using PushedKey = std::tuple<std::string, std::string, std::string, std::string, std::string>;

  std::mutex mu_;
  std::map<std::string, Peer, std::less<>> peers_;
  std::map<LinkKey, Checkpoint> checkpoints_;
  std::map<PushedKey, std::string> pushed_;
  std::map<std::string, PeerStatus, std::less<>> status_;
  std::map<std::string, std::vector<WitnessedHead>, std::less<>> heads_;
  std::map<std::string, std::vector<WitnessAlarm>, std::less<>> alarms_;
};

}  // namespace entente::store
