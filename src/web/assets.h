// web/assets.h: the dashboard's static files, compiled into the binary.
//
// The files in src/web/assets/ become string constants when CMake configures the build
// (src/web/CMakeLists.txt, assets.cc.in): the node serves them itself, nothing is fetched
// from elsewhere. The views are valid for the life of the process; safe from any thread.
#pragma once

#include <string_view>

namespace entente::web {

std::string_view StyleCss();  // assets/style.css
std::string_view AppJs();     // assets/app.js

}  // namespace entente::web
