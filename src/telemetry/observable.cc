#include "telemetry/observable.h"

namespace entente::telemetry {

std::string_view KindName(ObservableKind kind) {
  switch (kind) {
    case ObservableKind::kIpv4:
      return "ipv4";
    case ObservableKind::kIpv6:
      return "ipv6";
    case ObservableKind::kDomain:
      return "domain";
    case ObservableKind::kUrl:
      return "url";
    case ObservableKind::kEmail:
      return "email";
    case ObservableKind::kMd5:
      return "md5";
    case ObservableKind::kSha1:
      return "sha1";
    case ObservableKind::kSha256:
      return "sha256";
    case ObservableKind::kX509Sha1:
      return "x509-sha1";
    case ObservableKind::kX509Sha256:
      return "x509-sha256";
  }
  return "ipv4";
}

}  // namespace entente::telemetry
