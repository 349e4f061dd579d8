// `entente ingest`: admits the objects of STIX input files into a collection (the one
// way in, admission/: validated, keyed, labelled by the policy gate, owned by the
// operator's organisation) and stores them. The operator obeys the ownership rule of
// every way in (only an object's creator issues versions of it, STIX 2.1 §3.6; an
// organisation creates objects only in its own name) unless --override-owner is given,
// which is reported on stderr. This path is measured: each file is parsed
// once, objects are serialized once and stored in batches of kBatchSize per transaction,
// on a writer thread while the next batch is admitted. An indicator looking for a value
// on one of the node's warninglists (cli/warninglists.h) is stored all the same and
// flagged: a finding on stderr (the first kFlagLines of them) and a count in the summary.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "admission/admission.h"
#include "cli/batch_writer.h"
#include "cli/node_commands.h"
#include "cli/node_util.h"
#include "cli/progress.h"
#include "cli/stix_input.h"
#include "cli/warninglists.h"

namespace entente::cli {
namespace {

// Objects handed to the writer thread at a time, and at most per transaction: larger
// transactions rewrite each page of the random-order id index less often
// (docs/benchmarks-store.md), smaller hand-overs start the writer sooner and keep less
// in memory. A crash loses at most the transaction being written, which `entente
// ingest` had not yet acknowledged.
constexpr size_t kBatchSize = 10000;
constexpr size_t kObjectsPerTransaction = 50000;
// Flagged indicators reported one by one; the rest are counted in the summary only (a
// feed of 100,000 indicators for popular domains must not bury the refusals).
constexpr int64_t kFlagLines = 20;

struct IngestOptions {
  std::string data;
  std::string collection;
  std::string as;
  bool progress = false;
  bool no_progress = false;
  bool override_owner = false;
  std::vector<std::string> files;
};

class Ingester {
 public:
  Ingester(store::Store& store, const store::Collection& collection, admission::Submitter as,
           bool show_progress, std::shared_ptr<const NodeWarninglists> warninglists)
      : show_progress_(show_progress),
        warninglists_(std::move(warninglists)),
        admission_(collection, std::move(as),
                   admission::Options{admission::NodeValidateOptions(), 0,
                                      std::shared_ptr<const pattern::index::WarninglistSet>(
                                          warninglists_, &warninglists_->set)}),
        start_(std::chrono::steady_clock::now()),
        writer_(store, collection.id, kObjectsPerTransaction) {
    batch_.reserve(kBatchSize);
  }

  // Admits `item` (the index-th of its file) and queues it for the writer; reports a
  // refusal. Returns only store errors, which abort the ingest.
  Status AddItem(const boost::json::value& item, size_t index, stix::DocumentShape shape) {
    ++done_;
    if (!item.is_object()) {
      Report({NotAnObjectFinding(shape, index)});
      return Status::Ok();
    }
    store::NewObject& o = batch_.emplace_back();
    if (auto refusal = admission_.Admit(item.get_object(), &o)) {
      batch_.pop_back();
      Report(refusal->findings);
      return Status::Ok();
    }
    if (!admission_.warninglist_hits().empty()) Flag(o.id);
    if (batch_.size() >= kBatchSize) return Flush();
    return Status::Ok();
  }

  // Hands the current batch to the writer thread (the last call waits for every write).
  Status Flush(bool last = false) {
    if (!batch_.empty()) {
      std::vector<store::NewObject> spent;
      ENTENTE_RETURN_IF_ERROR(writer_.Submit(std::move(batch_), &spent));
      spent.clear();              // freed on this thread, which allocated it
      batch_ = std::move(spent);  // keeps the capacity
      batch_.reserve(kBatchSize);
    }
    if (last) ENTENTE_RETURN_IF_ERROR(writer_.Finish());
    DrawProgress();
    return Status::Ok();
  }

  void Finish() {
    if (show_progress_ && drawn_) std::fputc('\n', stderr);
  }

