#include "policy/audience.h"

#include <algorithm>

namespace entente::policy {
namespace {

bool Intersects(std::span<const std::string> a, std::span<const std::string> b) {
  return std::any_of(a.begin(), a.end(), [&](const std::string& x) { return Names(b, x); });
}

}  // namespace

bool Names(std::span<const std::string> list, std::string_view value) {
  return !value.empty() && std::find(list.begin(), list.end(), value) != list.end();
}

Tlp KnownTlp(Tlp tlp) {
  switch (tlp) {
    case Tlp::kClear:
    case Tlp::kGreen:
    case Tlp::kAmber:
    case Tlp::kAmberStrict:
    case Tlp::kRed:
      return tlp;
  }
  return Tlp::kAmber;
}

AudienceMatch MatchAudience(Tlp tlp, const Audience& audience, const Recipient& who) {
  const bool peer = who.reach == Reach::kPeerNode;
  switch (KnownTlp(tlp)) {
    case Tlp::kClear:
      return AudienceMatch::kIncluded;
    case Tlp::kGreen:
      if (audience.communities.empty()) {
        // On this node the collection's readers are the community; no peer is.
        return peer ? AudienceMatch::kNoCommunityNamed : AudienceMatch::kIncluded;
      }
      return Intersects(audience.communities, who.communities) ? AudienceMatch::kIncluded
                                                               : AudienceMatch::kNoSharedCommunity;
    case Tlp::kAmber:
      if (Intersects(audience.recipients, who.client_of)) return AudienceMatch::kIncluded;
      [[fallthrough]];
    case Tlp::kAmberStrict:
      return Intersects(audience.recipients, who.organisations) ? AudienceMatch::kIncluded
                                                                : AudienceMatch::kNotARecipient;
    case Tlp::kRed:
      if (peer) return AudienceMatch::kRedNeverLeaves;
      return Intersects(audience.individuals, who.individuals) ? AudienceMatch::kIncluded
                                                               : AudienceMatch::kNotAnIndividual;
  }
  return AudienceMatch::kNotARecipient;  // not reached: KnownTlp is one of the above
}

uint8_t IncludedLevels(const Audience& audience, const Recipient& who) {
  uint8_t levels = 0;
  for (int t = 0; t <= static_cast<int>(Tlp::kRed); ++t) {
    if (MatchAudience(static_cast<Tlp>(t), audience, who) == AudienceMatch::kIncluded) {
      levels = static_cast<uint8_t>(levels | (1u << t));
    }
  }
  return levels;
}

}  // namespace entente::policy
