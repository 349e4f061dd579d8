// STIX Meta Objects (spec section 7): marking-definition (with the TLP 1.0 built-ins),
// extension-definition and language-content.
#include <string>

#include "stix/checks.h"

namespace entente::stix::detail {
namespace {

struct TlpBuiltin {
  std::string_view id;
  std::string_view tlp;
};

// The STIX 2.1 built-in TLP marking definitions (spec section 7.2.1.4).
constexpr TlpBuiltin kTlpBuiltins[] = {
    {"marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9", "white"},
    {"marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da", "green"},
    {"marking-definition--f88d31f6-486f-44da-b317-01333bde0b82", "amber"},
    {"marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed", "red"},
};
constexpr std::string_view kTlpValues[] = {"white", "green", "amber", "red"};
constexpr std::string_view kExtensionTypes[] = {
    "new-sdo", "new-sco", "new-sro", "property-extension", "toplevel-property-extension"};

const TlpBuiltin* FindBuiltin(std::string_view id) {
  for (const TlpBuiltin& b : kTlpBuiltins) {
    if (b.id == id) return &b;
  }
  return nullptr;
}

void MarkingDefinition(Checker& c) {
  if (const json::value* v = c.Get("name")) ExpectString(c, Prop("name"), *v);
  const json::value* dtype = c.Get("definition_type");
  const json::value* def = c.Get("definition");
  if (!c.Get("extensions") || dtype || def) {
    if (!dtype) c.Require("definition_type");
    if (!def) c.Require("definition");
  }
  const json::string* dtype_s = dtype ? ExpectString(c, Prop("definition_type"), *dtype) : nullptr;
  const json::object* def_o = def ? ExpectObject(c, Prop("definition"), *def) : nullptr;
  const TlpBuiltin* builtin = FindBuiltin(c.id());

  if (dtype_s && def_o && *dtype_s == "statement") {
    if (const json::value* s = def_o->if_contains("statement")) {
      ExpectString(c, Prop("definition").Key("statement"), *s);
    } else {
      c.Report(Prop("definition").Key("statement"), "required-property",
               "a statement marking needs definition.statement");
    }
  }
  if (dtype_s && def_o && *dtype_s == "tlp") {
    const json::value* tlp = def_o->if_contains("tlp");
    if (!tlp) {
      c.Report(Prop("definition").Key("tlp"), "required-property",
               "a tlp marking needs definition.tlp");
    } else {
      ExpectEnum(c, Prop("definition").Key("tlp"), *tlp, kTlpValues);
      if (!builtin) {
        c.Report(Prop("id"), "tlp-builtin",
                 "TLP markings must use the built-in marking-definition ids of the "
                 "specification");
      } else if (tlp->is_string() && tlp->get_string() != builtin->tlp) {
        c.Report(Prop("definition").Key("tlp"), "tlp-builtin",
                 "this built-in marking-definition id is TLP:" + std::string(builtin->tlp));
      }
    }
  } else if (builtin && dtype_s) {
    c.Report(Prop("definition_type"), "tlp-builtin",
             "a built-in TLP marking-definition id must have definition_type \"tlp\"");
  }
}

void ExtensionDefinition(Checker& c) {
  for (std::string_view name : {"name", "schema", "version"}) {
    if (const json::value* v = c.Require(name)) ExpectString(c, Prop(name), *v);
  }
  if (const json::value* v = c.Require("extension_types")) {
    const Path p = Prop("extension_types");
    if (const json::array* list = ExpectList(c, p, *v)) {
      for (size_t i = 0; i < list->size(); ++i) ExpectEnum(c, p.At(i), (*list)[i], kExtensionTypes);
    }
  }
  if (const json::value* v = c.Get("extension_properties")) {
    ExpectStringList(c, Prop("extension_properties"), *v);
  }
}

void LanguageContent(Checker& c) {
  c.Require("object_ref");
  TimestampProperty(c, "object_modified", false);
  const json::value* contents = c.Require("contents");
  if (!contents) return;
  const Path p = Prop("contents");
  const json::object* dict = ExpectObject(c, p, *contents);
  if (!dict) return;
  if (dict->empty()) c.Report(p, "empty-dictionary", "contents must hold at least one language");
  for (const auto& [lang, value] : *dict) {
    const json::object* per_lang = ExpectObject(c, p.Key(lang), value);
    if (per_lang && per_lang->empty()) {
      c.Report(p.Key(lang), "empty-dictionary", "must hold at least one translated property");
    }
  }
}

constexpr TypeInfo kMetaTypes[] = {
    {"marking-definition", Category::kMarkingDefinition, MarkingDefinition, {}},
    {"extension-definition", Category::kExtensionDefinition, ExtensionDefinition, {}},
    {"language-content", Category::kLanguageContent, LanguageContent, {}},
};

}  // namespace

std::span<const TypeInfo> MetaTypes() { return kMetaTypes; }

}  // namespace entente::stix::detail
