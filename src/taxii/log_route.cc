// The record's heads and proofs over HTTP.
#include "taxii/log_route.h"

#include <boost/json.hpp>
#include <charconv>
#include <optional>
#include <string>

#include "taxii/responses.h"

namespace entente::taxii {
namespace {

namespace json = boost::json;

http::Response Json(const json::object& body) {
  http::Response res;
  res.status = 200;
  res.body = json::serialize(body);
  res.SetHeader("Content-Type", "application/json");
  res.SetHeader("Cache-Control", "no-store");
  return res;
}

http::Response BadRequest(std::string_view description) {
  return TaxiiError(400, "Bad Request", description);
}

// The size of the newest signed head: proofs are served up to it only, so that a caller
// learns no more about the record's growth than the heads tell (the live size would let
// a peer time the node's activity entry by entry).
Result<uint64_t> SignedSize(audit::AuditLog& log) {
  auto head = log.LatestHead();
  if (!head.ok()) return head.status();
  return *head ? (*head)->head.tree_size : 0;
}

// The one value of query parameter `name` as an unsigned integer.
Result<uint64_t> Param(const http::Request& req, std::string_view name) {
  std::optional<std::string_view> value;
  for (const auto& p : req.query) {
    if (p.first != name) continue;
    if (value) return Status::InvalidArgument(std::string(name) + " given twice");
    value = p.second;
  }
  if (!value) return Status::InvalidArgument(std::string(name) + " is required");
  uint64_t out = 0;
  auto [end, ec] = std::from_chars(value->data(), value->data() + value->size(), out);
  if (ec != std::errc() || end != value->data() + value->size() || value->empty()) {
    return Status::InvalidArgument(std::string(name) + " is not a non-negative integer");
  }
  return out;
}

json::array Hashes(const std::vector<audit::Hash>& hashes) {
  json::array out;
  for (const auto& h : hashes) out.emplace_back(audit::HashHex(h));
  return out;
}

http::Response Head(audit::AuditLog& log, const audit::PublicKey& key) {
  auto head = log.LatestHead();
  if (!head.ok()) return TaxiiErrorFromStatus(head.status());
  if (!*head) return TaxiiError(404, "Not Found", "this node has signed no head yet");
  return Json({{"head", json::parse(audit::FormatSignedHead(**head))},
               {"public_key", audit::BytesHex(key.data(), key.size())},
               {"key_id", audit::HashHex(audit::KeyIdOf(key))}});
}

http::Response Consistency(audit::AuditLog& log, const http::Request& req) {
  auto first = Param(req, "first");
  if (!first.ok()) return BadRequest(first.status().message());
  auto second = Param(req, "second");
  if (!second.ok()) return BadRequest(second.status().message());
  auto size = SignedSize(log);
  if (!size.ok()) return TaxiiErrorFromStatus(size.status());
  if (*first == 0 || *first > *second || *second > *size) {
    return BadRequest("need 0 < first <= second <= " + std::to_string(*size) +
                      " (the size of the newest signed head)");
  }
  auto proof = log.ConsistencyProof(*first, *second);
  if (!proof.ok()) return TaxiiErrorFromStatus(proof.status());
  return Json({{"first", *first}, {"second", *second}, {"proof", Hashes(*proof)}});
}

http::Response Inclusion(audit::AuditLog& log, const http::Request& req,
                         const EntryReadable& may_read) {
  auto index = Param(req, "index");
  if (!index.ok()) return BadRequest(index.status().message());
  auto size = Param(req, "size");
  if (!size.ok()) return BadRequest(size.status().message());
  auto signed_size = SignedSize(log);
  if (!signed_size.ok()) return TaxiiErrorFromStatus(signed_size.status());
  if (*index >= *size || *size > *signed_size) {
    return BadRequest("need index < size <= " + std::to_string(*signed_size) +
                      " (the size of the newest signed head)");
  }
  auto raw = log.RawEntries(*index, 1);
  if (!raw.ok()) return TaxiiErrorFromStatus(raw.status());
  if (raw->empty() || raw->front().index != *index) {
    return TaxiiErrorFromStatus(Status::Corruption("entry " + std::to_string(*index) +
                                                   " is missing (`entente log verify`)"));
  }
  auto proof = log.InclusionProof(*index, *size);
  if (!proof.ok()) return TaxiiErrorFromStatus(proof.status());
  const std::string& text = raw->front().text;
  json::object body{{"index", *index},
                    {"size", *size},
                    {"leaf_hash", audit::HashHex(audit::HashLeaf(text))},
                    {"proof", Hashes(*proof)}};
  bool readable = false;
  if (auto entry = audit::ParseEntry(text); entry.ok()) {
    auto may = may_read(entry->entry);
    if (!may.ok()) return TaxiiErrorFromStatus(may.status());
    readable = *may;
  }
  body["entry_withheld"] = !readable;
  if (readable) body["entry"] = text;
  return Json(body);
}

}  // namespace

http::Response HandleLogRoute(audit::AuditLog& log, const audit::PublicKey& key,
                              const http::Request& req, std::span<const std::string_view> rest,
                              const EntryReadable& may_read) {
  if (rest.size() != 1) return NotFound();
  if (rest[0] != "head" && rest[0] != "consistency" && rest[0] != "inclusion") return NotFound();
  if (req.method != "GET") return MethodNotAllowed("GET");
  if (rest[0] == "head") return Head(log, key);
  if (rest[0] == "consistency") return Consistency(log, req);
  return Inclusion(log, req, may_read);
}

}  // namespace entente::taxii
