#include "modules/admin/chart.hpp"

#include <cairo.h>

#include <algorithm>
#include <cmath>
#include <ctime>
#include <memory>
#include <stdexcept>

namespace corebot::modules::admin {

namespace {

constexpr int kWidth = 900, kHeight = 450;
constexpr double kLeft = 60, kRight = 20, kTop = 50, kBottom = 50;

cairo_status_t append(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

std::string day_label(std::int64_t start_ms) {
  const std::time_t t = static_cast<std::time_t>(start_ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[8];
  std::strftime(buf, sizeof buf, "%d.%m", &tm);
  return buf;
}

// A round step so the y axis has 4-6 lines.
std::int64_t axis_step(std::int64_t top) {
  for (std::int64_t base = 1;; base *= 10) {
    for (std::int64_t m : {1, 2, 5}) {
      if (top / (base * m) <= 5) return base * m;
    }
  }
}

}  // namespace

std::string render_chart(const std::vector<Users::Day>& days, const ChartLabels& labels) {
  std::unique_ptr<cairo_surface_t, decltype(&cairo_surface_destroy)> surface(
      cairo_image_surface_create(CAIRO_FORMAT_ARGB32, kWidth, kHeight), cairo_surface_destroy);
  std::unique_ptr<cairo_t, decltype(&cairo_destroy)> cr(cairo_create(surface.get()), cairo_destroy);
  cairo_t* c = cr.get();
  cairo_set_source_rgb(c, 1, 1, 1);
  cairo_paint(c);
  cairo_select_font_face(c, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);

  std::int64_t top = 1;
  for (const auto& d : days) top = std::max({top, d.new_users, d.active_users});
  const std::int64_t step = axis_step(top);
  top = (top + step - 1) / step * step;
  const double plot_w = kWidth - kLeft - kRight, plot_h = kHeight - kTop - kBottom;
  const std::size_t n = std::max<std::size_t>(days.size(), 1);
  const double slot = plot_w / static_cast<double>(n);
  auto y_of = [&](std::int64_t v) {
    return kTop + plot_h - plot_h * static_cast<double>(v) / static_cast<double>(top);
  };

  // Title and grid.
  cairo_set_source_rgb(c, 0.1, 0.1, 0.1);
  cairo_set_font_size(c, 18);
  cairo_move_to(c, kLeft, 30);
  cairo_show_text(c, labels.title.c_str());
  cairo_set_font_size(c, 12);
  cairo_set_line_width(c, 1);
  for (std::int64_t v = 0; v <= top; v += step) {
    cairo_set_source_rgb(c, 0.88, 0.88, 0.88);
    cairo_move_to(c, kLeft, y_of(v));
    cairo_line_to(c, kWidth - kRight, y_of(v));
    cairo_stroke(c);
    cairo_set_source_rgb(c, 0.3, 0.3, 0.3);
    const std::string label = std::to_string(v);
    cairo_text_extents_t ext;
    cairo_text_extents(c, label.c_str(), &ext);
    cairo_move_to(c, kLeft - 8 - ext.width, y_of(v) + 4);
    cairo_show_text(c, label.c_str());
  }

  // New users: bars.
  cairo_set_source_rgb(c, 0.30, 0.55, 0.85);
  for (std::size_t i = 0; i < days.size(); ++i) {
    const double x = kLeft + slot * static_cast<double>(i) + slot * 0.2;
    const double y = y_of(days[i].new_users);
    cairo_rectangle(c, x, y, slot * 0.6, kTop + plot_h - y);
  }
  cairo_fill(c);

  // Active users: a line with dots.
  cairo_set_source_rgb(c, 0.90, 0.45, 0.15);
  cairo_set_line_width(c, 2.5);
  for (std::size_t i = 0; i < days.size(); ++i) {
    const double x = kLeft + slot * (static_cast<double>(i) + 0.5);
    if (i == 0) {
      cairo_move_to(c, x, y_of(days[i].active_users));
    } else {
      cairo_line_to(c, x, y_of(days[i].active_users));
    }
  }
  cairo_stroke(c);
  for (std::size_t i = 0; i < days.size(); ++i) {
    cairo_arc(c, kLeft + slot * (static_cast<double>(i) + 0.5), y_of(days[i].active_users), 3, 0,
              2 * M_PI);
    cairo_fill(c);
  }

  // Day labels.
  cairo_set_source_rgb(c, 0.3, 0.3, 0.3);
  for (std::size_t i = 0; i < days.size(); i += 5) {
    const std::string label = day_label(days[i].start_ms);
    cairo_move_to(c, kLeft + slot * static_cast<double>(i), kHeight - kBottom + 18);
    cairo_show_text(c, label.c_str());
  }
  if (!days.empty()) {
    const std::string label = day_label(days.back().start_ms);
    cairo_text_extents_t ext;
    cairo_text_extents(c, label.c_str(), &ext);
    cairo_move_to(c, kWidth - kRight - ext.width, kHeight - kBottom + 18);
    cairo_show_text(c, label.c_str());
  }

  // Legend.
  const double lx = kWidth - kRight - 260;
  cairo_set_source_rgb(c, 0.30, 0.55, 0.85);
  cairo_rectangle(c, lx, 18, 14, 14);
  cairo_fill(c);
  cairo_set_source_rgb(c, 0.1, 0.1, 0.1);
  cairo_move_to(c, lx + 20, 30);
  cairo_show_text(c, labels.new_users.c_str());
  cairo_set_source_rgb(c, 0.90, 0.45, 0.15);
  cairo_rectangle(c, lx + 130, 23, 14, 4);
  cairo_fill(c);
  cairo_set_source_rgb(c, 0.1, 0.1, 0.1);
  cairo_move_to(c, lx + 150, 30);
  cairo_show_text(c, labels.active_users.c_str());

  cairo_surface_flush(surface.get());
  if (cairo_status(c) != CAIRO_STATUS_SUCCESS) {
    throw std::runtime_error(std::string("chart: ") + cairo_status_to_string(cairo_status(c)));
  }
  std::string png;
  if (cairo_surface_write_to_png_stream(surface.get(), append, &png) != CAIRO_STATUS_SUCCESS) {
    throw std::runtime_error("chart: cannot encode the PNG");
  }
  return png;
}

}  // namespace corebot::modules::admin
