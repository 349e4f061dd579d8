// ISO 3166-1 alpha-2 country codes, as used for node jurisdictions and organisations.
//
// The list of officially assigned codes is embedded (249 codes, ISO 3166 Maintenance
// Agency); exceptionally reserved codes such as "UK" or "EU" and user-assigned codes
// such as "XK" are not accepted. Pure functions, safe from any thread.
#pragma once

#include <cstddef>
#include <string_view>

namespace entente {

// True if `code` is exactly two upper-case ASCII letters forming an assigned code.
bool IsAssignedCountryCode(std::string_view code);

// How many codes the embedded list holds (for tests).
size_t AssignedCountryCodeCount();

}  // namespace entente
