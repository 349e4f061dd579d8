// `entente evidence export|verify`: evidence packages (audit/evidence.h,
// docs/evidence.md). Export gathers the objects from the store exactly as stored, signs
// a fresh head of the record and adds the chain of custody with its proofs; verify
// checks a package with nothing but the package (and, optionally, the key the reader
// obtained independently).
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <boost/json.hpp>
#include <iostream>
#include <set>
#include <string>
#include <vector>

#include "audit/evidence.h"
#include "cases/case_store.h"
#include "cli/command.h"
#include "cli/node_record.h"
#include "cli/node_util.h"
#include "common/env.h"
#include "common/timestamp.h"
#include "policy/access.h"
#include "stix/deterministic_id.h"

namespace entente::cli {
namespace {

struct ExportOptions {
  std::string data;
  std::vector<std::string> objects;
  std::string case_id;
  std::string collection;
  std::string out;
  std::vector<std::string> witnessed;  // `entente peer show NODE --json` outputs of peers
};

// The heads of this node a peer kept, from the peer's `peer show NODE --json`, each with
// the consistency proof between it and the package's head. A head this record does not
// extend is included all the same (the package then fails verification, truthfully) and
// said on stderr.
Status AddWitnessed(audit::AuditLog& log, const std::string& path, audit::EvidencePackage* p) {
  auto text = ReadInputFile(path);
  if (!text.ok()) return text.status();
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(*text, ec);
  const boost::json::object* o = !ec && v.is_object() ? &v.get_object() : nullptr;
  const boost::json::value* witness = o ? o->if_contains("witness") : nullptr;
  const boost::json::value* heads = o ? o->if_contains("witnessed_heads") : nullptr;
  if (witness == nullptr || !witness->is_string() || heads == nullptr || !heads->is_array()) {
    return Status::InvalidArgument(path +
                                   " is not the output of `entente peer show NODE --json` "
                                   "(--witnessed: what a peer witnessed of this node)");
  }
  const std::string own_key = audit::BytesHex(p->public_key.data(), p->public_key.size());
  const uint64_t size = log.Size();
  for (const auto& item : heads->get_array()) {
    const boost::json::object* h = item.if_object();
    const boost::json::value* head = h ? h->if_contains("head") : nullptr;
    const boost::json::value* key = h ? h->if_contains("public_key") : nullptr;
    if (head == nullptr || key == nullptr || !key->is_string()) {
      return Status::InvalidArgument(path + ": a witnessed head lacks head or public_key");
    }
    auto parsed = audit::ParseSignedHead(stix::CanonicalJson(*head));
    if (!parsed.ok()) return Status::InvalidArgument(path + ": " + parsed.status().message());
    if (key->get_string() != own_key) {
      std::cerr << "entente: note: " << path << ": a head of " << parsed->head.tree_size
                << " entries signed by another key is left out\n";
      continue;
    }
    audit::EvidenceWitness w;
    w.peer = std::string(witness->get_string());
    w.head = *parsed;
    const uint64_t a = std::min(parsed->head.tree_size, p->head.head.tree_size);
    const uint64_t b = std::max(parsed->head.tree_size, p->head.head.tree_size);
    if (a > 0 && a < b && b <= size) {
      auto proof = log.ConsistencyProof(a, b);
      if (!proof.ok()) return proof.status();
      w.consistency = std::move(*proof);
    }
    const audit::Hash root_a = (a == parsed->head.tree_size ? parsed->head : p->head.head).root;
    const audit::Hash root_b = (a == parsed->head.tree_size ? p->head.head : parsed->head).root;
    if (!audit::VerifyConsistency(a, b, root_a, root_b, w.consistency).ok()) {
      std::cerr << "entente: WARNING: the head of " << parsed->head.tree_size << " entries that "
                << w.peer
                << " witnessed is not consistent with this record: the package will not verify\n";
    }
    p->witnessed.push_back(std::move(w));
  }
  return Status::Ok();
}

// The ids of every object of the case the operator can see: its incident, impacts,
// tasks, participants' state notes, NIS2 reports and attachments.
Result<std::vector<std::string>> CaseObjectIds(store::Store& store, const std::string& collection,
                                               const std::string& case_id) {
  auto c = store.GetCollection(collection);
  if (!c.ok()) {
    if (c.status().code() == StatusCode::kNotFound) {
      return Status::NotFound("unknown collection '" + collection +
                              "' (--collection: the collection holding the case)");
    }
    return c.status();
  }
  cases::CaseBook book(store, *c);
  auto snap = book.Load(policy::LocalOperator(), case_id);
  if (!snap.ok()) return snap.status();
  std::vector<std::string> ids = {snap->now.id};
  for (const auto& i : snap->impacts) ids.push_back(i.id);
  for (const auto& t : snap->tasks) ids.push_back(t.id);
  for (const auto& p : snap->participants) {
    for (const auto& s : p.states) ids.push_back(s.id);
  }
  for (const auto& r : snap->reports) ids.push_back(r.id);
  for (const auto& a : snap->attached) ids.push_back(a);
  return ids;
}

// Writes `text` to a new file readable by its owner only (a package may hold restricted
// objects).
Status WriteNewFile(const std::string& path, const std::string& text) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return Status::AlreadyExists(path + " exists (--out: a new file)");
    return Status::IoError("cannot create " + path);
  }
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
            ::fsync(fd) == 0;
  ok = ::close(fd) == 0 && ok;
  if (!ok) {
    ::unlink(path.c_str());
    return Status::IoError("cannot write " + path);
  }
  return Status::Ok();
}

