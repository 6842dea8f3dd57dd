// SVG plots written directly: fixed layout, system sans-serif fonts, colours from the Tableau 10
// palette (distinct for colour-blind readers). Every bar carries a <title> so browsers show the
// exact figure on hover.
#include "apack/report/plots.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>
#include <vector>

#include "apack/atomic_file.hpp"
#include "apack/report/text.hpp"

namespace apack::report {

namespace {

const char* const kPalette[] = {"#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
                                "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"};
constexpr const char* kComputeColour = "#4e79a7";
constexpr const char* kMemoryColour = "#f28e2b";
constexpr const char* kOtherColour = "#bab0ac";

std::string xml(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        // Control characters are not allowed in XML 1.0 text.
        if (static_cast<unsigned char>(c) >= 0x20 || c == '\t' || c == '\n') out += c;
    }
  }
  return out;
}

std::string px(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

std::string shorten(const std::string& s, size_t n) {
  return s.size() <= n ? s : s.substr(0, n - 1) + "~";
}

// Layer names share long prefixes ("MobilenetV1/Conv2d_3_..."); their ends tell them apart.
std::string shorten_front(const std::string& s, size_t n) {
  return s.size() <= n ? s : "~" + s.substr(s.size() - (n - 1));
}

std::string header(double w, double h) {
  return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + px(w) + "\" height=\"" + px(h) +
         "\" viewBox=\"0 0 " + px(w) + " " + px(h) +
         "\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\" font-size=\"12\">\n"
         "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
}

// 1, 2 or 5 times a power of ten, at least `v`: axis ends on a round number.
double nice_ceiling(double v) {
  if (!(v > 0)) return 1;
  const double p = std::pow(10.0, std::floor(std::log10(v)));
  for (double m : {1.0, 2.0, 5.0, 10.0})
    if (m * p >= v * (1 - 1e-12)) return m * p;
  return 10 * p;
}

}  // namespace

