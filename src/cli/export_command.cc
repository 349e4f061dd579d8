// `entente export`: writes a STIX bundle of what an organisation, the holder of one of
// its tokens, or the local operator may see in a collection. Stored JSON text is copied
// into the output as is.
#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "admission/record.h"
#include "audit/entry.h"
#include "cli/node_commands.h"
#include "cli/node_record.h"
#include "cli/node_util.h"
#include "common/env.h"
#include "policy/access.h"
#include "policy/granular.h"
#include "policy/policy.h"

namespace entente::cli {
namespace {

struct ExportOptions {
  std::string data;
  std::string collection;
  std::string as;
  std::string token;
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
  auto who = RequesterFromFlags(**store, o.as, o.token);
  if (!who.ok()) return Fail(who.status());
  if (!policy::AccessToCollection(*who, collection->readers, collection->writers).can_read) {
    const std::string who_text =
        o.token.empty() ? "organisation '" + o.as + "'"
                        : "token '" + o.token + "' (organisation '" + who->org_id + "')";
    return Fail(Status::PermissionDenied(
        who_text + " may not read collection " + o.collection + " (" +
        (o.token.empty() ? "--as" : "--token") +
        ": not among the collection's readers; see `entente collection grant`)"));
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
  // The last version is the newest one `who` may see (store.h, ObjectQuery::visible).
  query.visible = [&who](const policy::Labels& labels) { return policy::MayRead(*who, labels); };
  bool first = true;
  // The AMBER, AMBER+STRICT and RED versions exported, for the node's record.
  std::vector<audit::Entry> reads;
  Status scanned = (*store)->ScanObjects(query, [&](const store::ObjectRow& row) {
    if (policy::MayRead(*who, row.labels)) {
      // Parts under granular markings `who` may not see stay out, as over TAXII.
      policy::ReaderView view = policy::ViewFor(*who, row.labels, row.json);
      if (view.withheld) return store::ScanAction::kContinue;
      if (!first) out.Write(",");
      first = false;
      out.Write(view.rewritten.empty() ? row.json : std::string_view(view.rewritten));
      if (auto read = admission::RestrictedReadOf(
              row, who->local_operator ? "operator" : who->org_id, o.token, "export")) {
        reads.push_back(std::move(*read));
      }
    }
    return store::ScanAction::kContinue;
  });
  out.Write("]}\n");
  bool written = out.Close();
  if (f != stdout) written = (std::fclose(f) == 0) && written;
  if (!scanned.ok()) return Fail(scanned);
  // Recorded once the bundle is made; a bundle the record cannot take is removed (a file)
  // and the command fails.
  if (!reads.empty()) {
    auto record = OpenNodeRecord(ResolveDataDir(o.data));
    Status s = record.ok() ? (*record)->Append(reads).status() : record.status();
    if (!s.ok()) {
      if (f != stdout) std::remove(o.output.c_str());
      return Fail(Status(s.code(), "the export was not recorded in the node's record (" +
                                       s.message() + ")" +
                                       (f != stdout ? "; " + o.output + " removed" : "")));
    }
  }
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
  CLI::Option* as =
      cmd->add_option("--as", o->as, "organisation id (default: the local operator, who sees all)");
  cmd->add_option("--token", o->token,
                  "token id (`entente token list`): what its holder sees over TAXII, the "
                  "individual it names included")
      ->excludes(as);
  cmd->add_flag("--all-versions", o->all_versions, "every stored version, not only the latest");
  cmd->add_option("-o,--output", o->output, "output file (default: stdout)");
  cmd->callback([o, &ctx] { ctx.exit_code = RunExport(*o); });
}

}  // namespace entente::cli
