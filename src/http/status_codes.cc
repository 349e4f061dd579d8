#include "http/status_codes.h"

namespace entente::http {

int HttpStatusOf(StatusCode code) {
  switch (code) {
    case StatusCode::kOk:
      return 200;
    case StatusCode::kInvalidArgument:
      return 400;
    case StatusCode::kNotFound:
      return 404;
    case StatusCode::kAlreadyExists:
      return 409;
    case StatusCode::kPermissionDenied:
      return 403;
    case StatusCode::kUnauthenticated:
      return 401;
    case StatusCode::kResourceExhausted:
      return 413;
    case StatusCode::kUnavailable:
      return 503;
    case StatusCode::kCorruption:
    case StatusCode::kIoError:
    case StatusCode::kInternal:
      return 500;
  }
  return 500;
}

Status StatusOfHttpCode(int http_status, std::string message) {
  if (http_status >= 200 && http_status < 300) return Status::Ok();
  switch (http_status) {
    case 401:
      return Status::Unauthenticated(std::move(message));
    case 403:
      return Status::PermissionDenied(std::move(message));
    case 404:
      return Status::NotFound(std::move(message));
    case 413:
      return Status::ResourceExhausted(std::move(message));
    case 408:
    case 429:
      return Status::Unavailable(std::move(message));
    default:
      break;
  }
  if (http_status >= 500) return Status::Unavailable(std::move(message));
  return Status::InvalidArgument(std::move(message));
}

}  // namespace entente::http