std::string energy_svg_text(const RunResult& r) {
  std::vector<std::pair<std::string, double>> comps(r.energy_by_component.begin(),
                                                    r.energy_by_component.end());
  std::stable_sort(comps.begin(), comps.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  double sum = 0, top = 0;
  for (const auto& c : comps) {
    sum += c.second;
    top = std::max(top, c.second);
  }
  const double total = r.energy_total_j > 0 ? r.energy_total_j : sum;

  const double width = 760, label_w = 150, bar_w = 400, row = 30, top_y = 76;
  const double height = top_y + std::max<size_t>(comps.size(), 1) * row + 24;
  std::ostringstream o;
  o << header(width, height);
  o << "<text x=\"20\" y=\"28\" font-size=\"17\" font-weight=\"bold\">Energy by component - "
    << xml(r.scenario_name) << "</text>\n";
  o << "<text x=\"20\" y=\"50\" fill=\"#555\">total " << xml(human_energy_j(total)) << "; "
    << xml(r.engine) << ", codec " << xml(r.codec) << ", " << xml(r.dram) << "</text>\n";
  if (comps.empty())
    o << "<text x=\"20\" y=\"" << px(top_y + 18) << "\">no energy recorded</text>\n";
  for (size_t i = 0; i < comps.size(); ++i) {
    const double y = top_y + double(i) * row;
    const double w = top > 0 ? std::max(0.0, comps[i].second / top * bar_w) : 0;
    const std::string value = human_energy_j(comps[i].second) + " (" +
                              fixed(total > 0 ? 100 * comps[i].second / total : NAN, 1) + "%)";
    o << "<text x=\"" << px(label_w - 8) << "\" y=\"" << px(y + 19) << "\" text-anchor=\"end\">"
      << xml(shorten(comps[i].first, 22)) << "</text>\n";
    o << "<rect x=\"" << px(label_w) << "\" y=\"" << px(y + 5) << "\" width=\"" << px(w)
      << "\" height=\"" << px(row - 10) << "\" fill=\"" << kPalette[i % 10] << "\"><title>"
      << xml(comps[i].first + ": " + value) << "</title></rect>\n";
    o << "<text x=\"" << px(label_w + w + 6) << "\" y=\"" << px(y + 19) << "\">" << xml(value)
      << "</text>\n";
  }
  o << "<line x1=\"" << px(label_w) << "\" y1=\"" << px(top_y) << "\" x2=\"" << px(label_w)
    << "\" y2=\"" << px(top_y + std::max<size_t>(comps.size(), 1) * row)
    << "\" stroke=\"#333\"/>\n";
  o << "</svg>\n";
  return o.str();
}

std::string layers_svg_text(const RunResult& r) {
  const size_t n = r.layers.size();
  double max_ns = 0;
  for (const LayerRecord& l : r.layers) max_ns = std::max(max_ns, l.end_ns - l.start_ns);

  // Axis in the unit that suits the longest layer.
  double scale = 1;
  const char* unit = "ns";
  if (max_ns >= 1e6) {
    scale = 1e6;
    unit = "ms";
  } else if (max_ns >= 1e3) {
    scale = 1e3;
    unit = "us";
  }
  const double axis_max = nice_ceiling(max_ns / scale);

  // Wide enough to see every bar; past 2400 px the bars get thinner rather than the plot wider.
  const double slot = n == 0 ? 20 : std::clamp(2400.0 / double(n), 1.0, 28.0);
  const double left = 80, right = 30, top = 76, plot_h = 300, bottom = 140;
  const double plot_w = std::max(560.0, slot * double(n));
  const double width = left + plot_w + right, height = top + plot_h + bottom;

  std::ostringstream o;
  o << header(width, height);
  o << "<text x=\"20\" y=\"28\" font-size=\"17\" font-weight=\"bold\">Time per layer - "
    << xml(r.scenario_name) << "</text>\n";
  o << "<text x=\"20\" y=\"50\" fill=\"#555\">" << n << " layers, "
    << xml(human_time_ns(r.sim_time_ns)) << " simulated; " << xml(r.engine) << ", codec "
    << xml(r.codec) << ", " << xml(r.dram) << "</text>\n";
  // Legend, top right.
  const double lx = width - right - 250;
  o << "<rect x=\"" << px(lx) << "\" y=\"38\" width=\"12\" height=\"12\" fill=\"" << kComputeColour
    << "\"/><text x=\"" << px(lx + 17) << "\" y=\"48\">compute-bound</text>\n";
  o << "<rect x=\"" << px(lx + 130) << "\" y=\"38\" width=\"12\" height=\"12\" fill=\""
    << kMemoryColour << "\"/><text x=\"" << px(lx + 147) << "\" y=\"48\">memory-bound</text>\n";

  // Gridlines and y ticks.
  for (int t = 0; t <= 5; ++t) {
    const double v = axis_max * t / 5, y = top + plot_h - plot_h * t / 5;
    char label[32];
    std::snprintf(label, sizeof label, "%g", v);
    o << "<line x1=\"" << px(left) << "\" y1=\"" << px(y) << "\" x2=\"" << px(left + plot_w)
      << "\" y2=\"" << px(y) << "\" stroke=\"#ddd\"/>\n";
    o << "<text x=\"" << px(left - 6) << "\" y=\"" << px(y + 4) << "\" text-anchor=\"end\">"
      << label << "</text>\n";
  }
  o << "<text transform=\"translate(22 " << px(top + plot_h / 2)
    << ") rotate(-90)\" text-anchor=\"middle\">time (" << unit << ")</text>\n";

  // One label every `every` bars so rotated labels (about 12 px apart) never overlap.
  const size_t every = size_t(std::ceil(12.0 / slot));
  for (size_t i = 0; i < n; ++i) {
    const LayerRecord& l = r.layers[i];
    const double t = (l.end_ns - l.start_ns) / scale;
    const double h = axis_max > 0 ? std::clamp(t / axis_max, 0.0, 1.0) * plot_h : 0;
    const double x = left + double(i) * slot;
    const char* colour = l.bound == "compute"  ? kComputeColour
                         : l.bound == "memory" ? kMemoryColour
                                               : kOtherColour;
    o << "<rect x=\"" << px(x + slot * 0.1) << "\" y=\"" << px(top + plot_h - h) << "\" width=\""
      << px(std::max(slot * 0.8, 0.5)) << "\" height=\"" << px(h) << "\" fill=\"" << colour
      << "\"><title>"
      << xml(l.name + " (" + l.kind + "): " + human_time_ns(l.end_ns - l.start_ns) + ", " +
             (l.bound.empty() ? "bound unknown" : l.bound + "-bound"))
      << "</title></rect>\n";
    if (i % every == 0) {
      const double cx = x + slot / 2, cy = top + plot_h + 8;
      o << "<text transform=\"translate(" << px(cx + 3) << " " << px(cy)
        << ") rotate(-60)\" text-anchor=\"end\" font-size=\"10\">" << xml(shorten_front(l.name, 22))
        << "</text>\n";
    }
  }
  if (n == 0)
    o << "<text x=\"" << px(left + 20) << "\" y=\"" << px(top + plot_h / 2)
      << "\">no layers recorded</text>\n";
  // Axes last, over the bars' edges.
  o << "<line x1=\"" << px(left) << "\" y1=\"" << px(top) << "\" x2=\"" << px(left) << "\" y2=\""
    << px(top + plot_h) << "\" stroke=\"#333\"/>\n";
  o << "<line x1=\"" << px(left) << "\" y1=\"" << px(top + plot_h) << "\" x2=\""
    << px(left + plot_w) << "\" y2=\"" << px(top + plot_h) << "\" stroke=\"#333\"/>\n";
  o << "<text x=\"" << px(left + plot_w / 2) << "\" y=\"" << px(height - 12)
    << "\" text-anchor=\"middle\">layer, in execution order</text>\n";
  o << "</svg>\n";
  return o.str();
}

void write_energy_svg(const RunResult& r, const std::string& path) {
  write_file_atomic(path, energy_svg_text(r));
}

void write_layers_svg(const RunResult& r, const std::string& path) {
  write_file_atomic(path, layers_svg_text(r));
}

}  // namespace apack::report
