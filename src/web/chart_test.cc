// web/chart.h: the SVG chart has its axes, ticks, units and escaped labels.
#include "web/chart.h"

#include <gtest/gtest.h>

namespace entente::web {
namespace {

TEST(TickStep, RoundStepsOfAtMostFiveTicks) {
  EXPECT_EQ(TickStep(0), 1);
  EXPECT_EQ(TickStep(3), 1);
  EXPECT_EQ(TickStep(5), 1);
  EXPECT_EQ(TickStep(6), 2);
  EXPECT_EQ(TickStep(10), 2);
  EXPECT_EQ(TickStep(11), 5);
  EXPECT_EQ(TickStep(26), 10);
  EXPECT_EQ(TickStep(1234), 500);
  EXPECT_EQ(TickStep(1'000'000), 200000);
}

TEST(BarChartSvg, DrawsAxesTicksUnitsAndBars) {
  BarChart c;
  c.title = "Objects <added>";
  c.x_title = "hour (UTC)";
  c.y_title = "objects per hour";
  c.labels = {"00:00", "01:00", "02:00"};
  c.series = {{"objects", "bar-objects", {0, 7, 3}}};
  std::string svg = BarChartSvg(c);
  EXPECT_NE(svg.find("aria-label=\"Objects &lt;added&gt;\""), std::string::npos);
  EXPECT_NE(svg.find(">objects per hour</text>"), std::string::npos);
  EXPECT_NE(svg.find(">hour (UTC)</text>"), std::string::npos);
  // Ticks 0, 2, 4, 6, 8 (step 2, top rounded up to 8).
  for (const char* tick : {">0</text>", ">2</text>", ">4</text>", ">6</text>", ">8</text>"}) {
    EXPECT_NE(svg.find(tick), std::string::npos) << tick;
  }
  EXPECT_NE(svg.find("<title>01:00: 7</title>"), std::string::npos);
  size_t bars = 0;
  for (size_t at = 0; (at = svg.find("<rect class=\"bar bar-objects\"", at)) != std::string::npos;
       ++at) {
    ++bars;
  }
  EXPECT_EQ(bars, 3u);
  EXPECT_EQ(svg.find("<script"), std::string::npos);
  EXPECT_EQ(svg.find("class=\"legend\""), std::string::npos) << "one series needs no legend";
}

TEST(BarChartSvg, TwoSeriesShareTheAxisAndHaveALegend) {
  BarChart c;
  c.title = "Added";
  c.x_title = "hour (UTC)";
  c.y_title = "added per hour";
  c.labels = {"00:00", "01:00"};
  c.series = {{"object versions", "bar-objects", {12, 4}}, {"sightings <s>", "bar-sightings", {3}}};
  std::string svg = BarChartSvg(c);
  // One axis for both: ticks up to 15 (step 5) from the larger series.
  EXPECT_NE(svg.find(">15</text>"), std::string::npos);
  EXPECT_NE(svg.find("<title>object versions, 01:00: 4</title>"), std::string::npos);
  EXPECT_NE(svg.find("<title>sightings &lt;s&gt;, 00:00: 3</title>"), std::string::npos);
  // A value the series lacks is drawn as 0.
  EXPECT_NE(svg.find("<title>sightings &lt;s&gt;, 01:00: 0</title>"), std::string::npos);
  size_t objects = 0, sightings = 0;
  for (size_t at = 0; (at = svg.find("<rect class=\"bar bar-objects\"", at)) != std::string::npos;
       ++at) {
    ++objects;
  }
  for (size_t at = 0; (at = svg.find("<rect class=\"bar bar-sightings\"", at)) != std::string::npos;
       ++at) {
    ++sightings;
  }
  EXPECT_EQ(objects, 2u);
  EXPECT_EQ(sightings, 2u);
  EXPECT_NE(svg.find(">object versions</text>"), std::string::npos);
  EXPECT_NE(svg.find(">sightings &lt;s&gt;</text>"), std::string::npos);
}

}  // namespace
}  // namespace entente::web
