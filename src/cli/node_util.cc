#include "cli/node_util.h"

#include <sys/stat.h>

#include <algorithm>
#include <climits>
#include <cstdlib>
#include <map>
#include <mutex>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

#include "admission/observable_values.h"
#include "admission/record.h"
#include "cli/node_record.h"
#include "common/env.h"
#include "policy/access.h"

namespace entente::cli {

void AddDataOption(CLI::App* cmd, std::string* data) {
  cmd->add_option("--data", *data,
                  "node data folder (default: $ENTENTE_DATA, else ./entente-data)");
}

std::string ResolveDataDir(const std::string& flag) {
  if (!flag.empty()) return flag;
  const char* env = std::getenv("ENTENTE_DATA");
  if (env != nullptr && env[0] != '\0') return env;
  return "./entente-data";
}

std::string StorePathIn(const std::string& dir) {
  if (!dir.empty() && dir.back() == '/') return dir + "entente.db";
  return dir + "/entente.db";
}

namespace {
StoreOpener& TestOpener() {
  static StoreOpener opener;
  return opener;
}
bool TestOpenerSet() { return static_cast<bool>(TestOpener()); }
}  // namespace

Result<std::unique_ptr<store::Store>> OpenNodeStore(const std::string& dir) {
  std::string path = StorePathIn(dir);
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    return Status::IoError("no initialised node in " + dir +
                           " (--data: run `entente init` first or point --data / "
                           "$ENTENTE_DATA at a node folder)");
  }
  std::shared_ptr<audit::AuditLog> record;
  if (!TestOpenerSet()) {
    auto log = OpenNodeRecord(dir);
    if (!log.ok()) return log.status();
    record = std::move(log).value();
  }
  auto opened = OpenStoreFile(path, false, std::move(record));
  if (!opened.ok()) {
    return Status(opened.status().code(), "cannot open " + path + ": " + opened.status().message());
  }
  return std::move(opened).value();
}

Result<policy::Requester> RequesterFromFlags(store::Store& store, const std::string& as,
                                             const std::string& token_id) {
  if (as.empty() && token_id.empty()) return policy::LocalOperator();
  std::string org_id = as;
  std::string individual_id;
  if (!token_id.empty()) {
    auto tokens = store.ListTokens("");
    if (!tokens.ok()) return tokens.status();
    auto it = std::find_if(tokens->begin(), tokens->end(),
                           [&](const store::TokenInfo& t) { return t.token_id == token_id; });
    if (it == tokens->end()) {
      return Status::NotFound("unknown token '" + token_id +
                              "' (--token: a TOKEN-ID from `entente token list`)");
    }
    org_id = it->org_id;
    individual_id = it->individual_id;
  }
  auto org = store.GetOrganisation(org_id);
  if (!org.ok()) {
    if (org.status().code() != StatusCode::kNotFound) return org.status();
    if (!token_id.empty()) {
      return Status::NotFound("the organisation '" + org_id + "' of token '" + token_id +
                              "' no longer exists (--token)");
    }
    return Status::NotFound("unknown organisation '" + as +
                            "' (--as: must name an organisation added with `entente org add`)");
  }
  return policy::RequesterFor(store::OrgFactsOf(std::move(*org)), std::move(individual_id));
}

void SetStoreOpenerForTesting(StoreOpener opener) { TestOpener() = std::move(opener); }

Result<std::unique_ptr<store::Store>> OpenStoreFile(const std::string& path, bool create,
                                                    std::shared_ptr<audit::AuditLog> record) {
  if (TestOpener()) return TestOpener()(path, create);
  store::SqliteOptions options;
  if (record != nullptr) options.observer = std::make_shared<admission::StoreRecorder>(record);
  options.create_if_missing = create;
  // The one rule for what the value index holds, for versions stored before it existed.
  options.extract_values = admission::ObservableValuesOfJson;
  return store::OpenSqliteStore(path, options);
}

namespace {
FederationStateOpener& TestFederationStateOpener() {
  static FederationStateOpener opener;
  return opener;
}
}  // namespace

void SetFederationStateOpenerForTesting(FederationStateOpener opener) {
  TestFederationStateOpener() = std::move(opener);
}

Result<std::unique_ptr<store::FederationState>> OpenFederationState(store::Store& store) {
  if (TestFederationStateOpener()) return TestFederationStateOpener()(store);
  return store::OpenSqliteFederationState(store);
}

void PrintError(std::string_view message) {
  std::cout.flush();
  std::string line = "entente: ";
  line += message;
  line += '\n';
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fflush(stderr);
}

int Fail(const Status& status) {
  PrintError(status.message().empty() ? status.ToString() : status.message());
  return status.code() == StatusCode::kIoError ? kExitUsage : kExitNo;
}

int UsageError(std::string_view message) {
  PrintError(message);
  return kExitUsage;
}

Result<std::string> ReadInputFile(const std::string& path) {
  if (path == "-") {
    std::string data((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
    if (std::cin.bad()) return Status::IoError("cannot read standard input");
    return data;
  }
  FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return Status::IoError("cannot read " + path + " (FILE: cannot open)");
  struct stat st;
  if (::fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
    std::fclose(f);
    return Status::IoError("cannot read " + path + " (FILE: is a directory)");
  }
  std::string data;
  if (st.st_size > 0) data.reserve(static_cast<size_t>(st.st_size));
  char buf[1 << 16];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof(buf), f)) > 0) data.append(buf, n);
  bool error = std::ferror(f) != 0;
  std::fclose(f);
  if (error) return Status::IoError("cannot read " + path + " (FILE: read error)");
  return data;
}

void PrintTable(const std::vector<std::string>& headers,
                const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> width(headers.size(), 0);
  for (size_t i = 0; i < headers.size(); ++i) width[i] = headers[i].size();
  for (const auto& row : rows) {
    for (size_t i = 0; i < row.size() && i < width.size(); ++i) {
      width[i] = std::max(width[i], row[i].size());
    }
  }
  auto print_row = [&](const std::vector<std::string>& row) {
    std::string line;
    for (size_t i = 0; i < width.size(); ++i) {
      const std::string& cell = i < row.size() ? row[i] : std::string();
      line += cell;
      if (i + 1 < width.size()) line.append(width[i] - cell.size() + 2, ' ');
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    std::cout << line << '\n';
  };
  print_row(headers);
  for (const auto& row : rows) print_row(row);
  std::cout.flush();
}

Result<NodeWithPeers> OpenNodeWithPeers(const std::string& data_flag) {
  auto store = OpenNodeStore(ResolveDataDir(data_flag));
  if (!store.ok()) return store.status();
  auto peers = OpenFederationState(**store);
  if (!peers.ok()) return peers.status();
  return NodeWithPeers{std::move(*store), std::move(*peers)};
}

Status WriteFileAtomically(const std::string& path, std::string_view text) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << text;
    out.flush();
    if (!out) return Status::IoError("cannot write " + tmp);
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) return Status::IoError("cannot replace " + path + ": " + ec.message());
  return Status::Ok();
}

}  // namespace entente::cli
