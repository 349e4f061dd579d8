#include "telemetry/follow.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace entente::telemetry {
namespace {

Status IoError(const std::string& what, const std::string& path) {
  return Status::IoError(what + " " + path + ": " + std::strerror(errno));
}

std::string DirectoryOf(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

// The path of a file in `dir` with this device and inode ("" when there is none).
std::string FindByInode(const std::string& dir, uint64_t device, uint64_t inode) {
  DIR* d = opendir(dir.c_str());
  if (d == nullptr) return {};
  std::string found;
  while (dirent* e = readdir(d)) {
    struct stat st {};
    if (fstatat(dirfd(d), e->d_name, &st, 0) != 0 || !S_ISREG(st.st_mode)) continue;
    if (static_cast<uint64_t>(st.st_dev) == device && static_cast<uint64_t>(st.st_ino) == inode) {
      found = (dir == "/" ? "" : dir) + "/" + e->d_name;
      break;
    }
  }
  closedir(d);
  return found;
}

}  // namespace

std::string FormatPosition(const Position& p) {
  return std::to_string(p.device) + ":" + std::to_string(p.inode) + ":" + std::to_string(p.offset);
}

bool ParsePosition(std::string_view text, Position* out) {
  uint64_t parts[3] = {0, 0, 0};
  size_t n = 0;
  bool digit = false;
  for (char c : text) {
    if (c == ':') {
      if (!digit || ++n == 3) return false;
      digit = false;
    } else if (c >= '0' && c <= '9') {
      if (parts[n] > (UINT64_MAX - 9) / 10) return false;
      parts[n] = parts[n] * 10 + static_cast<uint64_t>(c - '0');
      digit = true;
    } else {
      return false;
    }
  }
  if (n != 2 || !digit) return false;
  *out = Position{parts[0], parts[1], parts[2]};
  return true;
}

LogFollower::LogFollower(std::string path, FollowOptions options)
    : path_(std::move(path)), options_(options) {}

LogFollower::~LogFollower() { Close(); }

void LogFollower::Close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

Status LogFollower::OpenPath(uint64_t offset) {
  Close();
  pending_.clear();
  skipping_ = false;
  const int fd = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return Status::Ok();  // not there yet: Poll waits for it
    return IoError("cannot open", path_);
  }
  struct stat st {};
  if (fstat(fd, &st) != 0) {
    ::close(fd);
    return IoError("cannot stat", path_);
  }
  if (static_cast<uint64_t>(st.st_size) < offset) offset = 0;  // truncated meanwhile
  if (lseek(fd, static_cast<off_t>(offset), SEEK_SET) < 0) {
    ::close(fd);
    return IoError("cannot seek in", path_);
  }
  fd_ = fd;
  position_ = Position{static_cast<uint64_t>(st.st_dev), static_cast<uint64_t>(st.st_ino), offset};
  pending_start_ = offset;
  return Status::Ok();
}

Status LogFollower::Open(const Position& from) {
  if (from.inode == 0) return OpenPath(0);
  struct stat st {};
  if (::stat(path_.c_str(), &st) == 0 && static_cast<uint64_t>(st.st_dev) == from.device &&
      static_cast<uint64_t>(st.st_ino) == from.inode) {
    return OpenPath(from.offset);
  }
  // Rotated while we were away: finish the old file first, if it is still beside the new.
  const std::string old = FindByInode(DirectoryOf(path_), from.device, from.inode);
  if (old.empty()) return OpenPath(0);
  const std::string current = std::move(path_);
  path_ = old;
  Status s = OpenPath(from.offset);
  path_ = current;
  return s;
}

Result<uint64_t> LogFollower::Drain(const LineFn& fn) {
  uint64_t given = 0;
  char buffer[64 * 1024];
  for (;;) {
    const ssize_t n = ::read(fd_, buffer, sizeof buffer);
    if (n < 0) {
      if (errno == EINTR) continue;
      return IoError("cannot read", path_);
    }
    if (n == 0) return given;
    pending_.append(buffer, static_cast<size_t>(n));
    size_t start = 0;
    for (size_t nl = pending_.find('\n'); nl != std::string::npos;
         nl = pending_.find('\n', start)) {
      position_.offset = pending_start_ + nl + 1;
      if (skipping_) {
        skipping_ = false;
        ++long_lines_;
      } else if (nl - start > options_.max_line_bytes) {
        ++long_lines_;
      } else {
        fn(std::string_view(pending_).substr(start, nl - start), position_);
        ++given;
      }
      start = nl + 1;
    }
    pending_.erase(0, start);
    pending_start_ += start;
    if (pending_.size() > options_.max_line_bytes) {
      // The rest of this line goes unread until its newline arrives.
      skipping_ = true;
      pending_start_ += pending_.size();
      pending_.clear();
    }
  }
}

Result<uint64_t> LogFollower::Poll(const LineFn& fn) {
  if (fd_ < 0) {
    ENTENTE_RETURN_IF_ERROR(OpenPath(0));
    if (fd_ < 0) return uint64_t{0};
  }
  auto given = Drain(fn);
  if (!given.ok()) return given;
  uint64_t total = *given;
  struct stat named {};
  if (::stat(path_.c_str(), &named) != 0) return total;  // renamed, no new file yet
  if (static_cast<uint64_t>(named.st_dev) != position_.device ||
      static_cast<uint64_t>(named.st_ino) != position_.inode) {
    // Rotated: what was appended to the old file before it was renamed, then the new one.
    auto rest = Drain(fn);
    if (!rest.ok()) return rest;
    total += *rest;
    ENTENTE_RETURN_IF_ERROR(OpenPath(0));
    ++rotations_;
    if (fd_ < 0) return total;
    auto fresh = Drain(fn);
    if (!fresh.ok()) return fresh;
    return total + *fresh;
  }
  struct stat open_file {};
  if (fstat(fd_, &open_file) == 0 &&
      static_cast<uint64_t>(open_file.st_size) < pending_start_ + pending_.size()) {
    // Truncated in place (copytruncate): its new content starts at the beginning.
    ENTENTE_RETURN_IF_ERROR(OpenPath(0));
    ++rotations_;
    auto fresh = Drain(fn);
    if (!fresh.ok()) return fresh;
    total += *fresh;
  }
  return total;
}

}  // namespace entente::telemetry
