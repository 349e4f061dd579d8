// A node's warninglists (MISP's format, pattern/index/warninglist.h) as files in its data
// folder, shared by `entente warninglist`, `entente ingest`, `entente serve` and
// `entente sense`. No store schema is involved:
//
//   DATA/warninglists/lists/<file>.json  each list exactly as the operator gave it, after
//                                        ParseWarninglist accepted it; <file> is derived
//                                        from the list's `name` (WarninglistFileName), never
//                                        taken from it, so no name reaches outside lists/
//   DATA/warninglists/overrides.json     {"overrides":[{"indicator_id","by","at","reason"}]}
//                                        the indicators an operator lets match although a
//                                        value of theirs is on a list
//   DATA/warninglists/generation         rewritten (new random content) after every change,
//                                        so that a running server notices (WarninglistWatcher)
//   DATA/warninglists/.lock              flock()ed by every change, one writer at a time
//
// Every file is written to a temporary file in the same folder, fsync'ed and renamed over
// the old one (then the folder is fsync'ed): a crash leaves the old or the new file, never
// a mix. A missing folder means no lists and no overrides.
//
// The free functions are for one thread of the CLI process at a time (other processes may
// change the files meanwhile: changes lock). WarninglistWatcher is safe for concurrent
// use. What they return is owned by the caller.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "common/env.h"
#include "entente/status.h"
#include "pattern/index/warninglist.h"

namespace entente::cli {

// An operator's decision that an indicator is matched although it is on a warninglist.
struct WarninglistOverride {
  std::string indicator_id;  // "indicator--<uuid>"
  std::string by;            // who decided (--by, else $USER, else "operator")
  std::string at;            // when, RFC 3339 UTC
  std::string reason;        // why (required, free text)
};

struct NodeWarninglists {
  pattern::index::WarninglistSet set;  // built; lists in the order of their file names
  std::vector<std::string> files;      // files[i]: the file name set.lists()[i] came from
  std::map<std::string, WarninglistOverride, std::less<>> overrides;  // by indicator id

  // The override of `indicator_id`, or null.
  const WarninglistOverride* OverrideOf(std::string_view indicator_id) const;
};

// DATA/warninglists
std::string WarninglistDir(const std::string& data_dir);

// The file a list named `name` is kept in: its name lower-cased, every run of characters
// other than [a-z0-9] made one '-', at most 48 characters, then '-' and the first 8 hex
// digits of the name's SHA-256 (names differing only in punctuation or case get different
// files), then ".json"; e.g. "List of known IPv4 public DNS resolvers" ->
// "list-of-known-ipv4-public-dns-resolvers-<8 hex>.json".
std::string WarninglistFileName(std::string_view name);

// Every list and override of the node at `data_dir`. A missing folder: none, not an
// error. A list file ParseWarninglist refuses (edited by hand): invalid-argument naming
// the file; an unreadable file: io-error.
Result<NodeWarninglists> LoadNodeWarninglists(const std::string& data_dir);

// Installs the list `json` (ParseWarninglist's error when it refuses it). A list with the
// same name already installed: invalid-argument unless `replace`. Returns the list.
Result<pattern::index::Warninglist> AddNodeWarninglist(const std::string& data_dir,
                                                       std::string_view json, bool replace);

// Removes the list whose `name` is `name`, or whose file name (with or without ".json")
// is; not-found when none is. Returns the name of the list removed.
Result<std::string> RemoveNodeWarninglist(const std::string& data_dir, std::string_view name);

// Records (or replaces) the override of `o.indicator_id`.
Status PutWarninglistOverride(const std::string& data_dir, const WarninglistOverride& o);
// Removes the override of `indicator_id`; not-found when there is none.
Status RemoveWarninglistOverride(const std::string& data_dir, std::string_view indicator_id);

// The lists of a node as a long-running process sees them: Current() returns what was
// loaded last, and loads again when DATA/warninglists/generation has changed, looking at
// it at most once per `check_interval_us` of `clock` (so an envelope costs a clock read
// and, once a second, reading one small file). A change that fails to load is logged
// once and the lists loaded before stay in force. Loading runs outside the lock: while
// one caller loads (about 0.4 s for MISP's six largest lists), the others go on with the
// lists loaded before.
class WarninglistWatcher {
 public:
  WarninglistWatcher(std::string data_dir, Clock& clock = SystemClock(),
                     std::function<void(const std::string& line)> log = {},
                     int64_t check_interval_us = 1'000'000);
  WarninglistWatcher(const WarninglistWatcher&) = delete;
  WarninglistWatcher& operator=(const WarninglistWatcher&) = delete;

  // Loads the lists now, strictly: a list that does not load is an error (nothing is
  // loaded), for a caller that must not start without them. Current() then returns them,
  // and later changes load as above.
  Status Load();

  // Never null; shared with the callers that got it before a reload, which keep theirs.
  std::shared_ptr<const NodeWarninglists> Current();
  // Current()'s set alone (an aliasing pointer that keeps the whole NodeWarninglists).
  std::shared_ptr<const pattern::index::WarninglistSet> CurrentSet();

 private:
  const std::string data_dir_;
  Clock& clock_;
  const std::function<void(const std::string&)> log_;
  const int64_t check_interval_us_;
  std::mutex mu_;
  std::shared_ptr<const NodeWarninglists> current_;  // guarded by mu_
  std::string generation_;                           // guarded by mu_: of current_
  bool loaded_ = false;                              // guarded by mu_
  bool loading_ = false;                             // guarded by mu_: a caller loads
  int64_t checked_at_us_ = 0;                        // guarded by mu_
};

}  // namespace entente::cli
