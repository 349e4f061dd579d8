// telemetry/follow.h: reading a log that grows, is rotated and outlives the reader.
//
// A LogFollower hands out the complete lines of one log path in order: what is in the
// file now, and what is appended later each time Poll is called. A line is given only
// once its newline has arrived, so a line being written is never split. It keeps track of
// the file by device and inode, not by name:
//   - rotation by rename (`log` -> `log.1`, a new `log` created): the old file is read to
//     its end before the new one is started at its beginning;
//   - truncation in place (copytruncate): the file is read again from its beginning
//     (noticed when the file is shorter than what was read of it);
//   - a restart: Open with the Position the caller saved after it had dealt with the
//     lines before it resumes there - in the same file if the path still names it, or in
//     the file of the directory that still has its inode (the rotated copy) and then the
//     new file from its beginning; nothing read twice, nothing skipped, as long as the
//     rotated file is still in the same directory.
// A line longer than `max_line_bytes` is not given: it is skipped up to its newline and
// counted (long_lines()), so that one runaway line cannot make the reader hold the whole
// file.
//
// Not safe for concurrent use. Errors are values: Poll returns the I/O error it met.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "entente/status.h"

namespace entente::telemetry {

// Where reading stands: the file (device and inode) and the byte offset after the last
// line handed out. Saved by the caller once it has dealt with those lines.
struct Position {
  uint64_t device = 0;
  uint64_t inode = 0;
  uint64_t offset = 0;
  bool operator==(const Position&) const = default;
};

// "device:inode:offset", and back (false when `text` is not of that form).
std::string FormatPosition(const Position& p);
bool ParsePosition(std::string_view text, Position* out);

struct FollowOptions {
  size_t max_line_bytes = 1 << 20;  // longer lines are skipped and counted
};

class LogFollower {
 public:
  // The line (without its newline; a trailing '\r' is kept) and the position just after it.
  using LineFn = std::function<void(std::string_view line, const Position& after)>;

  LogFollower(std::string path, FollowOptions options = {});
  ~LogFollower();
  LogFollower(const LogFollower&) = delete;
  LogFollower& operator=(const LogFollower&) = delete;

  // Starts at `from` (see above), or at the beginning of the file the path names when
  // `from` is zero. A path that does not exist yet is not an error: Poll waits for it.
  Status Open(const Position& from = {});

  // Hands every complete line available now to `fn`, following a rotation or truncation
  // that happened since the last call. Returns the number of lines given.
  Result<uint64_t> Poll(const LineFn& fn);

  Position position() const { return position_; }
  uint64_t long_lines() const { return long_lines_; }
  uint64_t rotations() const { return rotations_; }

 private:
  Status OpenPath(uint64_t offset);
  Result<uint64_t> Drain(const LineFn& fn);
  void Close();

  std::string path_;
  FollowOptions options_;
  int fd_ = -1;
  Position position_;
  std::string pending_;         // bytes after the last newline read
  uint64_t pending_start_ = 0;  // the file offset of pending_'s first byte
  bool skipping_ = false;       // inside an over-long line: drop until its newline
  uint64_t long_lines_ = 0;
  uint64_t rotations_ = 0;
};

}  // namespace entente::telemetry
