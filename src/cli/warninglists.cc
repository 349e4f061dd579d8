#include "cli/warninglists.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cerrno>
#include <cstring>
#include <utility>

#include "common/timestamp.h"
#include "stix/stix.h"

namespace entente::cli {
namespace json = boost::json;
namespace {

constexpr std::string_view kListsFolder = "lists";
constexpr std::string_view kOverridesFile = "overrides.json";
constexpr std::string_view kGenerationFile = "generation";
constexpr std::string_view kLockFile = ".lock";
constexpr size_t kMaxSlug = 48;

Status Errno(const std::string& what) {
  return Status::IoError(what + ": " + std::strerror(errno));
}

bool EndsWith(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

Status MakeDir(const std::string& path) {
  if (::mkdir(path.c_str(), 0750) == 0 || errno == EEXIST) return Status::Ok();
  return Errno("cannot create " + path);
}

Status FsyncPath(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Errno("cannot open " + path);
  int rc = ::fsync(fd);
  ::close(fd);
  return rc == 0 ? Status::Ok() : Errno("cannot sync " + path);
}

// Writes `content` to dir/name: a temporary file in `dir`, fsync'ed, renamed over it, then
// `dir` fsync'ed.
Status WriteAtomically(const std::string& dir, std::string_view name, std::string_view content) {
  std::string tmp = dir + "/.tmp-" + std::string(name) + "-XXXXXX";
  int fd = ::mkstemp(tmp.data());
  if (fd < 0) return Errno("cannot create a file in " + dir);
  size_t written = 0;
  while (written < content.size()) {
    ssize_t n = ::write(fd, content.data() + written, content.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      Status s = Errno("cannot write " + tmp);
      ::close(fd);
      ::unlink(tmp.c_str());
      return s;
    }
    written += static_cast<size_t>(n);
  }
  if (::fchmod(fd, 0640) != 0 || ::fsync(fd) != 0) {
    Status s = Errno("cannot sync " + tmp);
    ::close(fd);
    ::unlink(tmp.c_str());
    return s;
  }
  ::close(fd);
  const std::string path = dir + "/" + std::string(name);
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    Status s = Errno("cannot rename " + tmp + " to " + path);
    ::unlink(tmp.c_str());
    return s;
  }
  return FsyncPath(dir);
}

// The whole file; not-found when it does not exist.
Result<std::string> ReadWhole(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return Status::NotFound(path + " does not exist");
    return Errno("cannot read " + path);
  }
  std::string out;
  char buf[1 << 16];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      Status s = Errno("cannot read " + path);
      ::close(fd);
      return s;
    }
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return out;
}

// Holds DATA/warninglists/.lock (flock, exclusive) while it lives; creates the folders.
class ChangeLock {
 public:
  ~ChangeLock() {
    if (fd_ >= 0) ::close(fd_);  // releases the lock
  }
  Status Acquire(const std::string& dir) {
    ENTENTE_RETURN_IF_ERROR(MakeDir(dir));
    ENTENTE_RETURN_IF_ERROR(MakeDir(dir + "/" + std::string(kListsFolder)));
    const std::string path = dir + "/" + std::string(kLockFile);
    fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0640);
    if (fd_ < 0) return Errno("cannot open " + path);
    while (::flock(fd_, LOCK_EX) != 0) {
      if (errno != EINTR) return Errno("cannot lock " + path);
    }
    return Status::Ok();
  }

 private:
  int fd_ = -1;
};

// Tells a running server that something changed (WarninglistWatcher).
Status BumpGeneration(const std::string& dir) {
  return WriteAtomically(dir, kGenerationFile, NewUuid4() + "\n");
}

// The *.json files of lists/, sorted; none when the folder does not exist.
Result<std::vector<std::string>> ListFiles(const std::string& lists_dir) {
  std::vector<std::string> files;
  DIR* d = ::opendir(lists_dir.c_str());
  if (d == nullptr) {
    if (errno == ENOENT) return files;
    return Errno("cannot list " + lists_dir);
  }
  while (const dirent* e = ::readdir(d)) {
    std::string_view name(e->d_name);
    if (name.empty() || name.front() == '.' || !EndsWith(name, ".json")) continue;
    files.emplace_back(name);
  }
  ::closedir(d);
  std::sort(files.begin(), files.end());
  return files;
}

