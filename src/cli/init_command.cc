// `entente init`: creates a node's data folder, store, settings, default API root, admin
// organisation and its first token.
#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <memory>
#include <string>

#include "audit/log.h"
#include "audit/node_files.h"
#include "audit/node_key.h"
#include "cli/node_commands.h"
#include "cli/node_record.h"
#include "cli/node_util.h"
#include "common/country.h"
#include "common/env.h"
#include "common/timestamp.h"

namespace entente::cli {
namespace {

struct InitOptions {
  std::string data;
  std::string name;
  std::string jurisdiction;
  std::string admin_org = "admin";
  std::string admin_org_name;
  std::string title;
};

constexpr const char* kReadme =
    "This folder holds one entente node (a STIX 2.1 / TAXII 2.1 exchange node).\n"
    "\n"
    "  entente.db       the SQLite database: node settings, organisations, token hashes,\n"
    "                   API roots, collections and their grants, every stored STIX object\n"
    "                   version and TAXII status resources. entente.db-wal and\n"
    "                   entente.db-shm are its write-ahead log; copy all three together,\n"
    "                   or stop `entente serve` before copying.\n"
    "  audit.db         the record (docs/record.md): an append-only, hash-chained log of what\n"
    "                   this node did, with its signed tree heads; `entente log verify`\n"
    "                   checks it. Never edit it; back it up with entente.db.\n"
    "  audit.key        the node's Ed25519 signing key (mode 0600): it signs the record's\n"
    "                   heads. Whoever holds it can sign in this node's name; a node that\n"
    "                   loses it can no longer extend what peers witnessed.\n"
    "  README.txt       this file.\n"
    "\n"
    "Tokens are stored as SHA-256 hashes only: a lost token cannot be recovered, create a\n"
    "new one with `entente token create --org ORG`. Whoever can read this folder can read\n"
    "every object in it, whatever its TLP marking: keep it mode 0700 and back it up.\n"
    "\n"
    "Use it with `entente <command> --data <this folder>` or set ENTENTE_DATA.\n";

bool IsNodeName(std::string_view t) {
  if (t.empty() || t.size() > 64) return false;
  for (char c : t) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == '.';
    if (!ok) return false;
  }
  return true;
}

// mkdir -p for the parents, then DIR itself with mode 0700; `*created` tells whether DIR
// is new.
Status MakeDataDir(const std::string& dir, bool* created) {
  *created = false;
  struct stat st;
  if (::stat(dir.c_str(), &st) == 0) {
    if (!S_ISDIR(st.st_mode)) {
      return Status::AlreadyExists(dir + " exists and is not a folder (--data: a folder path)");
    }
    if (::chmod(dir.c_str(), 0700) != 0) {
      return Status::IoError("cannot set mode 0700 on " + dir + ": " + std::strerror(errno));
    }
    return Status::Ok();
  }
  for (size_t pos = dir.find('/', 1); pos != std::string::npos; pos = dir.find('/', pos + 1)) {
    std::string parent = dir.substr(0, pos);
    if (::mkdir(parent.c_str(), 0755) != 0 && errno != EEXIST) {
      return Status::IoError("cannot create " + parent + ": " + std::strerror(errno));
    }
  }
  if (::mkdir(dir.c_str(), 0700) != 0) {
    if (errno != EEXIST)
      return Status::IoError("cannot create " + dir + ": " + std::strerror(errno));
  } else {
    *created = true;
  }
  ::chmod(dir.c_str(), 0700);  // in case the umask removed bits we want (it cannot add any)
  return Status::Ok();
}

Status WriteReadme(const std::string& dir) {
  std::string path = dir + "/README.txt";
  FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) return Status::IoError("cannot write " + path + ": " + std::strerror(errno));
  size_t len = std::strlen(kReadme);
  bool ok = std::fwrite(kReadme, 1, len, f) == len;
  ok = (std::fclose(f) == 0) && ok;
  if (!ok) return Status::IoError("cannot write " + path);
  return Status::Ok();
}

Status Populate(store::Store& store, const InitOptions& o, std::string* secret) {
  store::NodeSettings settings;
  settings.name = o.name;
  settings.jurisdiction = o.jurisdiction;
  settings.title = o.title.empty() ? "entente node " + o.name : o.title;
  settings.default_api_root = "api";
  ENTENTE_RETURN_IF_ERROR(store.PutSettings(settings));

  store::ApiRoot root;
  root.name = "api";
  root.title = settings.title;
  root.description = "Default API root of node " + o.name;
  ENTENTE_RETURN_IF_ERROR(store.PutApiRoot(root));

  store::Organisation org;
  org.id = o.admin_org;
  org.name = o.admin_org_name.empty() ? o.name : o.admin_org_name;
  org.country = o.jurisdiction;
  org.identity_id = "identity--" + NewUuid4();
  org.admin = true;
  ENTENTE_RETURN_IF_ERROR(store.PutOrganisation(org));

  store::TokenInfo token;
  token.token_id = NewTokenId();
  token.org_id = org.id;
  token.label = "created by entente init";
  token.created_us = SystemClock().NowMicros();
  *secret = NewToken();
  return store.AddToken(token, Sha256Hex(*secret));
}

