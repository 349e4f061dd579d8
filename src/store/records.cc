#include "store/records.h"

#include <boost/json.hpp>

namespace entente::store {
namespace json = boost::json;

std::string EncodeStringList(const std::vector<std::string>& list) {
  json::array a;
  a.reserve(list.size());
  for (const auto& s : list) a.emplace_back(json::string_view(s.data(), s.size()));
  return json::serialize(a);
}

std::vector<std::string> DecodeStringList(std::string_view text) {
  std::vector<std::string> out;
  boost::system::error_code ec;
  json::value v = json::parse(json::string_view(text.data(), text.size()), ec);
  if (ec || !v.is_array()) return out;
  for (const auto& e : v.get_array()) {
    if (e.is_string()) out.emplace_back(e.get_string().data(), e.get_string().size());
  }
  return out;
}

std::string EncodeDetails(const std::vector<StatusDetail>& details) {
  json::array a;
  a.reserve(details.size());
  for (const auto& d : details) {
    a.emplace_back(json::object{{"id", d.id}, {"version", d.version}, {"message", d.message}});
  }
  return json::serialize(a);
}

Status DecodeDetails(std::string_view text, std::vector<StatusDetail>* out) {
  out->clear();
  boost::system::error_code ec;
  json::value v = json::parse(json::string_view(text.data(), text.size()), ec);
  if (ec || !v.is_array()) return Status::Corruption("status details are not a JSON array");
  auto field = [](const json::object& o, std::string_view key) -> std::string {
    const json::value* f = o.if_contains(json::string_view(key.data(), key.size()));
    if (f == nullptr || !f->is_string()) return {};
    return std::string(f->get_string().data(), f->get_string().size());
  };
  for (const auto& e : v.get_array()) {
    if (!e.is_object()) return Status::Corruption("status detail is not a JSON object");
    const auto& o = e.get_object();
    out->push_back({field(o, "id"), field(o, "version"), field(o, "message")});
  }
  return Status::Ok();
}

policy::Tlp TlpFromColumn(int64_t v) {
  if (v < 0 || v > static_cast<int64_t>(policy::Tlp::kRed)) return policy::Tlp::kAmber;
  return static_cast<policy::Tlp>(v);
}

}  // namespace entente::store
