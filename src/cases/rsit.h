// cases/rsit.h: the ENISA Reference Security Incident Taxonomy (RSIT), as the Reference Security
// Incident Taxonomy Task Force publishes it (working copy, machine-readable version 1003,
// CC0): eleven classes, each with its incident types. A case and an intake report are
// classified by a class (required) and, where known, a type of that class.
//
// The table is compiled in and immutable: every function here is safe for concurrent use,
// and the views it returns stay valid for the life of the program.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "entente/status.h"

namespace entente::cases {

struct RsitType {
  std::string_view name;      // machine name, e.g. "c2-server"
  std::string_view expanded;  // the taxonomy's title, e.g. "C2 Server"
};

struct RsitClass {
  std::string_view name;      // machine name, e.g. "malicious-code"
  std::string_view expanded;  // e.g. "Malicious Code"
  std::span<const RsitType> types;
};

// Every class, in the taxonomy's order.
std::span<const RsitClass> RsitClasses();

// The class named `name` exactly (machine names are lower case), or nullptr.
const RsitClass* FindRsitClass(std::string_view name);

// A checked classification: `class_name` is one of RsitClasses(); `type_name` is empty
// (not known yet) or one of that class's types.
struct RsitClassification {
  std::string class_name;
  std::string type_name;
};

// Checks a classification as a user gives it. Names are compared after trimming and
// lower-casing ASCII, and "_" is read as "-" ("Malicious_Code" is "malicious-code").
// An unknown class is invalid-argument, and the message lists every valid class; an
// unknown type, or a type of another class, is invalid-argument listing the class's types.
Result<RsitClassification> ClassifyRsit(std::string_view class_name, std::string_view type_name);

// "rsit:CLASS" or "rsit:CLASS=\"TYPE\"", the machine tag MISP and the taxonomy use.
std::string RsitMachineTag(const RsitClassification& c);

}  // namespace entente::cases
