// web/chart.h: a bar chart drawn as SVG by the server (docs/dashboard.md says why).
//
// BarChartSvg draws, for each label, one bar per series side by side, with a y axis
// (ticks at round numbers, labelled, with the unit as axis title) shared by every series,
// an x axis (every `label_every`-th label shown, with its title), a <title> per bar
// carrying its series, label and value for pointer and screen-reader users, a legend when
// there is more than one series, and role="img" with an aria-label summarising the chart.
// Every text is escaped (web::Html). Sizes are in the SVG's own units; the page scales it
// to its width.
// Pure function, safe from any thread.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace entente::web {

struct BarSeries {
  std::string name;             // legend and <title> text, e.g. "object versions"
  std::string css_class;        // class of its bars besides "bar", e.g. "bar-objects"
  std::vector<int64_t> values;  // one per label, >= 0
};

struct BarChart {
  std::string title;                // aria-label, e.g. "Objects added per hour"
  std::string x_title;              // e.g. "hour (UTC)"
  std::string y_title;              // e.g. "objects per hour"
  std::vector<std::string> labels;  // one per group of bars
  std::vector<BarSeries> series;    // drawn in this order within each group
  size_t label_every = 1;
};

std::string BarChartSvg(const BarChart& chart);

// The step between y ticks for a maximum `max`: 1, 2 or 5 times a power of ten, giving
// at most 5 steps (1 for max <= 0).
int64_t TickStep(int64_t max);

}  // namespace entente::web
