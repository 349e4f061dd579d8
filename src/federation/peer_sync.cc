#include "federation/peer_sync.h"

#include <algorithm>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <future>

#include "admission/admission.h"
#include "common/timestamp.h"
#include "federation/egress.h"
#include "policy/egress.h"
#include "policy/ingress.h"
#include "taxii/provenance.h"

namespace entente::federation {
namespace {

namespace json = boost::json;

Status Prefixed(const Status& s, const std::string& prefix) {
  return Status(s.code(), prefix + s.message());
}

}  // namespace

PeerSyncer::PeerSyncer(store::Store& store, store::FederationState& peers, std::string local_node,
                       Peer peer, SyncLimits limits, std::unique_ptr<taxii::TaxiiClient> client,
                       LogFn log, Clock& clock)
    : store_(store),
      peers_(peers),
      local_node_(std::move(local_node)),
      peer_(std::move(peer)),
      limits_(std::move(limits)),
      client_(std::move(client)),
      log_(std::move(log)),
      clock_(clock) {}

void PeerSyncer::Log(const std::string& line) {
  if (log_) log_("federation: peer " + peer_.name + ": " + line);
}

Status PeerSyncer::RunRound(RoundReport* report) {
  local_identities_.clear();
  auto orgs = store_.ListOrganisations();
  if (!orgs.ok()) return orgs.status();
  for (const auto& o : *orgs) {
    if (!o.identity_id.empty()) local_identities_.push_back(o.identity_id);
  }
  Status first_error;
  int64_t budget = peer_.quota;
  for (const auto& link : peer_.pull) {
    Status s = Pull(link, &budget, report);
    if (!s.ok() && first_error.ok()) first_error = s;
  }
  if (budget <= 0) report->more = true;
  budget = peer_.quota;
  for (const auto& link : peer_.push) {
    Status s = Push(link, &budget, report);
    // Deletions follow the objects (the peer may hold a version only once it is pushed).
    if (s.ok()) s = PushDeletions(link, &budget, report);
    if (!s.ok() && first_error.ok()) first_error = s;
  }
  if (budget <= 0) report->more = true;
  return first_error;
}

Result<bool> PeerSyncer::HeldLocally(const std::string& collection, const stix::ObjectKey& key) {
  bool held = false;
  store::ObjectQuery q;
  q.collection_id = collection;
  q.ids = {key.id};
  q.match_last = false;
  q.match_all = true;
  ENTENTE_RETURN_IF_ERROR(store_.ScanObjects(q, [&](const store::ObjectRow& row) {
    held = row.version == key.version;
    return held ? store::ScanAction::kStop : store::ScanAction::kContinue;
  }));
  return held;
}

namespace {

// What the log says about a refused object: the first broken MUST rule, or the rule that
// refused it.
std::string LogReason(const admission::Refusal& refusal) {
  const stix::Finding& f = refusal.findings.front();
  if (refusal.kind != admission::RefusalKind::kInvalid) return f.message;
  return "invalid (" + f.property + ": " + f.rule + ") " + f.message;
}

// The checkpoint once `page` (fetched from `c`) is stored: inside a paging the `next`
// cursor, at its end added_after = the last page's X-TAXII-Date-Added-Last.
Checkpoint AdvancePull(Checkpoint c, const taxii::ObjectsPage& page) {
  if (!page.objects.empty() && !page.date_added_last.empty()) c.next_last = page.date_added_last;
  if (page.more && !page.next.empty()) {
    c.next = page.next;
  } else {
    c.next.clear();
    if (!c.next_last.empty()) c.added_after = c.next_last;
    c.next_last.clear();
  }
  return c;
}

}  // namespace

Status PeerSyncer::Pull(const CollectionLink& link, int64_t* budget, RoundReport* report) {
  const std::string where = "pull " + link.remote + " -> " + link.local + ": ";
  auto collection = store_.GetCollection(link.local);
  if (!collection.ok()) return Prefixed(collection.status(), where + "local collection: ");
  auto cp = peers_.GetCheckpoint(peer_.name, Direction::kPull, link);
  if (!cp.ok()) return cp.status();
  Checkpoint c = *cp;
  // Every object received goes through the one way in, as an object from this peer.
  admission::Submitter from;
  from.channel = admission::Channel::kPeer;
  from.peer = policy::IngressPeer{peer_.name, peer_.local_org, peer_.recipients};
  from.local_identities = local_identities_;
  admission::Admission admission(*collection, std::move(from),
                                 admission::Options{limits_.validate, limits_.max_object_bytes});
  // The next page is requested while this one is checked and stored (the client is used
  // by the fetching thread only while a fetch is in flight).
  auto fetch = [this, &link](const Checkpoint& from, int64_t left) {
    taxii::ObjectsQuery q;
    q.limit = static_cast<size_t>(std::min<int64_t>(left, static_cast<int64_t>(limits_.page_size)));
    q.added_after = from.added_after;
    q.next = from.next;
    q.match = {{"version", "all"}};  // every version, not only the last (TAXII's default)
    return client_->GetObjects(link.remote, q);
  };
  if (*budget <= 0) return Status::Ok();
  // Checked pages are stored together, with their provenance, every commit_every objects
  // and when the round ends: provenance and the id index are keyed by hashes, so each
  // commit rewrites pages all over them, and fewer commits rewrite fewer pages. A full batch is
  // saved on a helper thread while the next one is fetched and checked (memory: two batches at
  // most); saves run one at a time, in order. `c` is where the next fetch starts; a save records
  // the checkpoint of its batch only once everything in it is stored.
  struct Saved {
    int64_t pulled = 0, duplicates = 0;
  };
  auto save = [this, &link, &where](std::vector<store::NewObject> objects,
                                    Checkpoint at) -> Result<Saved> {
    Saved saved;
    if (!objects.empty()) {
      auto added = store_.AddObjects(link.local, objects);
      if (!added.ok()) return Prefixed(added.status(), where + "store: ");
      for (const auto& a : *added) {
        ++(a.outcome == store::AddOutcome::kAdded ? saved.pulled : saved.duplicates);
      }
    }
    // Only now, after the store committed, does the checkpoint move.
    ENTENTE_RETURN_IF_ERROR(peers_.PutCheckpoint(peer_.name, Direction::kPull, link, at));
    return saved;
  };
  std::vector<store::NewObject> batch;
  bool unsaved = false;
  std::future<Result<Saved>> saving;
  auto wait_saved = [&]() -> Status {
    if (!saving.valid()) return Status::Ok();
    auto saved = saving.get();
    if (!saved.ok()) return saved.status();
    report->pulled += saved->pulled;
    report->duplicates += saved->duplicates;
    return Status::Ok();
  };
  auto flush = [&](bool in_background) -> Status {
    ENTENTE_RETURN_IF_ERROR(wait_saved());
    if (unsaved) {
      saving = std::async(std::launch::async, save, std::move(batch), c);
      batch = {};
      unsaved = false;
    }
    return in_background ? Status::Ok() : wait_saved();
  };
  std::future<Result<taxii::ObjectsPage>> in_flight =
      std::async(std::launch::async, fetch, c, *budget);
  while (in_flight.valid()) {
    auto page = in_flight.get();
    if (!page.ok()) {
      ENTENTE_RETURN_IF_ERROR(flush(false));  // what arrived before the failure is kept
      if (!c.next.empty() && (page.status().code() == StatusCode::kNotFound ||
                              page.status().code() == StatusCode::kInvalidArgument)) {
        // The cursor may have expired: resume from added_after next round.
        c.next.clear();
        c.next_last.clear();
        (void)peers_.PutCheckpoint(peer_.name, Direction::kPull, link, c);
      }
      return Prefixed(page.status(), where);
    }
    const Checkpoint after = AdvancePull(c, *page);
    *budget -= static_cast<int64_t>(page->objects.size());
    if (page->more && !page->objects.empty() && *budget > 0) {
      in_flight = std::async(std::launch::async, fetch, after, *budget);
    }
    for (const json::object& obj : page->objects) {
      store::NewObject& n = batch.emplace_back();
      auto refusal = admission.Admit(obj, &n);
      if (!refusal) {
        // Stored with the version: the path the peer gives (an entente node), with the
        // peer last, else the peer alone.
        Provenance p{peer_.name, {peer_.name}};
        if (const Provenance* claimed = taxii::FindProvenance(page->provenance, n.id, n.version)) {
          if (std::find(claimed->path.begin(), claimed->path.end(), local_node_) !=
              claimed->path.end()) {
            // It came from or through this node (a peer that knows it under another name):
            // already here, not stored again.
            batch.pop_back();
            ++report->duplicates;
            continue;
          }
          p = *claimed;
          if (p.path.back() != peer_.name) p.path.push_back(peer_.name);
        }
        n.provenance = std::move(p);
        continue;
      }
      batch.pop_back();
      if (refusal->kind == admission::RefusalKind::kForged) {
        auto held =
            HeldLocally(link.local, stix::ObjectKey{refusal->id, "", "", refusal->version, 0});
        if (!held.ok()) {
          // What was checked before is kept; a failure to save it would only repeat this.
          (void)flush(false);
          return Prefixed(held.status(), where + "local collection: ");
        }
        if (*held) {
          ++report->duplicates;  // our own object coming back: a duplicate, not a forgery
          continue;
        }
      }
      ++report->refused;
      Log("refused " + (refusal->id.empty() ? std::string("(no id)") : refusal->id) +
          " from collection " + link.remote + ": " + LogReason(*refusal));
    }
    if (!page->objects.empty() && !page->date_added_last.empty()) {
      auto ts = ParseTimestamp(page->date_added_last);
      if (ts.ok()) report->lag_us = std::max<int64_t>(0, clock_.NowMicros() - ts->micros);
    }
    c = after;
    unsaved = true;
    if (batch.size() >= limits_.commit_every) ENTENTE_RETURN_IF_ERROR(flush(true));
  }
  return flush(false);
}

Result<PeerSyncer::PushPage> PeerSyncer::PreparePushPage(const CollectionLink& link,
                                                         int64_t after_us, size_t want,
                                                         const policy::PeerProfile& profile,
                                                         const std::vector<Peer>& all_peers) {
  struct Row {
    int64_t date_added_us;
    std::string id, version, json;
    policy::Labels labels;
  };
  std::vector<Row> rows;
  store::ObjectQuery q;
  q.collection_id = link.local;
  if (after_us > 0) q.added_after_us = after_us;
  q.match_last = false;
  q.match_all = true;
  ENTENTE_RETURN_IF_ERROR(store_.ScanObjects(q, [&](const store::ObjectRow& row) {
    rows.push_back({row.date_added_us, std::string(row.id), std::string(row.version),
                    std::string(row.json), row.labels});
    return rows.size() >= want ? store::ScanAction::kStop : store::ScanAction::kContinue;
  }));
  PushPage page;
  page.rows = rows.size();
  if (rows.empty()) return page;
  page.last_date_added_us = rows.back().date_added_us;
  std::vector<std::pair<std::string_view, std::string_view>> keys;
  keys.reserve(rows.size());
  for (const Row& row : rows) keys.emplace_back(row.id, row.version);
  auto provenance = store_.GetProvenances(link.local, keys);
  if (!provenance.ok()) return provenance.status();
  std::vector<audit::Entry> decisions;
  auto decided = [&](const Row& row, audit::Decision decision, std::string rule,
                     std::string reason) {
    if (limits_.record == nullptr) return;
    decisions.push_back({audit::EntryKind::kEgressDecision,
                         audit::EgressDecision{row.id, row.version, peer_.name, decision,
                                               std::move(rule), std::move(reason)}});
  };
  for (size_t i = 0; i < rows.size(); ++i) {
    const Row& row = rows[i];
    auto egress = PrepareEgress(profile, all_peers, local_node_, row.id, row.json, row.labels,
                                (*provenance)[i]);
    if (!egress.ok()) {
      ++page.withheld;
      Log(egress.status().message() + "; not sent");
      decided(row, audit::Decision::kWithheld, "unpreparable", egress.status().message());
      continue;
    }
    if (!egress->decision.send) {
      ++page.withheld;
      decided(row, audit::Decision::kWithheld, "egress-gate", egress->decision.reason);
      continue;
    }
    {
      // Why it may leave (the TLP table's row), and what the gate changed on the way out:
      // removed parts, sovereignty's redactions and keyed hashes
      // (policy::EgressDecision::changes).
      std::string changes;
      bool hashed = false;
      for (const std::string& c : egress->decision.changes) {
        changes += (changes.empty() ? "" : "; ") + c;
        if (c.find("hashed") != std::string::npos) hashed = true;
      }
      const std::string& allowed = egress->decision.allowed_by;
      decided(row,
              changes.empty() ? audit::Decision::kSent
              : hashed        ? audit::Decision::kHashed
                              : audit::Decision::kRedacted,
              changes.empty() ? "egress-gate" : "sovereignty",
              changes.empty() ? allowed : changes + (allowed.empty() ? "" : "; sent: " + allowed));
    }
    Outgoing out;
    out.version.id = row.id;
    out.version.version = row.version;
    out.version.remote_id = std::move(egress->remote_id);
    out.json = std::move(egress->json);
    out.path = std::move(egress->sent_path);
    page.outgoing.push_back(std::move(out));
  }
  // Recorded before anything of the page leaves (docs/record.md).
  if (!decisions.empty()) {
    auto appended = limits_.record->Append(decisions);
    if (!appended.ok()) {
      return Status::Unavailable("the node's record cannot be written (" +
                                 appended.status().message() + "); nothing was sent");
    }
  }
  return page;
}

Status PeerSyncer::Push(const CollectionLink& link, int64_t* budget, RoundReport* report) {
  const std::string where = "push " + link.local + " -> " + link.remote + ": ";
  auto cp = peers_.GetCheckpoint(peer_.name, Direction::kPush, link);
  if (!cp.ok()) return cp.status();
  Checkpoint c = *cp;
  auto all_peers = peers_.ListPeers();
  if (!all_peers.ok()) return all_peers.status();
  const policy::PeerProfile profile = ProfileOf(peer_);
  // The next page is read and passed through the gate while this one is on the wire.
  auto prepare = [&](int64_t after_us, int64_t left) {
    const size_t want =
        static_cast<size_t>(std::min<int64_t>(left, static_cast<int64_t>(limits_.page_size)));
    return PreparePushPage(link, after_us, want, profile, *all_peers);
  };
  if (*budget <= 0) return Status::Ok();
  // What the peer acknowledged is committed with the checkpoint every commit_every
  // objects and when the round ends, not after every page: the table of acknowledged
  // versions is keyed by a hash, so each commit rewrites pages all over it. A crash
  // sends the uncommitted pages again, which the peer reports as already present.
  std::vector<PushedVersion> acknowledged;
  int64_t committed_until_us = c.pushed_until_us;
  auto commit = [&]() -> Status {
    if (c.pushed_until_us == committed_until_us && acknowledged.empty()) return Status::Ok();
    Status s = peers_.CommitPush(peer_.name, link, c, acknowledged);
    if (s.ok()) {
      acknowledged.clear();
      committed_until_us = c.pushed_until_us;
    }
    return s;
  };
  std::future<Result<PushPage>> next =
      std::async(std::launch::async, prepare, c.pushed_until_us, *budget);
  while (next.valid()) {
    const int64_t asked = std::min<int64_t>(*budget, static_cast<int64_t>(limits_.page_size));
    auto page = next.get();
    if (!page.ok()) {
      (void)commit();
      return Prefixed(page.status(), where + "scan: ");
    }
    if (page->rows == 0) break;
    report->withheld += page->withheld;
    *budget -= static_cast<int64_t>(page->rows);
    if (static_cast<int64_t>(page->rows) >= asked && *budget > 0) {
      next = std::async(std::launch::async, prepare, page->last_date_added_us, *budget);
    }
    std::vector<Outgoing>& outgoing = page->outgoing;
    // Envelopes of at most max_envelope_bytes (one object may exceed it alone).
    size_t begin = 0, bytes = 0;
    for (size_t i = 0; i <= outgoing.size(); ++i) {
      const bool flush = i == outgoing.size() || (i > begin && bytes + outgoing[i].json.size() + 1 >
                                                                   limits_.max_envelope_bytes);
      if (flush && i > begin) {
        Status sent = SendObjects(link.remote, outgoing, begin, i, report);
        if (!sent.ok()) {
          (void)commit();  // the pages before this one were acknowledged
          return Prefixed(sent, where);
        }
        begin = i;
        bytes = 0;
      }
      if (i < outgoing.size()) bytes += outgoing[i].json.size() + 1;
    }
    // The peer acknowledged (or nothing had to leave): move on, remembering what it holds.
    for (Outgoing& o : outgoing) {
      if (o.acknowledged) acknowledged.push_back(std::move(o.version));
    }
    c.pushed_until_us = page->last_date_added_us;
    if (acknowledged.size() >= limits_.commit_every) ENTENTE_RETURN_IF_ERROR(commit());
  }
  return commit();
}

Status PeerSyncer::PushDeletions(const CollectionLink& link, int64_t* budget, RoundReport* report) {
  const std::string where = "push deletions " + link.local + " -> " + link.remote + ": ";
  auto cp = peers_.GetCheckpoint(peer_.name, Direction::kPush, link);
  if (!cp.ok()) return cp.status();
  Checkpoint c = *cp;
  while (*budget > 0) {
    const size_t want =
        static_cast<size_t>(std::min<int64_t>(*budget, static_cast<int64_t>(limits_.page_size)));
    auto tombstones = store_.ListTombstones(link.local, c.tombstones_until, want);
    if (!tombstones.ok()) return Prefixed(tombstones.status(), where + "tombstones: ");
    if (tombstones->empty()) break;
    std::vector<std::pair<std::string, std::string>> done;
    Status failed;
    for (const store::Tombstone& t : *tombstones) {
      auto remote_id = peers_.PushedAs(peer_.name, link, t.id, t.version);
      if (!remote_id.ok()) {
        failed = remote_id.status();
        break;
      }
      stix::ObjectKey key;
      key.id = t.id;
      key.version = t.version;
      // Not sent there, or stored here again since: nothing to delete on the peer. When
      // the store cannot tell, nothing is sent and the round fails.
      Result<bool> held = false;
      if (remote_id->has_value()) held = HeldLocally(link.local, key);
      if (!held.ok()) {
        failed = Prefixed(held.status(), where + "local collection: ");
        break;
      }
      if (remote_id->has_value() && !*held) {
        Status s = client_->DeleteObject(link.remote, **remote_id, t.version);
        if (!s.ok() && s.code() != StatusCode::kNotFound) {
          failed = Prefixed(s, where);
          break;
        }
        ++report->deleted;
        done.emplace_back(t.id, t.version);
      }
      c.tombstones_until = t.seq;
      --*budget;
    }
    // Commit what the peer answered, even when a later DELETE failed.
    ENTENTE_RETURN_IF_ERROR(peers_.CommitDeletions(peer_.name, link, c, done));
    if (!failed.ok()) return failed;
    if (tombstones->size() < want) break;
  }
  return Status::Ok();
}

Result<taxii::StatusResource> PeerSyncer::AwaitStatus(const std::string& status_id) {
  const int64_t deadline = clock_.NowMicros() + limits_.pending_wait_ms * 1000;
  int64_t delay_ms = 5;
  for (;;) {
    clock_.SleepFor(delay_ms * 1000);
    auto st = client_->GetStatus(status_id);
    if (!st.ok()) return Prefixed(st.status(), "status " + status_id + ": ");
    if (st->status == "complete") return st;
    if (clock_.NowMicros() >= deadline) {
      return Status::Unavailable("status " + status_id + " still pending after " +
                                 std::to_string(limits_.pending_wait_ms) +
                                 " ms; the envelope will be sent again");
    }
    delay_ms = std::min<int64_t>(delay_ms * 2, 500);
  }
}

Status PeerSyncer::SendObjects(const std::string& remote, std::vector<Outgoing>& objects,
                               size_t begin, size_t end, RoundReport* report) {
  std::string envelope = "{\"objects\":[";
  for (size_t i = begin; i < end; ++i) {
    if (i > begin) envelope += ',';
    envelope += objects[i].json;
  }
  // The provenance of each object travels beside it, in the envelope (taxii/provenance.h).
  json::array provenance;
  for (size_t i = begin; i < end; ++i) {
    const Outgoing& o = objects[i];
    json::array path;
    for (const std::string& node : o.path) path.emplace_back(node);
    provenance.emplace_back(
        json::object{{"id", o.version.remote_id.empty() ? o.version.id : o.version.remote_id},
                     {"version", o.version.version},
                     {"path", std::move(path)}});
  }
  envelope += "],\"";
  envelope += taxii::kProvenanceMember;
  envelope += "\":";
  envelope += json::serialize(provenance);
  envelope += "}";
  auto st = client_->PostEnvelope(remote, envelope);
  if (!st.ok()) {
    if (st.status().code() != StatusCode::kResourceExhausted) return st.status();
    if (end - begin > 1) {
      // The peer refuses envelopes this large: halve.
      const size_t mid = begin + (end - begin) / 2;
      ENTENTE_RETURN_IF_ERROR(SendObjects(remote, objects, begin, mid, report));
      return SendObjects(remote, objects, mid, end, report);
    }
    ++report->rejected_by_peer;
    Log("the peer refuses an object of " + std::to_string(objects[begin].json.size()) +
        " bytes as too large: " + st.status().message());
    return Status::Ok();
  }
  if (st->status == "pending") {
    // The peer queued the envelope: what it holds is known only once the status
    // completes. Until then nothing counts as acknowledged (a peer that stops may drop
    // a queued envelope), so the checkpoint does not move past it.
    auto done = AwaitStatus(st->id);
    if (!done.ok()) return done.status();
    st = std::move(done);
  }
  report->pushed += st->success_count;
  report->rejected_by_peer += st->failure_count;
  for (size_t i = 0; i < st->failures.size() && i < 5; ++i) {
    Log("the peer refused " + st->failures[i]);
  }
  // Failures are listed as "id: message"; every other object is held by the peer now.
  std::vector<std::string_view> refused;
  for (const std::string& f : st->failures) {
    refused.push_back(std::string_view(f).substr(0, f.find(": ")));
  }
  for (size_t i = begin; i < end; ++i) {
    const std::string& id =
        objects[i].version.remote_id.empty() ? objects[i].version.id : objects[i].version.remote_id;
    objects[i].acknowledged = std::find(refused.begin(), refused.end(), id) == refused.end();
  }
  return Status::Ok();
}

}  // namespace entente::federation
