// web/api.h: the dashboard's data as JSON (/ui/api/...), for tools and tests: the same
// values the pages show, built from the same gated reads (web/reads.h, web/explain.h).
//
// Pure functions, safe from any thread; results own their data.
#pragma once

#include <boost/json/object.hpp>
#include <string>
#include <vector>

#include "web/pages.h"

namespace entente::web {

boost::json::object RowJson(const RowSummary& r);
boost::json::object OverviewJson(const OverviewData& d);
boost::json::object BrowseJson(const BrowseForm& form, const BrowsePage& page);
boost::json::object SearchJson(const std::string& q, const std::string& kind,
                               const std::vector<RowSummary>& results);
boost::json::object ObjectJson(const ObjectDetail& d);
boost::json::object ExplainJson(const Explanation& e);

}  // namespace entente::web