Result<std::map<std::string, WarninglistOverride, std::less<>>> LoadOverrides(
    const std::string& dir) {
  std::map<std::string, WarninglistOverride, std::less<>> out;
  const std::string path = dir + "/" + std::string(kOverridesFile);
  auto text = ReadWhole(path);
  if (!text.ok()) {
    if (text.status().code() == StatusCode::kNotFound) return out;
    return text.status();
  }
  auto bad = [&](std::string_view what) {
    return Status::InvalidArgument(path + ": " + std::string(what));
  };
  auto parsed = stix::ParseJson(*text);
  if (!parsed.ok()) return bad(parsed.status().message());
  const json::object* root = parsed->if_object();
  const json::value* list = root ? root->if_contains("overrides") : nullptr;
  if (list == nullptr || !list->is_array()) return bad("`overrides` must be an array");
  for (const json::value& v : list->get_array()) {
    const json::object* o = v.if_object();
    if (o == nullptr) return bad("each override must be an object");
    WarninglistOverride w;
    for (auto [key, field] : {std::pair{"indicator_id", &w.indicator_id}, std::pair{"by", &w.by},
                              std::pair{"at", &w.at}, std::pair{"reason", &w.reason}}) {
      const json::value* s = o->if_contains(key);
      if (s == nullptr || !s->is_string()) {
        return bad(std::string("each override needs a string `") + key + "`");
      }
      field->assign(s->get_string().data(), s->get_string().size());
    }
    std::string id = w.indicator_id;
    out[id] = std::move(w);
  }
  return out;
}

Status StoreOverrides(const std::string& dir,
                      const std::map<std::string, WarninglistOverride, std::less<>>& overrides) {
  json::array list;
  for (const auto& [id, o] : overrides) {
    list.push_back(json::object{
        {"indicator_id", o.indicator_id}, {"by", o.by}, {"at", o.at}, {"reason", o.reason}});
  }
  json::object root{{"overrides", std::move(list)}};
  return WriteAtomically(dir, kOverridesFile, json::serialize(root) + "\n");
}

}  // namespace

const WarninglistOverride* NodeWarninglists::OverrideOf(std::string_view indicator_id) const {
  auto it = overrides.find(indicator_id);
  return it == overrides.end() ? nullptr : &it->second;
}

std::string WarninglistDir(const std::string& data_dir) { return data_dir + "/warninglists"; }

std::string WarninglistFileName(std::string_view name) {
  std::string slug;
  for (char c : name) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
      slug += c;
    } else if (!slug.empty() && slug.back() != '-') {
      slug += '-';
    }
    if (slug.size() >= kMaxSlug) break;
  }
  while (!slug.empty() && slug.back() == '-') slug.pop_back();
  if (slug.empty()) slug = "list";
  return slug + "-" + Sha256Hex(name).substr(0, 8) + ".json";
}

Result<NodeWarninglists> LoadNodeWarninglists(const std::string& data_dir) {
  NodeWarninglists out;
  const std::string dir = WarninglistDir(data_dir);
  const std::string lists_dir = dir + "/" + std::string(kListsFolder);
  auto files = ListFiles(lists_dir);
  if (!files.ok()) return files.status();
  for (const std::string& file : *files) {
    auto text = ReadWhole(lists_dir + "/" + file);
    if (!text.ok()) {
      // Removed since the folder was listed (a change while loading): not a list any more.
      if (text.status().code() == StatusCode::kNotFound) continue;
      return text.status();
    }
    auto list = pattern::index::ParseWarninglist(*text);
    if (!list.ok()) {
      return Status::InvalidArgument(lists_dir + "/" + file + ": " + list.status().message());
    }
    out.set.Add(std::move(list).value());
    out.files.push_back(file);
  }
  out.set.Build();
  auto overrides = LoadOverrides(dir);
  if (!overrides.ok()) return overrides.status();
  out.overrides = std::move(overrides).value();
  return out;
}

Result<pattern::index::Warninglist> AddNodeWarninglist(const std::string& data_dir,
                                                       std::string_view json_text, bool replace) {
  auto list = pattern::index::ParseWarninglist(json_text);
  if (!list.ok()) return list.status();
  const std::string dir = WarninglistDir(data_dir);
  ChangeLock lock;
  ENTENTE_RETURN_IF_ERROR(lock.Acquire(dir));
  const std::string lists_dir = dir + "/" + std::string(kListsFolder);
  const std::string file = WarninglistFileName(list->name);
  struct stat st;
  if (::stat((lists_dir + "/" + file).c_str(), &st) == 0 && !replace) {
    return Status::AlreadyExists("a warninglist named \"" + list->name +
                                 "\" is already installed (--replace: install this one instead)");
  }
  ENTENTE_RETURN_IF_ERROR(WriteAtomically(lists_dir, file, json_text));
  ENTENTE_RETURN_IF_ERROR(BumpGeneration(dir));
  return list;
}

