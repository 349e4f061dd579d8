// Helpers shared by the node subcommands: the data folder, the store inside it, error
// printing, exit codes, input files, identifier checks and plain tables.
//
// Only cli/ prints; these helpers write to stdout/stderr and are meant for the `entente`
// process's main thread.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "admin/node_admin.h"
#include "audit/log.h"
#include "entente/status.h"
#include "policy/policy.h"
#include "store/federation_state.h"
#include "store/store.h"

namespace entente::cli {

// Exit codes of docs/cli.md.
inline constexpr int kExitOk = 0;
inline constexpr int kExitNo = 1;     // the command ran; the answer is "no" / invalid content
inline constexpr int kExitUsage = 2;  // usage error or unreadable input

// Adds `--data DIR` to `cmd`; the value stays empty unless given.
void AddDataOption(CLI::App* cmd, std::string* data);
// The data folder: the flag, else $ENTENTE_DATA, else ./entente-data.
std::string ResolveDataDir(const std::string& flag);
// DIR/entente.db
std::string StorePathIn(const std::string& dir);

// Opens the store of an initialised node (io-error if DIR holds none), its writes
// recorded in the node's record (cli/node_record.h OpenNodeRecord): a write the record cannot take
// fails.
Result<std::unique_ptr<store::Store>> OpenNodeStore(const std::string& dir);

// Opens the store file at `path` (creating it when `create`): the SQLite store, or the
// opener installed by SetStoreOpenerForTesting (which records nothing). With `record`,
// the store's writes are recorded there (admission/record.h StoreRecorder).
Result<std::unique_ptr<store::Store>> OpenStoreFile(
    const std::string& path, bool create, std::shared_ptr<audit::AuditLog> record = nullptr);
using StoreOpener =
    std::function<Result<std::unique_ptr<store::Store>>(const std::string& path, bool create)>;
// Tests substitute an in-memory store; pass {} to restore the default. Not thread-safe.
void SetStoreOpenerForTesting(StoreOpener opener);

// The federation state kept with `store` (the fed_ tables of the SQLite store's file),
// or what the opener installed by SetFederationStateOpenerForTesting makes. `store`
// must outlive it.
Result<std::unique_ptr<store::FederationState>> OpenFederationState(store::Store& store);
using FederationStateOpener =
    std::function<Result<std::unique_ptr<store::FederationState>>(store::Store& store)>;
// Tests substitute an in-memory state; pass {} to restore the default. Not thread-safe.
void SetFederationStateOpenerForTesting(FederationStateOpener opener);

// A node's store and its federation state (kept in the store: declared after it, so
// destroyed first), opened from the --data flag.
struct NodeWithPeers {
  std::unique_ptr<store::Store> store;
  std::unique_ptr<store::FederationState> peers;
};
Result<NodeWithPeers> OpenNodeWithPeers(const std::string& data_flag);

// Replaces the file at `path` with `text` in one step: written to PATH.tmp, then renamed
// over it, so a reader sees the old file or the new one, never half of it.
Status WriteFileAtomically(const std::string& path, std::string_view text);

// Whom a read acts for: the local operator (neither flag), an organisation (`as`, from
// --as), or the holder of one of its tokens (`token_id`, from --token: the organisation
// and the token's individual), exactly as a TAXII request with that token would be.
// kNotFound naming the flag for an unknown organisation or token.
Result<policy::Requester> RequesterFromFlags(store::Store& store, const std::string& as,
                                             const std::string& token_id);

// Prints "entente: <message>" on stderr.
void PrintError(std::string_view message);
// Prints the status's message as above and returns its exit code (io-error: 2, else 1).
int Fail(const Status& status);
// A usage error: prints and returns 2.
int UsageError(std::string_view message);

// Reads a whole file ("-" = stdin); io-error naming the file when it cannot be read.
Result<std::string> ReadInputFile(const std::string& path);

// Identifier checks, list splitting and token ids: admin/node_admin.h, shared with the
// dashboard.
using admin::CheckOrgsExist;
using admin::IsIdentityId;
using admin::IsOrgId;
using admin::IsUuid;
using admin::NewTokenId;
using admin::SplitList;

// Prints rows as left-aligned columns separated by two spaces, headers first.
void PrintTable(const std::vector<std::string>& headers,
                const std::vector<std::vector<std::string>>& rows);

}  // namespace entente::cli
