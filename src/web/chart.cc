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
  const int plot_w = kWidth - kLeft - kRight, plot_h = kHeight - kTop - kBottom;
  int64_t max = 0;
  for (int64_t v : chart.values) max = std::max(max, v);
  const int64_t step = TickStep(max);
  const int64_t top = std::max<int64_t>(step, (max + step - 1) / step * step);
  auto y_of = [&](int64_t v) {
    return kTop + plot_h - static_cast<int>(static_cast<double>(v) * plot_h / top);
  };
  std::string svg = "<svg class=\"chart\" viewBox=\"0 0 " + std::to_string(kWidth) + " " +
                    std::to_string(kHeight) + "\" role=\"img\" aria-label=\"" + Html(chart.title) +
                    "\" xmlns=\"http://www.w3.org/2000/svg\">";
  // Y axis: grid lines, ticks and their labels, the unit as title.
  for (int64_t v = 0; v <= top; v += step) {
    const std::string y = std::to_string(y_of(v));
    svg += "<line class=\"grid\" x1=\"" + std::to_string(kLeft) + "\" x2=\"" +
           std::to_string(kLeft + plot_w) + "\" y1=\"" + y + "\" y2=\"" + y + "\"/>";
    svg += "<text class=\"tick\" x=\"" + std::to_string(kLeft - 6) + "\" y=\"" + y +
           "\" text-anchor=\"end\" dominant-baseline=\"middle\">" + Html(Thousands(v)) + "</text>";
  }
  svg += "<text class=\"axis-title\" transform=\"translate(14 " +
         std::to_string(kTop + plot_h / 2) + ") rotate(-90)\" text-anchor=\"middle\">" +
         Html(chart.y_title) + "</text>";
  // Bars, each with its value in a <title>.
  const size_t n = chart.values.size();
  const double slot = n == 0 ? 0.0 : static_cast<double>(plot_w) / static_cast<double>(n);
  for (size_t i = 0; i < n; ++i) {
    const int x = kLeft + static_cast<int>(slot * static_cast<double>(i) + slot * 0.15);
    const int w = std::max(1, static_cast<int>(slot * 0.7));
    const int y = y_of(chart.values[i]);
    const std::string label = i < chart.labels.size() ? chart.labels[i] : "";
    svg += "<rect class=\"bar\" x=\"" + std::to_string(x) + "\" y=\"" + std::to_string(y) +
           "\" width=\"" + std::to_string(w) + "\" height=\"" + std::to_string(kTop + plot_h - y) +
           "\"><title>" + Html(label) + ": " + Html(Thousands(chart.values[i])) + "</title></rect>";
    if (chart.label_every > 0 && i % chart.label_every == 0) {
      svg += "<text class=\"tick\" x=\"" + std::to_string(x + w / 2) + "\" y=\"" +
             std::to_string(kTop + plot_h + 16) + "\" text-anchor=\"middle\">" + Html(label) +
             "</text>";
    }
  }
  // The axes themselves, then the x title.
  svg += "<line class=\"axis\" x1=\"" + std::to_string(kLeft) + "\" x2=\"" + std::to_string(kLeft) +
         "\" y1=\"" + std::to_string(kTop) + "\" y2=\"" + std::to_string(kTop + plot_h) + "\"/>";
  svg += "<line class=\"axis\" x1=\"" + std::to_string(kLeft) + "\" x2=\"" +
         std::to_string(kLeft + plot_w) + "\" y1=\"" + std::to_string(kTop + plot_h) + "\" y2=\"" +
         std::to_string(kTop + plot_h) + "\"/>";
  svg += "<text class=\"axis-title\" x=\"" + std::to_string(kLeft + plot_w / 2) + "\" y=\"" +
         std::to_string(kHeight - 10) + "\" text-anchor=\"middle\">" + Html(chart.x_title) +
         "</text></svg>";
  return svg;
}

}  // namespace entente::web
