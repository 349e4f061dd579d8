// The federation tests run their TAXII fixtures on the in-memory store.
#include "taxii/testing/fixture.h"

namespace entente::taxii::testing {

std::unique_ptr<store::Store> MakeTestStore(std::string* cleanup_dir) {
  return std::make_unique<MemoryStore>();
}

}  // namespace entente::taxii::testing
