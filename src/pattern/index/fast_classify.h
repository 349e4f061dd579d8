// FastClassify: Classify(ParsePattern(text)) for the one shape that makes up nearly all
// of a real feed, without building the syntax tree:
//
//   [ object-type:key(.key)* OP 'string' ]      OP one of  =  ==  LIKE  ISSUBSET
//
// where each key is a plain property name (no '-') or a quoted key ('SHA-256'), with any
// spacing the lexer allows. When it returns true, `out` is exactly what Classify would
// return for the parsed pattern (kSimple, one leaf) and the full parser would have
// accepted the text; when it returns false nothing is claimed and the caller runs the
// full parser (which then also produces the error message for invalid text). Anything
// unusual - keywords as names, list steps, references, escapes other than \' and \\,
// MATCHES, IN, NOT, qualifiers, a second comparison, a CIDR the parser would reject, a
// `hashes` key other than hashes.<MD5|SHA-1|SHA-256|SHA-512|SHA3-256|SHA3-512> with
// exactly that algorithm's hex digits (the parser checks hash constants), a binary or
// reference property - falls back. Pure function, safe from any thread.
#pragma once

#include <string_view>

#include "pattern/index/classify.h"
#include "pattern/parser.h"

namespace entente::pattern::index {

bool FastClassify(std::string_view text, const ParseOptions& options, Classified* out);

}  // namespace entente::pattern::index
