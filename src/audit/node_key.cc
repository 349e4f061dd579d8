// The node key file: written once with O_EXCL and mode 0600, read only when private.
#include "audit/node_key.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace entente::audit {
namespace {

constexpr std::string_view kPrefix = "entente-ed25519-seed-v1 ";

}  // namespace

NodeKey NodeKey::Generate(Random& random) {
  NodeKey k;
  random.Fill(k.seed_.data(), k.seed_.size());
  crypto_sign_seed_keypair(k.public_key_.data(), k.secret_.data(), k.seed_.data());
  return k;
}

Result<NodeKey> NodeKey::Load(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) {
    if (errno == ENOENT) return Status::NotFound("no node key at " + path);
    return Status::IoError("cannot open " + path + ": " + std::strerror(errno));
  }
  struct stat st;
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return Status::Corruption(path + " is not a regular file");
  }
  if ((st.st_mode & 077) != 0) {
    ::close(fd);
    return Status::PermissionDenied(path +
                                    " may be read or written by others than its owner "
                                    "(chmod 600 it, or replace the key if it leaked)");
  }
  char buf[256];
  ssize_t n = ::read(fd, buf, sizeof buf);
  ::close(fd);
  std::string_view text(buf, n > 0 ? static_cast<size_t>(n) : 0);
  if (!text.empty() && text.back() == '\n') text.remove_suffix(1);
  NodeKey k;
  size_t len = 0;
  if (text.substr(0, kPrefix.size()) != kPrefix || text.size() != kPrefix.size() + 64 ||
      sodium_hex2bin(k.seed_.data(), k.seed_.size(), text.data() + kPrefix.size(), 64, nullptr,
                     &len, nullptr) != 0 ||
      len != k.seed_.size()) {
    sodium_memzero(buf, sizeof buf);
    return Status::Corruption(path + " is not an entente node key file");
  }
  sodium_memzero(buf, sizeof buf);
  crypto_sign_seed_keypair(k.public_key_.data(), k.secret_.data(), k.seed_.data());
  return k;
}

Status NodeKey::SaveNew(const std::string& path) const {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return Status::AlreadyExists(path + " exists");
    return Status::IoError("cannot create " + path + ": " + std::strerror(errno));
  }
  std::string line(kPrefix);
  line += BytesHex(seed_.data(), seed_.size());
  line += '\n';
  bool ok = ::fchmod(fd, 0600) == 0 &&
            ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size()) &&
            ::fsync(fd) == 0;
  sodium_memzero(line.data(), line.size());
  ok = (::close(fd) == 0) && ok;
  if (!ok) {
    ::unlink(path.c_str());
    return Status::IoError("cannot write " + path);
  }
  return Status::Ok();
}

Result<NodeKey> NodeKey::LoadOrCreate(const std::string& path, bool* created) {
  *created = false;
  auto loaded = Load(path);
  if (loaded.ok() || loaded.status().code() != StatusCode::kNotFound) return loaded;
  NodeKey k = Generate();
  Status s = k.SaveNew(path);
  if (s.code() == StatusCode::kAlreadyExists) return Load(path);  // another process won
  if (!s.ok()) return s;
  *created = true;
  return k;
}

SignedHead NodeKey::Sign(TreeHead head) const {
  head.key_id = key_id();
  SignedHead out;
  out.head = head;
  std::string msg = HeadSigningBytes(head);
  crypto_sign_detached(out.signature.data(), nullptr,
                       reinterpret_cast<const unsigned char*>(msg.data()), msg.size(),
                       secret_.data());
  return out;
}

}  // namespace entente::audit
