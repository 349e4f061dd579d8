// `entente export`: writes a STIX bundle of what an organisation (or the local operator)
// may see in a collection. Stored JSON text is copied into the output as is.
#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>

#include "cli/node_commands.h"
#include "cli/node_util.h"
#include "common/env.h"
#include "policy/policy.h"

namespace entente::cli {
namespace {

struct ExportOptions {
  std::string data;
  std::string collection;
  std::string as;
  bool all_versions = false;
  std::string output;
};

// Buffered writer to a FILE*, remembering the first error.
class Output {
 public:
  explicit Output(FILE* f) : f_(f) { buf_.reserve(kChunk + 4096); }
  void Write(std::string_view s) {
    buf_.append(s);
    if (buf_.size() >= kChunk) Drain();
  }
  bool Close() {
    Drain();
    return ok_ && std::fflush(f_) == 0;
  }

 private:
  static constexpr size_t kChunk = 1 << 20;
  void Drain() {
    if (!buf_.empty() && std::fwrite(buf_.data(), 1, buf_.size(), f_) != buf_.size()) ok_ = false;
    buf_.clear();
  }
  FILE* f_;
  std::string buf_;
  bool ok_ = true;
};

int RunExport(const ExportOptions& o) {
  auto store = OpenNodeStore(ResolveDataDir(o.data));
  if (!store.ok()) return Fail(store.status());
  auto collection = (*store)->GetCollection(o.collection);
  if (!collection.ok()) {
    if (collection.status().code() == StatusCode::kNotFound) {
      return Fail(Status::NotFound("unknown collection '" + o.collection +
                                   "' (--collection: an id from `entente collection list`)"));
    }
    return Fail(collection.status());
  }
  policy::Requester who;
  if (o.as.empty()) {
    who.local_operator = true;
  } else {
    auto org = (*store)->GetOrganisation(o.as);
    if (!org.ok()) {
      if (org.status().code() != StatusCode::kNotFound) return Fail(org.status());
      return Fail(Status::NotFound("unknown organisation '" + o.as +
                                   "' (--as: must name an organisation added with `entente "
                                   "org add`)"));
    }
    const auto& readers = collection->readers;
    if (std::find(readers.begin(), readers.end(), org->id) == readers.end()) {
      return Fail(Status::PermissionDenied(
          "organisation '" + o.as + "' may not read collection " + o.collection +
          " (--as: not among the collection's readers; see `entente collection grant`)"));
    }
    who.org_id = org->id;
    who.identity_id = org->identity_id;
    who.client_of = org->client_of;
    who.communities = org->communities;
  }

  FILE* f = stdout;
  if (!o.output.empty() && o.output != "-") {
    f = std::fopen(o.output.c_str(), "wb");
    if (f == nullptr) {
      return Fail(Status::IoError("cannot write " + o.output + ": " + std::strerror(errno) +
                                  " (-o: a writable file path)"));
    }
  }
  Output out(f);
  out.Write(R"({"type":"bundle","id":"bundle--)");
  out.Write(NewUuid4());
  out.Write(R"(","objects":[)");
  store::ObjectQuery query;
  query.collection_id = collection->id;
  query.match_last = !o.all_versions;
  query.match_all = o.all_versions;
  bool first = true;
  Status scanned = (*store)->ScanObjects(query, [&](const store::ObjectRow& row) {
    if (policy::MayRead(who, row.labels)) {
      if (!first) out.Write(",");
      first = false;
      out.Write(row.json);
    }
    return store::ScanAction::kContinue;
  });
  out.Write("]}\n");
  bool written = out.Close();
  if (f != stdout) written = (std::fclose(f) == 0) && written;
  if (!scanned.ok()) return Fail(scanned);
  if (!written) {
    return Fail(Status::IoError("cannot write " + (o.output.empty() ? "stdout" : o.output)));
  }
  return kExitOk;
}

}  // namespace

void RegisterExportCommand(CLI::App& app, CommandContext& ctx) {
  auto o = std::make_shared<ExportOptions>();
  CLI::App* cmd = app.add_subcommand(
      "export", "Write a STIX bundle of what an organisation may see in a collection");
  AddDataOption(cmd, &o->data);
  cmd->add_option("--collection", o->collection, "collection id")->required();
  cmd->add_option("--as", o->as, "organisation id (default: the local operator, who sees all)");
  cmd->add_flag("--all-versions", o->all_versions, "every stored version, not only the latest");
  cmd->add_option("-o,--output", o->output, "output file (default: stdout)");
  cmd->callback([o, &ctx] { ctx.exit_code = RunExport(*o); });
}

}  // namespace entente::cli
