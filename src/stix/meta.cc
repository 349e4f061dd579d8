// STIX Meta Objects (spec section 7): marking-definition (with the TLP 1.0 built-ins),
// extension-definition and language-content.
#include <string>

#include "stix/checks.h"
#include "stix/identifiers.h"
#include "stix/values.h"

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
  bool toplevel = false;
  if (const json::value* v = c.Require("extension_types")) {
    const Path p = Prop("extension_types");
    if (const json::array* list = ExpectList(c, p, *v)) {
      for (size_t i = 0; i < list->size(); ++i) {
        ExpectEnum(c, p.At(i), (*list)[i], kExtensionTypes);
        toplevel |=
            (*list)[i].is_string() && (*list)[i].get_string() == "toplevel-property-extension";
      }
    }
  }
  if (const json::value* v = c.Get("extension_properties")) {
    const Path p = Prop("extension_properties");
    // Section 7.3.1: "MUST only be used when the extension_types property includes a value
    // of toplevel-property-extension".
    if (!toplevel && c.Get("extension_types")) {
      c.Report(p, "extension-properties-without-toplevel",
               "extension_properties is only used when extension_types includes "
               "toplevel-property-extension (section 7.3.1)");
    }
    if (const json::array* list = ExpectList(c, p, *v)) {
      for (size_t i = 0; i < list->size(); ++i) {
        const json::string* name = ExpectString(c, p.At(i), (*list)[i]);
        if (name && !IsValidPropertyName(*name)) {
          c.Report(p.At(i), "property-name",
                   "a top-level property added by an extension is named like any property: "
                   "3-250 characters of a-z, 0-9 and '_', beginning with a letter (section "
                   "7.3.2)");
        }
      }
    }
  }
}

// A translated value mirrors the original property: a string, a list (translated item
// by item, "" for an item left untranslated) or an object (section 7.1.1). Other values
// point at properties that are not translatable, which consumers "MUST" ignore, so they
// are not refused; a null or an empty list is no STIX value at all.
void CheckTranslation(Checker& c, const Path& p, const json::value& v, int depth) {
  if (depth > 32) return;  // the parser's depth limit bounds this; stop well before
  if (v.is_null()) {
    c.Report(p, "null-value", "STIX has no null values; omit the property instead");
  } else if (const json::array* list = v.if_array()) {
    if (list->empty()) {
      c.Report(p, "empty-list", "must not be an empty list (omit the property instead)");
    }
    for (size_t i = 0; i < list->size(); ++i) CheckTranslation(c, p.At(i), (*list)[i], depth + 1);
  } else if (const json::object* o = v.if_object()) {
    for (const auto& [key, value] : *o) CheckTranslation(c, p.Key(key), value, depth + 1);
  }
}

void LanguageContent(Checker& c) {
  c.Require("object_ref");
  // Section 7.1.1: object_ref "MUST be the identifier for a STIX Object"; not a bundle
  // (ExpectIdentifier) and, as the reference validator holds, not another
  // language-content.
  ForbidRefCategories(c, "object_ref", {Category::kLanguageContent},
                      "the STIX Object that is translated");
  TimestampProperty(c, "object_modified", false);
  const json::value* contents = c.Require("contents");
  if (!contents) return;
  const Path p = Prop("contents");
  const json::object* dict = ExpectObject(c, p, *contents);
  if (!dict) return;
  if (dict->empty()) c.Report(p, "empty-dictionary", "contents must hold at least one language");
  for (const auto& [lang, value] : *dict) {
    const Path lp = p.Key(lang);
    if (!IsLanguageTag(lang)) {
      c.Report(lp, "language-tag",
               "the keys of contents are RFC 5646 language tags such as \"de\" or \"pt-BR\" "
               "(section 7.1.1)");
    }
    const json::object* per_lang = ExpectObject(c, lp, value);
    if (!per_lang) continue;
    if (per_lang->empty()) {
      c.Report(lp, "empty-dictionary", "must hold at least one translated property");
    }
    for (const auto& [name, translation] : *per_lang) {
      if (!IsValidPropertyName(name)) {
        c.Report(lp.Key(name), "property-name",
                 "the keys of a translation are property names of the translated object: 3-250 "
                 "characters of a-z, 0-9 and '_', beginning with a letter");
      }
      CheckTranslation(c, lp.Key(name), translation, 0);
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
