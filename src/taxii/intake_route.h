// taxii/intake_route.h: the HTTP face of the intake desk (cases/intake_desk.h), under
// {api-root}/x-entente/intake/ (docs/cases.md, "Intake"):
//
//   POST {root}/x-entente/intake/            a report (JSON, cases/intake_report.h) ->
//                                            202 and the acknowledgement, once stored
//                                            (200 with the same ticket for a report_id
//                                            received before); Location: the status URL
//   GET  {root}/x-entente/intake/            the tickets the caller may see, newest first
//   GET  {root}/x-entente/intake/queue/      the queue (handlers only; 403 otherwise)
//   GET  {root}/x-entente/intake/{ticket}/   one ticket: to its reporter's organisation and
//                                            the handlers; 404 to anyone else, exactly as
//                                            for a ticket that does not exist
//
// The caller is authenticated by the TAXII handler first (401 without a valid token,
// nothing stored). A reporter over its rate is answered 429 with Retry-After before its
// body is parsed; a malformed report 400 naming the field; a body over
// cases::kMaxReportBytes 413 (TaxiiHandler::BodyLimit). Answers are application/json;
// errors are TAXII error messages. No error names or counts another reporter's tickets.
// A POST is answered through a deferred response (http::Response::deferred): it holds no
// thread while its batch commits; what bounds the reports waiting is each reporter's
// token bucket and the server's connection caps (one request at a time per connection).
// Stateless: safe for concurrent use as the desk and store are.
#pragma once

#include <span>
#include <string_view>

#include "cases/intake_desk.h"
#include "http/message.h"
#include "policy/policy.h"
#include "store/store.h"  // store::ApiRoot

namespace entente::taxii {

// Who calls, as the TAXII handler authenticated it.
struct IntakeCaller {
  policy::Requester requester;
  cases::ReporterFacts reporter;  // its organisation's facts, for routing
};

// `rest` is the path after "{root}/x-entente/intake" (empty, "queue", or a ticket).
http::Response HandleIntake(cases::IntakeDesk& desk, const http::Request& req,
                            const IntakeCaller& caller, const store::ApiRoot& root,
                            std::span<const std::string_view> rest);

// The status URL of a ticket: "/{root}/x-entente/intake/{ticket}/".
std::string IntakeStatusUrl(std::string_view api_root, std::string_view ticket);

}  // namespace entente::taxii
