// Internal: the parts of liborcus's import interfaces the readers do not need, as no-ops, and
// the number-format tracking that tells XLSX dates from plain numbers.
#pragma once

#include <orcus/spreadsheet/import_interface.hpp>

#include <cstddef>
#include <string>
#include <unordered_map>
#include <vector>

namespace corebot::content::detail {

namespace os = orcus::spreadsheet;

// Records, for each cell format (xf), whether its number format shows a date, a time or both.
class NumberFormats final : public os::iface::import_styles {
 public:
  enum class Kind { kNumber, kDate, kTime, kDateTime, kBoolean };
  Kind kind_of_xf(size_t xf) const;

  void set_number_format_count(size_t) override {}
  void set_number_format_identifier(size_t id) override { format_id_ = id; }
  void set_number_format_code(std::string_view s) override { format_code_ = s; }
  size_t commit_number_format() override;
  void set_xf_number_format(size_t index) override { xf_format_ = index; }
  size_t commit_cell_xf() override;

  void set_font_count(size_t) override {}
  void set_font_bold(bool) override {}
  void set_font_italic(bool) override {}
  void set_font_name(std::string_view) override {}
  void set_font_size(double) override {}
  void set_font_underline(os::underline_t) override {}
  void set_font_underline_width(os::underline_width_t) override {}
  void set_font_underline_mode(os::underline_mode_t) override {}
  void set_font_underline_type(os::underline_type_t) override {}
  void set_font_underline_color(os::color_elem_t, os::color_elem_t, os::color_elem_t,
                                os::color_elem_t) override {}
  void set_font_color(os::color_elem_t, os::color_elem_t, os::color_elem_t,
                      os::color_elem_t) override {}
  void set_strikethrough_style(os::strikethrough_style_t) override {}
  void set_strikethrough_type(os::strikethrough_type_t) override {}
  void set_strikethrough_width(os::strikethrough_width_t) override {}
  void set_strikethrough_text(os::strikethrough_text_t) override {}
  size_t commit_font() override { return fonts_++; }
  void set_fill_count(size_t) override {}
  void set_fill_pattern_type(os::fill_pattern_t) override {}
  void set_fill_fg_color(os::color_elem_t, os::color_elem_t, os::color_elem_t,
                         os::color_elem_t) override {}
  void set_fill_bg_color(os::color_elem_t, os::color_elem_t, os::color_elem_t,
                         os::color_elem_t) override {}
  size_t commit_fill() override { return fills_++; }
  void set_border_count(size_t) override {}
  void set_border_style(os::border_direction_t, os::border_style_t) override {}
  void set_border_color(os::border_direction_t, os::color_elem_t, os::color_elem_t,
                        os::color_elem_t, os::color_elem_t) override {}
  void set_border_width(os::border_direction_t, double, orcus::length_unit_t) override {}
  size_t commit_border() override { return borders_++; }
  void set_cell_hidden(bool) override {}
  void set_cell_locked(bool) override {}
  void set_cell_print_content(bool) override {}
  void set_cell_formula_hidden(bool) override {}
  size_t commit_cell_protection() override { return protections_++; }
  void set_cell_xf_count(size_t) override {}
  void set_cell_style_xf_count(size_t) override {}
  void set_dxf_count(size_t) override {}
  void set_xf_font(size_t) override {}
  void set_xf_fill(size_t) override {}
  void set_xf_border(size_t) override {}
  void set_xf_protection(size_t) override {}
  void set_xf_style_xf(size_t) override {}
  void set_xf_apply_alignment(bool) override {}
  void set_xf_horizontal_alignment(os::hor_alignment_t) override {}
  void set_xf_vertical_alignment(os::ver_alignment_t) override {}
  size_t commit_cell_style_xf() override {
    xf_format_ = 0;
    return style_xfs_++;
  }
  size_t commit_dxf() override {
    xf_format_ = 0;
    return dxfs_++;
  }
  void set_cell_style_count(size_t) override {}
  void set_cell_style_name(std::string_view) override {}
  void set_cell_style_xf(size_t) override {}
  void set_cell_style_builtin(size_t) override {}
  void set_cell_style_parent_name(std::string_view) override {}
  size_t commit_cell_style() override { return styles_++; }

 private:
  std::unordered_map<size_t, Kind> custom_;  // number format id -> kind, from format codes
  std::vector<Kind> xfs_;
  size_t format_id_ = 0;
  std::string format_code_;
  size_t xf_format_ = 0;
  size_t fonts_ = 0, fills_ = 0, borders_ = 0, protections_ = 0, style_xfs_ = 0, dxfs_ = 0,
         styles_ = 0, formats_ = 0;
};

}  // namespace corebot::content::detail