  int64_t added() const { return writer_.added(); }
  int64_t duplicate() const { return writer_.duplicate(); }
  int64_t not_owner() const { return writer_.not_owner(); }
  int64_t overridden() const { return writer_.overridden(); }
  int64_t invalid() const { return invalid_; }
  int64_t flagged() const { return flagged_; }
  int64_t done() const { return done_; }
  double Seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }

 private:
  void Report(const std::vector<stix::Finding>& findings) {
    ++invalid_;
    std::string lines;
    for (const auto& f : findings) {
      lines += f.ToJsonLine();
      lines += '\n';
    }
    if (show_progress_ && drawn_) lines.insert(0, "\r\x1b[K");
    std::fwrite(lines.data(), 1, lines.size(), stderr);
  }

  // An admitted indicator on a warninglist: a finding (rule "warninglist") for the first
  // kFlagLines, then one line saying the rest are only counted.
  void Flag(const std::string& id) {
    if (++flagged_ > kFlagLines + 1) return;
    std::string line;
    if (flagged_ <= kFlagLines) {
      std::string message = pattern::index::DescribeWarninglistHits(admission_.warninglist_hits());
      if (const WarninglistOverride* o = warninglists_->OverrideOf(id)) {
        message += "; stored, and matched: overridden by " + o->by + " (" + o->reason + ")";
      } else {
        message += "; stored, not matched unless overridden (`entente warninglist override`)";
      }
      line = stix::Finding{id, "pattern", "warninglist", message}.ToJsonLine() + "\n";
    } else {
      line =
          "entente: ingest: more indicators on warninglists: counted in the summary, not "
          "listed\n";
    }
    if (show_progress_ && drawn_) line.insert(0, "\r\x1b[K");
    std::fwrite(line.data(), 1, line.size(), stderr);
  }

  void DrawProgress() {
    if (!show_progress_) return;
    ProgressState state;
    state.done = done_;
    state.seconds = Seconds();
    std::string line = "\r\x1b[K" + FormatProgress(state);
    std::fwrite(line.data(), 1, line.size(), stderr);
    std::fflush(stderr);
    drawn_ = true;
  }

