#include "cli/stix_input.h"

#include <sys/stat.h>

#include <cstdio>
#include <memory>

namespace entente::cli {
namespace {

constexpr size_t kChunkBytes = 1 << 20;

// The operator's own files have no size limit (the TAXII server's limits are for
// clients); nesting depth stays bounded.
stix::ParseLimits FileLimits() {
  stix::ParseLimits limits;
  limits.max_bytes = static_cast<size_t>(-1);
  return limits;
}

struct FileCloser {
  void operator()(FILE* f) const {
    if (f != nullptr && f != stdin) std::fclose(f);
  }
};

// Opens `path` ("-" = stdin) for reading, refusing directories.
Result<std::unique_ptr<FILE, FileCloser>> OpenInput(const std::string& path) {
  if (path == "-") return std::unique_ptr<FILE, FileCloser>(stdin);
  FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return Status::IoError("cannot read " + path + " (FILE: cannot open)");
  std::unique_ptr<FILE, FileCloser> file(f);
  struct stat st;
  if (::fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
    return Status::IoError("cannot read " + path + " (FILE: is a directory)");
  }
  return file;
}

// Feeds the whole input to `sink` (Write/Finish), chunk by chunk.
template <typename Sink>
Status Pump(const std::string& path, Sink& sink) {
  auto file = OpenInput(path);
  if (!file.ok()) return file.status();
  const std::string name = path == "-" ? "standard input" : path;
  auto fail = [&](const Status& s) {
    if (s.code() != StatusCode::kInvalidArgument && s.code() != StatusCode::kResourceExhausted) {
      return s;
    }
    return Status(s.code(), name + " is not readable JSON: " + s.message() +
                                " (FILE: a STIX bundle, array or object)");
  };
  std::unique_ptr<char[]> buf(new char[kChunkBytes]);
  size_t n;
  while ((n = std::fread(buf.get(), 1, kChunkBytes, file->get())) > 0) {
    Status s = sink.Write(std::string_view(buf.get(), n));
    if (!s.ok()) return fail(s);
  }
  if (std::ferror(file->get()) != 0)
    return Status::IoError("cannot read " + name + " (read error)");
  Status s = sink.Finish();
  return s.ok() ? s : fail(s);
}

}  // namespace

Result<StixFileSummary> StreamStixFile(const std::string& path, const StixItemFn& on_item) {
  stix::StreamReader* self = nullptr;
  stix::StreamReader reader([&](const boost::json::value& item,
                                size_t index) { return on_item(item, index, self->shape()); },
                            FileLimits());
  self = &reader;
  ENTENTE_RETURN_IF_ERROR(Pump(path, reader));
  return StixFileSummary{reader.shape(), reader.envelope()};
}

Status CheckJsonFile(const std::string& path) {
  stix::JsonSyntaxChecker checker(FileLimits());
  return Pump(path, checker);
}

stix::Finding NotAnObjectFinding(stix::DocumentShape shape, size_t index) {
  stix::Finding f;
  if (shape == stix::DocumentShape::kBundle) {
    f.property = "objects[" + std::to_string(index) + "]";
  } else if (shape == stix::DocumentShape::kArray) {
    f.property = "[" + std::to_string(index) + "]";
  }
  f.rule = "type-object";
  f.message = "a STIX object is a JSON object";
  return f;
}

}  // namespace entente::cli
