#include "taxii/provenance.h"

#include <algorithm>
#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>
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

std::string ProvenanceMemberJson(const std::vector<ProvenanceEntry>& entries) {
  json::array out;
  out.reserve(entries.size());
  for (const ProvenanceEntry& e : entries) {
    json::array path;
    for (const std::string& node : e.path) path.emplace_back(node);
    out.emplace_back(json::object{{"id", e.id}, {"version", e.version}, {"path", std::move(path)}});
  }
  return "\"" + std::string(kProvenanceMember) + "\":" + json::serialize(out);
}

Result<std::vector<ProvenanceEntry>> OutgoingProvenance(
    store::Store& store, std::string_view collection_id, std::string_view local_node,
    const std::vector<std::pair<std::string, std::string>>& versions) {
  std::vector<std::pair<std::string_view, std::string_view>> keys;
  keys.reserve(versions.size());
  for (const auto& [id, version] : versions) keys.emplace_back(id, version);
  auto recorded = store.GetProvenances(collection_id, keys);
  if (!recorded.ok()) return recorded.status();
  std::vector<ProvenanceEntry> out(versions.size());
  for (size_t i = 0; i < versions.size(); ++i) {
    out[i].id = versions[i].first;
    out[i].version = versions[i].second;
    if ((*recorded)[i].has_value()) out[i].path = (*recorded)[i]->path;
    if (out[i].path.empty() || out[i].path.back() != local_node) {
      out[i].path.emplace_back(local_node);
    }
    if (out[i].path.size() > kMaxProvenancePath) {
      // Longer than a receiver accepts (pull chains have no hop limit): the origin and the
      // last nodes are kept, and the length says it went at least that far.
      auto& path = out[i].path;
      path.erase(path.begin() + 1, path.end() - static_cast<ptrdiff_t>(kMaxProvenancePath - 1));
    }
  }
  return out;
}

const store::Provenance* FindProvenance(const EnvelopeProvenance& provenance, std::string_view id,
                                        std::string_view version) {
  auto it = provenance.find(std::make_pair(std::string(id), std::string(version)));
  return it == provenance.end() ? nullptr : &it->second;
}

}  // namespace entente::taxii