int RunExport(const ExportOptions& o) {
  if (o.objects.empty() == o.case_id.empty()) {
    return UsageError("give --object ID (one or more) or --case ID, not both");
  }
  if (!o.case_id.empty() && o.collection.empty()) {
    return UsageError("--case needs --collection (the collection holding the case)");
  }
  const std::string dir = ResolveDataDir(o.data);
  auto store = OpenNodeStore(dir);
  if (!store.ok()) return Fail(store.status());
  auto settings = (*store)->GetSettings();
  if (!settings.ok()) return Fail(settings.status());
  auto record = OpenNodeRecord(dir);
  if (!record.ok()) return Fail(record.status());
  auto key = LoadNodeKey(dir);
  if (!key.ok()) return Fail(key.status());

  std::vector<std::string> ids = o.objects;
  if (!o.case_id.empty()) {
    auto case_ids = CaseObjectIds(**store, o.collection, o.case_id);
    if (!case_ids.ok()) return Fail(case_ids.status());
    ids = *case_ids;
  }
  std::set<std::string> seen;
  std::vector<std::string> subjects;
  for (const auto& id : ids) {
    if (seen.insert(id).second) subjects.push_back(id);
  }

  audit::EvidencePackage p;
  p.node = settings->name;
  p.created_us = SystemClock().NowMicros();
  p.public_key = key->public_key();
  for (const auto& id : subjects) {
    size_t before = p.objects.size();
    Status s = GatherStoredVersions(**store, id, &p.objects);
    if (!s.ok()) return Fail(s);
    if (p.objects.size() == before) {
      std::cerr << "entente: note: no stored version of " << id
                << " (deleted, or never stored here); its record entries are still included\n";
    }
  }
  auto head = (*record)->SignHead(*key);
  if (!head.ok()) return Fail(head.status());
  p.head = *head;
  Status s = audit::AddCustody(**record, subjects, &p);
  if (!s.ok()) return Fail(s);
  for (const auto& file : o.witnessed) {
    s = AddWitnessed(**record, file, &p);
    if (!s.ok()) return Fail(s);
  }
  if (p.witnessed.empty()) {
    p.witnessed_note =
        "No heads witnessed by peers were given (evidence export --witnessed FILE). Each peer "
        "keeps the heads of this node it witnessed (`entente peer show " +
        settings->name +
        " --json` on the peer's node); every one of them must be consistent with this "
        "package's head.";
  }
  s = WriteNewFile(o.out, audit::FormatPackage(p));
  if (!s.ok()) return Fail(s);
  std::cout << "wrote " << o.out << ": " << p.objects.size() << " object version(s), "
            << p.entries.size() << " record entr" << (p.entries.size() == 1 ? "y" : "ies")
            << ", head of " << p.head.head.tree_size << " entries signed at "
            << FormatTimestamp(p.head.head.timestamp_us, 6) << " by key id "
            << audit::HashHex(p.head.head.key_id) << "\n";
  return kExitOk;
}

