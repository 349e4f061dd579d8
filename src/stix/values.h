// Internal to stix/: the forms of the string values whose syntax STIX 2.1 fixes by
// reference to another standard — IP addresses and CIDR blocks, e-mail addresses,
// RFC 5646 language tags, media types, IANA character-set names, hash values, Windows
// registry hives, CVE and CAPEC identifiers.
//
// Pure predicates over string views: no allocation, safe from any thread. Each says
// whether its argument has the form; the caller words the Finding.
#pragma once

#include <string_view>

namespace entente::stix::detail {

// A value an entente node replaced by its keyed hash on the way to a peer (policy/egress.h,
// sovereignty rules): "hmac-sha256:" and 64 lower-case hex digits. The syntax checks below
// do not apply to it: federation sends pseudonymised addresses on purpose, and the peer
// must take them in (a deliberate difference from a plain STIX validator, in
// docs/conformance.md).
bool IsKeyedHashPseudonym(std::string_view s);

// An IPv4 address in dotted-quad form, optionally followed by "/0".."/32" (CIDR):
// four decimal octets 0-255 without leading zeros; the prefix length without a
// leading zero and not empty ("1.2.3.4/" is not a block).
bool IsIpv4Cidr(std::string_view s);

// An IPv6 address in the text forms of RFC 4291 section 2.2 (hex groups, one "::",
// an embedded dotted quad at the end), an optional "%zone" (as the reference tool
// accepts), and an optional "/0".."/128" prefix length without a leading zero.
bool IsIpv6Cidr(std::string_view s);

// An RFC 5322 section 3.4.1 addr-spec without display name, comments or folding white
// space: local-part (dot-atom or quoted-string) "@" domain (dot-atom or a domain literal
// in brackets). Non-ASCII characters are allowed in atoms (RFC 6532).
bool IsEmailAddrSpec(std::string_view s);

// A well-formed RFC 5646 language tag (section 2.1 syntax, case-insensitive): langtag,
// private use ("x-..."), or one of the grandfathered tags.
bool IsLanguageTag(std::string_view s);

// A media type "type/subtype" whose top-level type is one registered with IANA
// (application, audio, example, font, haptics, image, message, model, multipart, text,
// video) and whose subtype is an RFC 6838 restricted-name (1-127 characters of
// letters, digits and !#$&-^_.+ starting with a letter or digit); parameters after ';'
// are not examined.
bool IsMediaType(std::string_view s);

// The name the IANA Character Sets registry gives a character set: its Preferred MIME
// Name where one is defined, else its Name (STIX 2.1 section 3.9.1). Compared without
// regard to case, as charset names are (RFC 2978 section 2.3).
bool IsIanaCharsetName(std::string_view s);

// What a hash value must look like for an algorithm of hash-algorithm-ov.
enum class HashForm {
  kUnknown,  // not an algorithm whose value form STIX fixes: any string
  kHex,      // exactly `hex_digits` hexadecimal digits (either case)
  kSsdeep,   // blocksize ":" hash ":" hash, the hashes in the base64 alphabet
  kTlsh,     // 70 hex digits, or "T1" followed by 70 hex digits
};
struct HashRule {
  HashForm form = HashForm::kUnknown;
  int hex_digits = 0;
};
// The rule for a hashes key. Keys are matched ignoring case and the separators '-'
// and '_' ("SHA-256", "sha256", "SHA_256"), so a value is checked against the
// algorithm its key names however the producer spelled it.
HashRule HashRuleFor(std::string_view algorithm);
bool HashValueFits(const HashRule& rule, std::string_view value);

// A hashes key: 3-250 ASCII characters of a-z, A-Z, 0-9, '-' and '_' (section 2.7).
bool IsHashKey(std::string_view s);
// A dictionary key: 1-250 ASCII characters of a-z, A-Z, 0-9, '-' and '_' (section 2.3).
bool IsDictionaryKey(std::string_view s);

// The abbreviated hive ("HKLM", "HKCU", ...) a registry key starts with, matched
// without regard to case; empty when the first component is not an abbreviation.
std::string_view AbbreviatedHive(std::string_view key);

// "CVE-YYYY-NNNN" with four or more digits in the sequence part (no leading zero
// when it has more than four), and "CAPEC-N".
bool IsCveId(std::string_view s);
bool IsCapecId(std::string_view s);

}  // namespace entente::stix::detail
