#include "web/chart.h"

#include <algorithm>

#include "web/html.h"

namespace entente::web {

int64_t TickStep(int64_t max) {
  if (max <= 0) return 1;
  int64_t power = 1;
  while (true) {
    for (int64_t m : {1, 2, 5}) {
      if (max <= 5 * m * power) return m * power;
    }
    power *= 10;
  }
}

std::string BarChartSvg(const BarChart& chart) {
  constexpr int kWidth = 720, kHeight = 260;
  constexpr int kLeft = 64, kRight = 12, kTop = 12, kBottom = 56;
  const bool legend = chart.series.size() > 1;
  const int top_margin = legend ? kTop + 20 : kTop;
  const int plot_w = kWidth - kLeft - kRight, plot_h = kHeight - top_margin - kBottom;
  int64_t max = 0;
  for (const auto& s : chart.series) {
    for (int64_t v : s.values) max = std::max(max, v);
  }
  const int64_t step = TickStep(max);
  const int64_t top = std::max<int64_t>(step, (max + step - 1) / step * step);
  auto y_of = [&](int64_t v) {
    return top_margin + plot_h - static_cast<int>(static_cast<double>(v) * plot_h / top);
  };
  std::string svg = "<svg class=\"chart\" viewBox=\"0 0 " + std::to_string(kWidth) + " " +
                    std::to_string(kHeight) + "\" role=\"img\" aria-label=\"" + Html(chart.title) +
                    "\" xmlns=\"http://www.w3.org/2000/svg\">";
  // The legend: a swatch and the name of each series, above the plot.
  if (legend) {
    int x = kLeft;
    for (const auto& s : chart.series) {
      svg += "<rect class=\"swatch " + Html(s.css_class) + "\" x=\"" + std::to_string(x) +
             "\" y=\"4\" width=\"12\" height=\"12\"/><text class=\"legend\" x=\"" +
             std::to_string(x + 16) + "\" y=\"10\" dominant-baseline=\"middle\">" + Html(s.name) +
             "</text>";
      x += 24 + 8 * static_cast<int>(s.name.size());
    }
  }
  // Y axis: grid lines, ticks and their labels, the unit as title.
  for (int64_t v = 0; v <= top; v += step) {
    const std::string y = std::to_string(y_of(v));
    svg += "<line class=\"grid\" x1=\"" + std::to_string(kLeft) + "\" x2=\"" +
           std::to_string(kLeft + plot_w) + "\" y1=\"" + y + "\" y2=\"" + y + "\"/>";
    svg += "<text class=\"tick\" x=\"" + std::to_string(kLeft - 6) + "\" y=\"" + y +
           "\" text-anchor=\"end\" dominant-baseline=\"middle\">" + Html(Thousands(v)) + "</text>";
  }
  svg += "<text class=\"axis-title\" transform=\"translate(14 " +
         std::to_string(top_margin + plot_h / 2) + ") rotate(-90)\" text-anchor=\"middle\">" +
         Html(chart.y_title) + "</text>";
  // Bars, grouped by label, each with its series and value in a <title>.
  const size_t n = chart.labels.size();
  const size_t per_group = std::max<size_t>(1, chart.series.size());
  const double slot = n == 0 ? 0.0 : static_cast<double>(plot_w) / static_cast<double>(n);
  const double bar_w = slot * 0.7 / static_cast<double>(per_group);
  const int base = top_margin + plot_h;
  for (size_t i = 0; i < n; ++i) {
    const double group_x = kLeft + slot * static_cast<double>(i) + slot * 0.15;
    for (size_t k = 0; k < chart.series.size(); ++k) {
      const BarSeries& s = chart.series[k];
      const int64_t v = i < s.values.size() ? s.values[i] : 0;
      const int x = static_cast<int>(group_x + bar_w * static_cast<double>(k));
      const int w = std::max(1, static_cast<int>(bar_w));
      const int y = y_of(v);
      svg += "<rect class=\"bar" + (s.css_class.empty() ? "" : " " + Html(s.css_class)) +
             "\" x=\"" + std::to_string(x) + "\" y=\"" + std::to_string(y) + "\" width=\"" +
             std::to_string(w) + "\" height=\"" + std::to_string(base - y) + "\"><title>" +
             (legend ? Html(s.name) + ", " : "") + Html(chart.labels[i]) + ": " +
             Html(Thousands(v)) + "</title></rect>";
    }
    if (chart.label_every > 0 && i % chart.label_every == 0) {
      svg += "<text class=\"tick\" x=\"" + std::to_string(static_cast<int>(group_x + slot * 0.35)) +
             "\" y=\"" + std::to_string(base + 16) + "\" text-anchor=\"middle\">" +
             Html(chart.labels[i]) + "</text>";
    }
  }
  // The axes themselves, then the x title.
  svg += "<line class=\"axis\" x1=\"" + std::to_string(kLeft) + "\" x2=\"" + std::to_string(kLeft) +
         "\" y1=\"" + std::to_string(top_margin) + "\" y2=\"" + std::to_string(base) + "\"/>";
  svg += "<line class=\"axis\" x1=\"" + std::to_string(kLeft) + "\" x2=\"" +
         std::to_string(kLeft + plot_w) + "\" y1=\"" + std::to_string(base) + "\" y2=\"" +
         std::to_string(base) + "\"/>";
  svg += "<text class=\"axis-title\" x=\"" + std::to_string(kLeft + plot_w / 2) + "\" y=\"" +
         std::to_string(kHeight - 10) + "\" text-anchor=\"middle\">" + Html(chart.x_title) +
         "</text></svg>";
  return svg;
}

}  // namespace entente::web
