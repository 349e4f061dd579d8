#include "pattern/hash_values.h"

#include <algorithm>
#include <cctype>

namespace entente::pattern {

std::optional<std::string> HashValueProblem(std::string_view key, std::string_view value) {
  std::string algorithm;
  for (char ch : key) {
    if (ch != '-')
      algorithm.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(ch))));
  }
  struct Form {
    const char* name;
    size_t hex_digits;  // 0: SSDEEP's own alphabet, 1 to 128 characters
  };
  static constexpr Form kForms[] = {
      {"MD5", 32},       {"SHA1", 40},       {"SHA224", 56},  {"SHA256", 64},  {"SHA384", 96},
      {"SHA512", 128},   {"SHA3224", 56},    {"SHA3256", 64}, {"SHA3384", 96}, {"SHA3512", 128},
      {"RIPEMD160", 40}, {"WHIRLPOOL", 128}, {"SSDEEP", 0},
  };
  const Form* form = nullptr;
  for (const Form& f : kForms) {
    if (algorithm == f.name) form = &f;
  }
  if (form == nullptr) return std::nullopt;
  if (form->hex_digits == 0) {
    bool fits = !value.empty() && value.size() <= 128 &&
                std::all_of(value.begin(), value.end(), [](char ch) {
                  return std::isalnum(static_cast<unsigned char>(ch)) || ch == '/' || ch == '+' ||
                         ch == ':' || ch == '.';
                });
    if (fits) return std::nullopt;
    return std::string("an SSDEEP hash (1 to 128 of A-Z a-z 0-9 / + : .)");
  }
  bool fits =
      value.size() == form->hex_digits && std::all_of(value.begin(), value.end(), [](char ch) {
        return std::isxdigit(static_cast<unsigned char>(ch)) != 0;
      });
  if (fits) return std::nullopt;
  return std::to_string(form->hex_digits) + " hex digits";
}

}  // namespace entente::pattern