struct VerifyOptions {
  std::string package;
  std::string key;
};

int RunVerify(const VerifyOptions& o) {
  std::optional<audit::PublicKey> expected;
  if (!o.key.empty()) {
    auto k = audit::PublicKeyFromHex(o.key);
    if (!k.ok()) return UsageError("--key: " + std::string(k.status().message()));
    expected = *k;
  }
  auto text = ReadInputFile(o.package);
  if (!text.ok()) return Fail(text.status());
  audit::EvidenceReport r = audit::VerifyPackage(*text, expected);
  if (!r.failures.empty()) {
    for (const auto& f : r.failures) std::cout << "FAIL " << f << "\n";
    std::cout << r.failures.size() << " failure(s): the package does not prove what it claims\n";
    return kExitNo;
  }
  auto p = audit::ParsePackage(*text).value();
  std::cout << "OK: " << r.objects << " object version(s) and " << r.entries << " record entr"
            << (r.entries == 1 ? "y" : "ies") << " proven under the head of "
            << p.head.head.tree_size << " entries signed at "
            << FormatTimestamp(p.head.head.timestamp_us, 6) << " by node " << p.node << "\n   key "
            << audit::BytesHex(p.public_key.data(), p.public_key.size())
            << (expected ? " (the expected key)"
                         : " (compare it with the key the node published: --key HEX)")
            << "\n   " << r.witnessed << " head(s) witnessed by peers checked"
            << (r.witnessed == 0 ? ": " + p.witnessed_note : "") << "\n";
  return kExitOk;
}

}  // namespace

void RegisterEvidenceCommands(CLI::App& app, CommandContext& ctx) {
  CLI::App* ev = app.add_subcommand(
      "evidence", "Evidence packages a court or a partner can verify offline (docs/evidence.md)");
  ev->require_subcommand(1);

  auto eo = std::make_shared<ExportOptions>();
  CLI::App* ex = ev->add_subcommand(
      "export", "Write one package: objects as stored, their record entries, proofs, key");
  AddDataOption(ex, &eo->data);
  ex->add_option("--object", eo->objects, "object id (repeatable)");
  ex->add_option("--case", eo->case_id, "a case (incident id): every object of the case");
  ex->add_option("--collection", eo->collection, "the collection holding the case (--case)");
  ex->add_option("--out", eo->out, "the package file to create")->required();
  ex->add_option("--witnessed", eo->witnessed,
                 "a peer's `entente peer show THIS-NODE --json` output: the heads of this node "
                 "it witnessed, included with consistency proofs (repeatable)");
  ex->callback([eo, &ctx] { ctx.exit_code = RunExport(*eo); });

  auto vo = std::make_shared<VerifyOptions>();
  CLI::App* ve =
      ev->add_subcommand("verify",
                         "Check a package with no node and no network: exit 0 when it all holds, 1 "
                         "naming each failure");
  ve->add_option("package", vo->package, "the package file ('-' for stdin)")->required();
  ve->add_option("--key", vo->key,
                 "the node's public key (64 hex digits) as obtained independently");
  ve->callback([vo, &ctx] { ctx.exit_code = RunVerify(*vo); });
}

}  // namespace entente::cli