Result<std::string> RemoveNodeWarninglist(const std::string& data_dir, std::string_view name) {
  const std::string dir = WarninglistDir(data_dir);
  const std::string lists_dir = dir + "/" + std::string(kListsFolder);
  ChangeLock lock;
  ENTENTE_RETURN_IF_ERROR(lock.Acquire(dir));
  auto remove = [&](const std::string& file, const std::string& removed) -> Result<std::string> {
    const std::string path = lists_dir + "/" + file;
    if (::unlink(path.c_str()) != 0) return Errno("cannot remove " + path);
    ENTENTE_RETURN_IF_ERROR(FsyncPath(lists_dir));
    ENTENTE_RETURN_IF_ERROR(BumpGeneration(dir));
    return removed;
  };
  auto files = ListFiles(lists_dir);
  if (!files.ok()) return files.status();
  // A file name first, without reading any list: a file edited into something that no
  // longer parses can still be removed by its name.
  for (const std::string& file : *files) {
    if (file == name || file == std::string(name) + ".json") return remove(file, file);
  }
  for (const std::string& file : *files) {
    auto text = ReadWhole(lists_dir + "/" + file);
    if (!text.ok()) continue;
    auto list = pattern::index::ParseWarninglist(*text);
    if (list.ok() && list->name == name) return remove(file, list->name);
  }
  return Status::NotFound("no warninglist named \"" + std::string(name) +
                          "\" (`entente warninglist list` shows the names)");
}

Status PutWarninglistOverride(const std::string& data_dir, const WarninglistOverride& o) {
  const std::string dir = WarninglistDir(data_dir);
  ChangeLock lock;
  ENTENTE_RETURN_IF_ERROR(lock.Acquire(dir));
  auto overrides = LoadOverrides(dir);
  if (!overrides.ok()) return overrides.status();
  (*overrides)[o.indicator_id] = o;
  ENTENTE_RETURN_IF_ERROR(StoreOverrides(dir, *overrides));
  return BumpGeneration(dir);
}

Status RemoveWarninglistOverride(const std::string& data_dir, std::string_view indicator_id) {
  const std::string dir = WarninglistDir(data_dir);
  ChangeLock lock;
  ENTENTE_RETURN_IF_ERROR(lock.Acquire(dir));
  auto overrides = LoadOverrides(dir);
  if (!overrides.ok()) return overrides.status();
  auto it = overrides->find(indicator_id);
  if (it == overrides->end()) {
    return Status::NotFound("no override for " + std::string(indicator_id));
  }
  overrides->erase(it);
  ENTENTE_RETURN_IF_ERROR(StoreOverrides(dir, *overrides));
  return BumpGeneration(dir);
}

WarninglistWatcher::WarninglistWatcher(std::string data_dir, Clock& clock,
                                       std::function<void(const std::string&)> log,
                                       int64_t check_interval_us)
    : data_dir_(std::move(data_dir)),
      clock_(clock),
      log_(std::move(log)),
      check_interval_us_(check_interval_us),
      current_(std::make_shared<const NodeWarninglists>()) {}

Status WarninglistWatcher::Load() {
  // The generation before the lists: a change made meanwhile is loaded by a later Current().
  std::string generation;
  auto text = ReadWhole(WarninglistDir(data_dir_) + "/" + std::string(kGenerationFile));
  if (text.ok()) {
    generation = std::move(text).value();
  } else if (text.status().code() != StatusCode::kNotFound) {
    return text.status();
  }
  auto lists = LoadNodeWarninglists(data_dir_);
  if (!lists.ok()) return lists.status();
  std::lock_guard<std::mutex> lock(mu_);
  current_ = std::make_shared<const NodeWarninglists>(std::move(lists).value());
  generation_ = std::move(generation);
  loaded_ = true;
  checked_at_us_ = clock_.NowMicros();
  return Status::Ok();
}

std::shared_ptr<const NodeWarninglists> WarninglistWatcher::Current() {
  std::unique_lock<std::mutex> lock(mu_);
  const int64_t now = clock_.NowMicros();
  if (loading_ || (loaded_ && now - checked_at_us_ < check_interval_us_)) return current_;
  checked_at_us_ = now;
  // The generation first, then the lists: a change made meanwhile has rewritten the
  // generation after its files, so the next look sees it and loads again.
  std::string generation;
  auto text = ReadWhole(WarninglistDir(data_dir_) + "/" + std::string(kGenerationFile));
  if (text.ok()) {
    generation = std::move(text).value();
  } else if (text.status().code() != StatusCode::kNotFound) {
    if (log_) log_("warninglists: " + text.status().message());
    return current_;
  }
  if (loaded_ && generation == generation_) return current_;
  generation_ = generation;
  loaded_ = true;
  loading_ = true;
  lock.unlock();
  auto lists = LoadNodeWarninglists(data_dir_);
  lock.lock();
  loading_ = false;
  if (!lists.ok()) {
    if (log_) {
      log_("warninglists: " + lists.status().message() + "; the lists loaded before stay in force");
    }
    return current_;
  }
  current_ = std::make_shared<const NodeWarninglists>(std::move(lists).value());
  if (log_ && !generation.empty()) {
    log_("warninglists: " + std::to_string(current_->set.lists().size()) + " list(s), " +
         std::to_string(current_->overrides.size()) + " override(s) loaded");
  }
  return current_;
}

std::shared_ptr<const pattern::index::WarninglistSet> WarninglistWatcher::CurrentSet() {
  std::shared_ptr<const NodeWarninglists> all = Current();
  const pattern::index::WarninglistSet* set = &all->set;
  return {std::move(all), set};
}

}  // namespace entente::cli
