// `entente pattern validate 'PATTERN'` and `entente pattern match 'PATTERN' FILE`.
//
// validate: exit 0 valid, 1 invalid (stderr: the message, the pattern and a caret under
// the offending position), 2 usage error.
// match: FILE is a bundle, an array of objects or one object ("-" reads stdin); exit 0
// when the pattern matches (stdout: the bindings as JSON), 1 when it does not, 2 on a bad
// pattern, an unreadable or non-JSON file, or a pattern too complex to finish.
#include <boost/json.hpp>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <sstream>
#include <string>
#include <utility>

#include "cli/command.h"
#include "pattern/matcher.h"
#include "pattern/observations.h"
#include "pattern/parser.h"

namespace entente::cli {
namespace {

constexpr size_t kMaxInputBytes = 256u << 20;

struct PatternArgs {
  std::string pattern;
  std::string file;
  std::string version = "2.1";
};

pattern::StixVersion VersionOf(const std::string& v) {
  return v == "2.0" ? pattern::StixVersion::k20 : pattern::StixVersion::k21;
}

// Parses args.pattern; prints the error with a caret line and returns nullopt on failure.
std::optional<pattern::Pattern> ParseOrExplain(const PatternArgs& args) {
  pattern::ParseOptions options;
  options.version = VersionOf(args.version);
  Result<pattern::Pattern> p = pattern::ParsePattern(args.pattern, options);
  if (!p.ok()) {
    std::cerr << "entente: invalid pattern: " << pattern::FormatParseError(args.pattern, p.status())
              << "\n";
    return std::nullopt;
  }
  return std::move(p).value();
}

bool ReadInput(const std::string& file, std::string& out, std::string& error) {
  std::istream* in = &std::cin;
  std::ifstream f;
  if (file != "-") {
    f.open(file, std::ios::binary);
    if (!f) {
      error = "cannot read " + file;
      return false;
    }
    in = &f;
  }
  std::ostringstream buf;
  buf << in->rdbuf();
  out = std::move(buf).str();
  if (out.size() > kMaxInputBytes) {
    error = file + ": larger than " + std::to_string(kMaxInputBytes) + " bytes";
    return false;
  }
  return true;
}

int RunValidate(const PatternArgs& args) { return ParseOrExplain(args) ? 0 : 1; }

int RunMatch(const PatternArgs& args) {
  std::optional<pattern::Pattern> parsed = ParseOrExplain(args);
  if (!parsed) return 2;
  Result<pattern::Matcher> matcher = pattern::Matcher::Compile(*parsed);
  if (!matcher.ok()) {
    std::cerr << "entente: invalid pattern: "
              << pattern::FormatParseError(args.pattern, matcher.status()) << "\n";
    return 2;
  }
  std::string text, error;
  if (!ReadInput(args.file, text, error)) {
    std::cerr << "entente: " << error << "\n";
    return 2;
  }
  boost::system::error_code ec;
  boost::json::value doc = boost::json::parse(text, ec);
  if (ec) {
    std::cerr << "entente: " << args.file << ": not valid JSON: " << ec.message() << "\n";
    return 2;
  }
  Result<pattern::ObservationSet> set =
      pattern::LoadObservations(std::move(doc), VersionOf(args.version));
  if (!set.ok()) {
    std::cerr << "entente: " << args.file << ": " << set.status().message() << "\n";
    return 2;
  }
  pattern::MatchResult result = matcher->Match(*set);
  if (!result.status.ok()) {
    std::cerr << "entente: " << result.status.message() << "\n";
    return 2;
  }
  if (!result.matched) return 1;
  std::cout << matcher->BindingsJson(result, *set) << "\n";
  return 0;
}

}  // namespace

void RegisterPatternCommands(CLI::App& app, CommandContext& ctx) {
  auto args = std::make_shared<PatternArgs>();
  CLI::App* group = app.add_subcommand("pattern", "Validate STIX patterns or match them");
  group->require_subcommand(1);

  CLI::App* validate = group->add_subcommand(
      "validate", "Check a STIX pattern: exit 0 valid, 1 invalid (with the position), 2 usage");
  validate->add_option("pattern", args->pattern, "the pattern, e.g. \"[file:name = 'a']\"")
      ->required();
  validate->add_option("--stix-version", args->version, "STIX version: 2.0 or 2.1 (default)")
      ->check(CLI::IsMember({"2.0", "2.1"}));
  validate->callback([args, &ctx] { ctx.exit_code = RunValidate(*args); });

  CLI::App* match = group->add_subcommand(
      "match", "Match a pattern against observed-data in FILE: exit 0 match, 1 no match, 2 error");
  match->add_option("pattern", args->pattern, "the pattern")->required();
  match->add_option("file", args->file, "bundle, array of objects or one object; - for stdin")
      ->required();
  match->add_option("--stix-version", args->version, "STIX version: 2.0 or 2.1 (default)")
      ->check(CLI::IsMember({"2.0", "2.1"}));
  match->callback([args, &ctx] { ctx.exit_code = RunMatch(*args); });
}

}  // namespace entente::cli