void RemoveStoreFiles(const std::string& db) {
  std::remove(db.c_str());
  std::remove((db + "-wal").c_str());
  std::remove((db + "-shm").c_str());
}

// The node's key, and a first signed head of its empty record that ties the record to the
// key from the start.
Result<audit::NodeKey> CreateKey(const std::string& dir, audit::AuditLog& record,
                                 bool* key_created) {
  audit::NodeKey key = audit::NodeKey::Generate();
  ENTENTE_RETURN_IF_ERROR(key.SaveNew(audit::NodeKeyPathIn(dir)));
  *key_created = true;
  ENTENTE_RETURN_IF_ERROR(record.SignHead(key).status());
  return key;
}

int RunInit(const InitOptions& o) {
  if (!IsNodeName(o.name)) {
    return Fail(Status::InvalidArgument("invalid node name '" + o.name +
                                        "' (--name: 1-64 characters from A-Z a-z 0-9 . _ -)"));
  }
  if (!IsAssignedCountryCode(o.jurisdiction)) {
    return Fail(Status::InvalidArgument(
        "invalid jurisdiction '" + o.jurisdiction +
        "' (--jurisdiction: an assigned ISO 3166-1 alpha-2 code in upper case, e.g. FR)"));
  }
  if (!IsOrgId(o.admin_org)) {
    return Fail(Status::InvalidArgument(
        "invalid organisation id '" + o.admin_org +
        "' (--admin-org: 1-64 characters from a-z 0-9 . _ -, starting with a letter or digit)"));
  }
  std::string dir = ResolveDataDir(o.data);
  std::string db = StorePathIn(dir);
  struct stat st;
  if (::stat(db.c_str(), &st) == 0) {
    return Fail(Status::AlreadyExists(dir + " already holds an initialised node (--data: "
                                            "choose an empty or new folder)"));
  }
  for (const std::string& f : {audit::RecordPathIn(dir), audit::NodeKeyPathIn(dir)}) {
    if (::stat(f.c_str(), &st) == 0) {
      return Fail(Status::AlreadyExists(f + " exists: the record or key of another node (--data: "
                                            "choose an empty or new folder)"));
    }
  }
  bool created = false;
  if (Status s = MakeDataDir(dir, &created); !s.ok()) return Fail(s);
  // On failure, leave the folder as it was: an initialised node is never half-made.
  bool key_created = false;
  auto undo = [&] {
    RemoveStoreFiles(db);
    RemoveStoreFiles(audit::RecordPathIn(dir));
    if (key_created) std::remove(audit::NodeKeyPathIn(dir).c_str());
    if (created) ::rmdir(dir.c_str());
  };

  // The node's record starts with its own making: the key and a head of the empty record,
  // then the admin organisation and its token (recorded by the store's observer as they
  // are stored), then a head of those.
  auto record = OpenNodeRecord(dir);
  if (!record.ok()) {
    undo();
    return Fail(record.status());
  }
  auto key = CreateKey(dir, **record, &key_created);
  if (!key.ok()) {
    undo();
    return Fail(key.status());
  }
  auto opened = OpenStoreFile(db, true, *record);
  if (!opened.ok()) {
    undo();
    return Fail(
        Status(opened.status().code(), "cannot create " + db + ": " + opened.status().message()));
  }
  std::unique_ptr<store::Store> store = std::move(opened).value();
  std::string secret;
  Status s = Populate(*store, o, &secret);
  store.reset();
  if (s.ok()) s = (*record)->SignHead(*key).status();
  if (!s.ok()) {
    undo();
    return Fail(s);
  }
  if (Status r = WriteReadme(dir); !r.ok()) PrintError(r.message() + " (continuing)");
  std::cout << "node " << o.name << " initialised in " << dir << '\n'
            << "admin organisation: " << o.admin_org << '\n'
            << "admin token: " << secret << std::endl;
  return kExitOk;
}

}  // namespace

void RegisterInitCommand(CLI::App& app, CommandContext& ctx) {
  auto o = std::make_shared<InitOptions>();
  CLI::App* cmd = app.add_subcommand("init", "Create a node's data folder, store and admin token");
  AddDataOption(cmd, &o->data);
  cmd->add_option("--name", o->name, "node name, e.g. cert-fr")->required();
  cmd->add_option("--jurisdiction", o->jurisdiction, "ISO 3166-1 alpha-2 country code, e.g. FR")
      ->required();
  cmd->add_option("--admin-org", o->admin_org, "id of the admin organisation")
      ->capture_default_str();
  cmd->add_option("--admin-org-name", o->admin_org_name,
                  "display name of the admin organisation (default: the node name)");
  cmd->add_option("--title", o->title, "TAXII discovery title");
  cmd->callback([o, &ctx] { ctx.exit_code = RunInit(*o); });
}

}  // namespace entente::cli
