// fuzz/require.h: Require(condition), the invariant check of the fuzz targets.
//
// The suite replays every corpus in a release build, where assert() is compiled out; a
// failed Require stops the run in every build (and libFuzzer reports it as a crash).
#pragma once

inline void Require(bool holds) {
  if (!holds) __builtin_trap();
}
