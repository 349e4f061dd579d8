#include "taxii/intake_route.h"

#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>
#include <cmath>

#include "taxii/responses.h"

namespace entente::taxii {

namespace {

constexpr size_t kDefaultListLimit = 100;
constexpr size_t kMaxListLimit = 1000;

http::Response Json(int status, const boost::json::object& body) {
  http::Response res;
  res.status = status;
  res.body = boost::json::serialize(body);
  res.SetHeader("Content-Type", "application/json");
  return res;
}

// application/json, or the TAXII media type, or anything with "+json".
bool IsJson(std::optional<std::string_view> content_type) {
  if (!content_type) return false;
  std::string_view t = *content_type;
  t = t.substr(0, t.find(';'));
  while (!t.empty() && t.back() == ' ') t.remove_suffix(1);
  return http::EqualsIgnoreCase(t, "application/json") ||
         (t.size() > 5 && http::EqualsIgnoreCase(t.substr(t.size() - 5), "+json"));
}

std::string Number(double v) {
  if (v == std::floor(v) && v < 1e15) return std::to_string(static_cast<int64_t>(v));
  return std::to_string(v);
}

// The answer to a submitted report: 202 (200 for a replay) with the ticket, or the error.
http::Response AckResponse(cases::IntakeDesk& desk, const std::string& api_root,
                           const Result<cases::Ack>& ack) {
  if (!ack.ok()) {
    if (ack.status().code() == StatusCode::kInvalidArgument) {
      return TaxiiError(400, "Bad Request", ack.status().message());
    }
    if (ack.status().code() == StatusCode::kUnavailable) {
      http::Response res = TaxiiError(503, "Service Unavailable", ack.status().message());
      res.SetHeader("Retry-After", "1");
      return res;
    }
    return TaxiiErrorFromStatus(ack.status());
  }
  const std::string url = IntakeStatusUrl(api_root, ack->ticket.ticket);
  boost::json::object body = desk.TicketJson(ack->ticket, false, url);
  body["replay"] = ack->replay;
  http::Response res = Json(ack->replay ? 200 : 202, body);
  res.SetHeader("Location", url);
  return res;
}

http::Response Submit(cases::IntakeDesk& desk, const http::Request& req, const IntakeCaller& caller,
                      const store::ApiRoot& root) {
  const cases::ReporterFacts& reporter = caller.reporter;
  // The flood is refused before anything else is spent on it.
  int64_t retry_after = 0;
  if (!desk.Admit(reporter, &retry_after)) {
    const auto config_ptr = desk.Config();
    const cases::IntakeConfig& config = *config_ptr;
    http::Response res = TaxiiError(
        429, "Too Many Requests",
        "too many intake reports from your organisation: at most " +
            Number(config.rate_per_second) + " a second (bursts of " + Number(config.burst) +
            "); nothing was stored; send it again after " + std::to_string(retry_after) + " s");
    res.SetHeader("Retry-After", std::to_string(retry_after));
    return res;
  }
  if (!IsJson(req.Header("Content-Type"))) {
    return TaxiiError(415, "Unsupported Media Type",
                      "Content-Type: send the report as application/json");
  }
  auto report = cases::ParseIntakeReport(req.body);
  if (!report.ok()) return TaxiiError(400, "Bad Request", report.status().message());
  // Acknowledged once the report's batch is committed, without a thread waiting for it.
  http::Response res;
  res.deferred = [&desk, api_root = root.name, reporter,
                  report = std::move(*report)](http::Reply reply) mutable {
    desk.SubmitAsync(api_root, reporter, std::move(report),
                     [&desk, api_root, reply = std::move(reply)](Result<cases::Ack> ack) {
                       reply(AckResponse(desk, api_root, ack));
                     });
  };
  return res;
}

http::Response List(cases::IntakeDesk& desk, const http::Request& req, const IntakeCaller& caller,
                    const store::ApiRoot& root) {
  size_t limit = kDefaultListLimit;
  for (const auto& [key, value] : req.query) {
    if (key != "limit") continue;
    size_t n = 0;
    bool ok = !value.empty() && value.size() <= 6;
    for (char c : value) {
      ok = ok && c >= '0' && c <= '9';
      if (ok) n = n * 10 + static_cast<size_t>(c - '0');
    }
    if (!ok || n == 0) return TaxiiError(400, "Bad Request", "limit: a positive integer");
    limit = std::min(n, kMaxListLimit);
  }
  const bool handler = desk.IsHandler(root.name, caller.reporter.org_id);
  boost::json::array items;
  for (const auto& t : desk.List(root.name, caller.requester, limit)) {
    items.push_back(desk.TicketJson(t, handler, IntakeStatusUrl(root.name, t.ticket)));
  }
  return Json(200, boost::json::object{{"tickets", std::move(items)}});
}

}  // namespace

std::string IntakeStatusUrl(std::string_view api_root, std::string_view ticket) {
  return "/" + std::string(api_root) + "/x-entente/intake/" + std::string(ticket) + "/";
}

http::Response HandleIntake(cases::IntakeDesk& desk, const http::Request& req,
                            const IntakeCaller& caller, const store::ApiRoot& root,
                            std::span<const std::string_view> rest) {
  const std::string& m = req.method;
  if (rest.empty()) {
    if (m == "POST") return Submit(desk, req, caller, root);
    if (m == "GET") return List(desk, req, caller, root);
    return MethodNotAllowed("GET, POST");
  }
  if (rest.size() != 1) return NotFound();
  if (m != "GET") return MethodNotAllowed("GET");
  if (rest[0] == "queue") {
    if (!desk.IsHandler(root.name, caller.reporter.org_id)) {
      return TaxiiError(403, "Forbidden", "only the node's intake handlers read the queue");
    }
    return Json(200, desk.QueueJson(desk.Queue(root.name)));
  }
  auto ticket = desk.Get(root.name, rest[0], caller.requester);
  if (!ticket.ok()) {
    return ticket.status().code() == StatusCode::kNotFound ? NotFound()
                                                           : TaxiiErrorFromStatus(ticket.status());
  }
  const bool handler = desk.IsHandler(root.name, caller.reporter.org_id);
  return Json(200, desk.TicketJson(*ticket, handler, IntakeStatusUrl(root.name, ticket->ticket)));
}

}  // namespace entente::taxii
