// What a document of STIX content carries: the one place that tells a bundle, a JSON
// array of objects and a single object apart, for every reader of STIX content (input
// files and the streaming reader, `entente match`, the pattern engine's observations).
//
// STIX 2.1 section 8: a bundle is a JSON object whose "type" is "bundle" and whose
// optional "objects" list holds the STIX objects it carries. entente also reads a bare
// JSON array of objects, and one object on its own.
//
// Plain functions and values, safe from any thread. DocumentItems points into the
// document it was taken from: it is valid while that document lives unchanged.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <span>

namespace entente::stix {

enum class DocumentShape { kUnknown, kBundle, kArray, kObject };

struct DocumentItems {
  // kUnknown when the document is neither a JSON object nor an array (it has no items).
  DocumentShape shape = DocumentShape::kUnknown;
  // kBundle: the elements of its "objects" (none without one); kArray: its elements;
  // kObject: the document itself. Elements that are not JSON objects are included: each
  // caller skips or reports them.
  std::span<const boost::json::value> items;
  // kBundle whose "objects" is there but is not a list (`items` is then empty).
  bool objects_not_a_list = false;
};

// True when `object` is a bundle: its "type" is the string "bundle".
bool IsBundle(const boost::json::object& object);

// Splits `document` into the items it carries (see DocumentItems).
DocumentItems ItemsOf(const boost::json::value& document);

}  // namespace entente::stix
