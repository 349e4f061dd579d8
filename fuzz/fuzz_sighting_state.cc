// Fuzz target for a sensor's saved sighting windows (sightings/aggregator.h RestoreState),
// which `entente sense` reads back from its checkpoint after a restart: any text is refused
// or restored without crashing; a state that restores saves to a state that restores to
// the same text, and hits and a flush after it give valid-looking sightings.
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "require.h"
#include "sightings/aggregator.h"

namespace {

// Deterministic bytes: the fuzzer must replay the same run.
class CountingRandom : public entente::Random {
 public:
  void Fill(void* buf, size_t n) override {
    auto* p = static_cast<unsigned char*>(buf);
    for (size_t i = 0; i < n; ++i) p[i] = static_cast<unsigned char>(next_++);
  }

 private:
  unsigned next_ = 0;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace json = boost::json;
  namespace sightings = entente::sightings;
  boost::system::error_code ec;
  json::value v = json::parse(std::string_view(reinterpret_cast<const char*>(data), size), ec);
  if (ec || !v.is_object()) return 0;
  CountingRandom random;
  sightings::Aggregator agg({"identity--0a000000-0000-4000-8000-000000000001", "energy", "DE"}, {},
                            random);
  if (!agg.RestoreState(v.get_object()).ok()) {
    Require(agg.open_windows() == 0);  // a refused state leaves nothing behind
    return 0;
  }
  const std::string saved = json::serialize(agg.SaveState());
  sightings::Aggregator again({"identity--0a000000-0000-4000-8000-000000000001", "energy", "DE"},
                              {}, random);
  Require(again.RestoreState(json::parse(saved).as_object()).ok());
  Require(json::serialize(again.SaveState()) == saved);
  again.Add("indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f", 1'700'000'000'000'000);
  for (const json::object& o : again.Flush(1'700'000'001'000'000, /*all=*/true)) {
    Require(o.contains("type") && o.contains("id"));
  }
  return 0;
}
