// The node commands' side of the record (docs/record.md): changes the CLI makes to
// organisations and tokens are appended to the node's record BEFORE they are made, so
// that a change that cannot be recorded is not made (the command fails instead).
//
// For the `entente` process's main thread. Opens the record for each call.
#pragma once

#include <string>
#include <vector>

#include "audit/entry.h"
#include "audit/recorder.h"
#include "entente/status.h"

namespace entente::cli {

// Appends `entries` to the record of the node in `data_dir` (creating the record of a
// node made before it existed) in one transaction.
Status RecordEntries(const std::string& data_dir, const std::vector<audit::Entry>& entries);

// RecordEntries as an audit::Recorder, for the changes admin/node_admin.h makes on the
// command line's behalf: each Record opens the record of the node in `data_dir`.
class DataDirRecorder final : public audit::Recorder {
 public:
  explicit DataDirRecorder(std::string data_dir) : data_dir_(std::move(data_dir)) {}
  Status Record(std::span<const audit::Entry> entries) override {
    return RecordEntries(data_dir_, {entries.begin(), entries.end()});
  }

 private:
  std::string data_dir_;
};

// Who the local command line acts as in the record.
inline constexpr const char* kRecordOperator = "operator";

}  // namespace entente::cli