  bool show_progress_;
  std::shared_ptr<const NodeWarninglists> warninglists_;  // never null
  admission::Admission admission_;
  std::chrono::steady_clock::time_point start_;
  std::vector<store::NewObject> batch_;
  BatchWriter writer_;
  int64_t done_ = 0, invalid_ = 0;  // the total is unknown: files are streamed
  int64_t flagged_ = 0;
  bool drawn_ = false;
};

// The organisation ingested objects are attributed to when --as is absent.
Result<std::string> DefaultOwner(store::Store& store) {
  auto orgs = store.ListOrganisations();
  if (!orgs.ok()) return orgs.status();
  for (const auto& org : *orgs) {
    if (org.admin) return org.id;
  }
  return Status::NotFound(
      "the node has no admin organisation (--as: name the contributing "
      "organisation)");
}

int RunIngest(const IngestOptions& o) {
  if (o.progress && o.no_progress) {
    return UsageError("ingest: --progress and --no-progress exclude each other");
  }
  const std::string dir = ResolveDataDir(o.data);
  auto store = OpenNodeStore(dir);
  if (!store.ok()) return Fail(store.status());
  auto warninglists = LoadNodeWarninglists(dir);
  if (!warninglists.ok()) {
    return Fail(Status(warninglists.status().code(),
                       "ingest: the node's warninglists: " + warninglists.status().message() +
                           " (`entente warninglist remove` the broken file)"));
  }
  auto collection = (*store)->GetCollection(o.collection);
  if (!collection.ok()) {
    if (collection.status().code() == StatusCode::kNotFound) {
      return Fail(Status::NotFound("unknown collection '" + o.collection +
                                   "' (--collection: an id from `entente collection list`)"));
    }
    return Fail(collection.status());
  }
  std::string owner = o.as;
  if (owner.empty()) {
    auto def = DefaultOwner(**store);
    if (!def.ok()) return Fail(def.status());
    owner = *def;
  } else if (Status s = CheckOrgsExist(**store, {owner}, "--as"); !s.ok()) {
    return Fail(s);
  }
  admission::Submitter as;
  as.channel = admission::Channel::kOperator;
  as.org_id = owner;
  as.override_owner = o.override_owner;
  auto orgs = (*store)->ListOrganisations();
  if (!orgs.ok()) return Fail(orgs.status());
  for (const store::Organisation& org : *orgs) {
    if (org.id != owner && !org.identity_id.empty()) as.local_identities.push_back(org.identity_id);
  }
  if (o.override_owner) {
    PrintError(
        "ingest: --override-owner: versions of objects owned by other organisations are "
        "stored as theirs, and created_by_ref is not checked");
  }
  bool show = o.progress || (!o.no_progress && ::isatty(STDERR_FILENO));
  Ingester ingester(**store, *collection, std::move(as), show,
                    std::make_shared<const NodeWarninglists>(std::move(warninglists).value()));
  bool unreadable = false;
  for (const auto& path : o.files) {
    // A file that is not one JSON document is refused before any of it is stored
    // (standard input cannot be read twice: its objects before a syntax error are kept).
    if (path != "-") {
      if (Status s = CheckJsonFile(path); !s.ok()) {
        PrintError(s.message());
        unreadable = true;
        continue;
      }
    }
    Status store_error;
    auto summary = StreamStixFile(
        path, [&](const boost::json::value& item, size_t index, stix::DocumentShape shape) {
          store_error = ingester.AddItem(item, index, shape);
          return store_error;
        });
    if (!store_error.ok()) {
      ingester.Finish();
      return Fail(store_error);
    }
    if (!summary.ok()) {
      PrintError(summary.status().message());
      unreadable = true;
    }
  }
  Status s = ingester.Flush(/*last=*/true);
  ingester.Finish();
  if (!s.ok()) return Fail(s);
  std::cout << "added " << ingester.added() << ", duplicate " << ingester.duplicate()
            << ", invalid " << ingester.invalid();
  if (ingester.not_owner() > 0) std::cout << ", not owner " << ingester.not_owner();
  if (ingester.flagged() > 0) std::cout << ", flagged " << ingester.flagged();
  std::cout << std::endl;
  if (ingester.not_owner() > 0) {
    PrintError("ingest: " + std::to_string(ingester.not_owner()) +
               " version(s) refused: their ids are owned by another organisation (only the "
               "creator of an object issues versions of it, STIX 2.1 §3.6; --override-owner "
               "stores them as the owner's)");
  }
  if (ingester.overridden() > 0) {
    PrintError("ingest: --override-owner: " + std::to_string(ingester.overridden()) +
               " version(s) of objects owned by other organisations stored as theirs");
  }
  if (unreadable) return kExitUsage;
  return ingester.invalid() > 0 || ingester.not_owner() > 0 ? kExitNo : kExitOk;
}

}  // namespace

void RegisterIngestCommand(CLI::App& app, CommandContext& ctx) {
  auto o = std::make_shared<IngestOptions>();
  CLI::App* cmd = app.add_subcommand("ingest", "Validate STIX files and store their valid objects");
  AddDataOption(cmd, &o->data);
  cmd->add_option("--collection", o->collection, "collection id")->required();
  cmd->add_option("--as", o->as, "contributing organisation (default: the admin organisation)");
  cmd->add_flag("--progress", o->progress, "draw a progress bar on stderr");
  cmd->add_flag("--no-progress", o->no_progress, "never draw a progress bar");
  cmd->add_flag("--override-owner", o->override_owner,
                "store versions of objects owned by other organisations (as theirs), and "
                "objects naming another organisation of this node as creator");
  cmd->add_option("FILE", o->files, "bundle, array or object files ('-' = stdin)")->required();
  cmd->callback([o, &ctx] { ctx.exit_code = RunIngest(*o); });
}

}  // namespace entente::cli
