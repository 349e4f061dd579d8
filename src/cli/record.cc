// Appending the CLI's changes to the node's record.
#include "cli/record.h"

#include "audit/log.h"
#include "audit/node_files.h"

namespace entente::cli {

Status RecordEntries(const std::string& data_dir, const std::vector<audit::Entry>& entries) {
  auto log = audit::AuditLog::Open(audit::RecordPathIn(data_dir));
  if (!log.ok()) {
    return Status(log.status().code(),
                  "cannot open the record, nothing changed: " + log.status().message());
  }
  auto appended = (*log)->Append(entries);
  if (!appended.ok()) {
    return Status(appended.status().code(),
                  "cannot write the record, nothing changed: " + appended.status().message());
  }
  return Status::Ok();
}

}  // namespace entente::cli
