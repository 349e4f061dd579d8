#include "taxii/provenance.h"

#include <algorithm>
#include <boost/json/array.hpp>
#include <boost/json/value.hpp>

namespace entente::taxii {
namespace {

namespace json = boost::json;

Status Malformed(const std::string& rule) {
  return Status::InvalidArgument(std::string(kProvenanceMember) + ": " + rule);
}

bool IsNodeName(std::string_view s) {
  return !s.empty() && s.size() <= 128 &&
         std::all_of(s.begin(), s.end(), [](char c) { return c > 0x20 && c < 0x7f; });
}

}  // namespace

Result<EnvelopeProvenance> ParseEnvelopeProvenance(const json::object& envelope,
                                                   size_t max_entries) {
  EnvelopeProvenance out;
  const json::value* member = envelope.if_contains(kProvenanceMember);
  if (member == nullptr) return out;
  if (!member->is_array()) return Malformed("must be an array");
  const json::array& entries = member->get_array();
  if (entries.size() > max_entries) {
    return Malformed("more entries (" + std::to_string(entries.size()) + ") than objects");
  }
  for (const json::value& e : entries) {
    const json::object* o = e.if_object();
    const json::value* id = o ? o->if_contains("id") : nullptr;
    const json::value* version = o ? o->if_contains("version") : nullptr;
    const json::value* path = o ? o->if_contains("path") : nullptr;
    if (!id || !id->is_string() || !version || !version->is_string() || !path ||
        !path->is_array()) {
      return Malformed("each entry needs a string id, a string version and a path array");
    }
    const json::array& nodes = path->get_array();
    if (nodes.empty() || nodes.size() > kMaxProvenancePath) {
      return Malformed("a path names 1 to " + std::to_string(kMaxProvenancePath) + " nodes");
    }
    store::Provenance p;
    for (const json::value& n : nodes) {
      if (!n.is_string() || !IsNodeName(n.get_string())) {
        return Malformed("node names are 1 to 128 printable ASCII characters");
      }
      p.path.emplace_back(n.get_string());
    }
    p.origin = p.path.front();
    out.emplace(std::make_pair(std::string(id->get_string()), std::string(version->get_string())),
                std::move(p));
  }
  return out;
}

const store::Provenance* FindProvenance(const EnvelopeProvenance& provenance, std::string_view id,
                                        std::string_view version) {
  auto it = provenance.find(std::make_pair(std::string(id), std::string(version)));
  return it == provenance.end() ? nullptr : &it->second;
}

}  // namespace entente::taxii
