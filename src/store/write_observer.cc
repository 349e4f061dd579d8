#include "store/write_observer.h"

#include <utility>

namespace entente::store {
namespace {
thread_local std::string current_actor = "operator";
}  // namespace

ActingFor::ActingFor(std::string who) : previous_(std::move(current_actor)) {
  current_actor = std::move(who);
}

ActingFor::~ActingFor() { current_actor = std::move(previous_); }

const std::string& ActingFor::Current() { return current_actor; }

}  // namespace entente::store
