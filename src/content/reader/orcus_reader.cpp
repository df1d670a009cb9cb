// XLSX and ODS through liborcus, with our own import factory so the model stays ours: cached
// formula results instead of recalculation (no formula engine), rich text flattened, merged
// ranges recorded, dates recognised from number formats.
#include <orcus/orcus_ods.hpp>
#include <orcus/orcus_xlsx.hpp>
#include <orcus/spreadsheet/import_interface.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <memory>
#include <optional>
#include <utility>

#include "content/reader/builder.hpp"
#include "content/reader/ods_merges.hpp"
#include "content/reader/orcus_styles.hpp"
#include "content/reader/xlsx_package.hpp"
#include "content/reader/xml_scan.hpp"

namespace corebot::content::detail {
namespace {

using orcus::spreadsheet::col_t;
using orcus::spreadsheet::row_t;

std::string two(int v) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%02d", v < 0 ? 0 : v % 100);
  return buf;
}

std::string iso_date(int y, int m, int d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
  return buf;
}

std::string iso_time(int h, int mi, double s) {
  return two(h) + ":" + two(mi) + ":" + two(static_cast<int>(s));
}

bool is_error_code(std::string_view s) {
  static constexpr std::string_view kCodes[] = {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!",
                                                "#NAME?", "#NUM!",   "#N/A",    "#GETTING_DATA"};
  for (std::string_view c : kCodes) {
    if (s == c) return true;
  }
  return false;
}

Cell text_cell(row_t row, col_t col, std::string text) {
  const CellKind kind = text.empty()          ? CellKind::kEmpty
                        : is_error_code(text) ? CellKind::kError
                                              : CellKind::kText;
  return Cell{static_cast<uint32_t>(row), static_cast<uint32_t>(col), kind, std::move(text), 0};
}

Cell number_cell(row_t row, col_t col, double v) {
  return Cell{static_cast<uint32_t>(row), static_cast<uint32_t>(col), CellKind::kNumber,
              format_number(v), v};
}

Cell bool_cell(row_t row, col_t col, bool v) {
  return Cell{static_cast<uint32_t>(row), static_cast<uint32_t>(col), CellKind::kBoolean,
              v ? "TRUE" : "FALSE", v ? 1.0 : 0.0};
}

bool in_sheet(row_t row, col_t col) { return row >= 0 && col >= 0; }

std::string join_lines(const std::vector<std::string>& parts) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) out += (i ? "\n" : "") + parts[i];
  return out;
}

class SharedStrings final : public os::iface::import_shared_strings {
 public:
  SharedStrings(const ReadLimits& limits, bool xlsx) : limits_(limits), paragraphs_(!xlsx) {}

  // The text of a cell. For ODS, liborcus 0.17 commits each paragraph (<text:p>) of a cell as
  // its own string and passes only the last one: join everything committed since the
  // previous cell with line breaks, as the owner sees it.
  std::optional<std::vector<std::string>> take(size_t index) {
    if (index >= strings_.size()) return std::nullopt;
    const size_t first = paragraphs_ && pending_first_ <= index ? pending_first_ : index;
    discard_pending();
    return std::vector<std::string>(strings_.begin() + static_cast<std::ptrdiff_t>(first),
                                    strings_.begin() + static_cast<std::ptrdiff_t>(index) + 1);
  }
  // Called for every non-text cell: ODS paragraphs of number, date and formula cells are
  // committed too, and must not be glued to the next text cell.
  void discard_pending() { pending_first_ = strings_.size(); }

  size_t append(std::string_view s) override { return push(std::string(s)); }
  size_t add(std::string_view s) override { return push(std::string(s)); }
  void set_segment_font(size_t) override {}
  void set_segment_bold(bool) override {}
  void set_segment_italic(bool) override {}
  void set_segment_font_name(std::string_view) override {}
  void set_segment_font_size(double) override {}
  void set_segment_font_color(os::color_elem_t, os::color_elem_t, os::color_elem_t,
                              os::color_elem_t) override {}
  void append_segment(std::string_view s) override {
    if (segments_.size() + s.size() > limits_.max_cell_bytes) {
      throw ReadFailure("a text holds more than " + std::to_string(limits_.max_cell_bytes / 1024) +
                        " KiB");
    }
    segments_.append(s);
  }
  size_t commit_segments() override { return push(std::exchange(segments_, {})); }

 private:
  size_t push(std::string s) {
    // XLSX only (ODS has no such escape); most strings have no "_x" and skip the copy.
    if (!paragraphs_ && s.find('_') != std::string::npos) s = decode_ooxml_escapes(s);
    bytes_ += s.size();
    if (bytes_ > limits_.max_uncompressed_bytes || strings_.size() >= limits_.max_cells * 4) {
      throw ReadFailure("too many texts in the shared string table");
    }
    strings_.push_back(std::move(s));
    return strings_.size() - 1;
  }
  const ReadLimits& limits_;
  const bool paragraphs_;
  size_t pending_first_ = 0;
  std::vector<std::string> strings_;
  std::string segments_;
  size_t bytes_ = 0;
};

class SheetAdapter;

class Formula final : public os::iface::import_formula {
 public:
  Formula(SheetAdapter& sheet, bool xlsx) : sheet_(sheet), xlsx_(xlsx) {}
  void set_position(row_t row, col_t col) override {
    row_ = row, col_ = col;
    result_.reset();
  }
  void set_formula(os::formula_grammar_t, std::string_view) override {}
  void set_shared_formula_index(size_t) override {}
  void set_result_string(std::string_view value) override {
    result_ = text_cell(row_, col_, xlsx_ ? decode_ooxml_escapes(value) : std::string(value));
  }
  // liborcus 0.17 reports a formula saved without a result (openpyxl, pandas) as NaN: leave it
  // without a result, which commit() reports, instead of sending "nan".
  void set_result_value(double value) override {
    if (std::isfinite(value)) result_ = number_cell(row_, col_, value);
  }
  void set_result_bool(bool value) override { result_ = bool_cell(row_, col_, value); }
  void set_result_empty() override { result_ = text_cell(row_, col_, ""); }
  void commit() override;

 private:
  SheetAdapter& sheet_;
  const bool xlsx_;
  row_t row_ = 0;
  col_t col_ = 0;
  std::optional<Cell> result_;
};

class ArrayFormula final : public os::iface::import_array_formula {
 public:
  explicit ArrayFormula(SheetAdapter& sheet) : sheet_(sheet) {}
  void set_range(const os::range_t&) override {}
  void set_formula(os::formula_grammar_t, std::string_view) override {}
  void set_result_string(row_t row, col_t col, std::string_view value) override;
  void set_result_value(row_t row, col_t col, double value) override;
  void set_result_bool(row_t row, col_t col, bool value) override;
  void set_result_empty(row_t, col_t) override {}
  void commit() override {}

 private:
  SheetAdapter& sheet_;
};

class SheetAdapter final : public os::iface::import_sheet,
                           public os::iface::import_sheet_properties {
 public:
  SheetAdapter(WorkbookBuilder& builder, size_t index, SharedStrings& strings,
               const NumberFormats* formats)
      : builder_(builder),
        index_(index),
        strings_(strings),
        formats_(formats),
        formula_(*this, formats != nullptr),
        array_formula_(*this) {}

  void put(Cell cell) {
    if (cell.kind != CellKind::kText) strings_.discard_pending();
    if (events_.size() < builder_.limits().max_cells) {
      events_.push_back(Event{key(cell.row, cell.col), {}});
    }
    if (!row_cells_.empty() && row_cells_.front().row != cell.row) row_cells_.clear();
    if (row_cells_.size() < builder_.limits().max_columns) row_cells_.push_back(cell);
    builder_.set(index_, std::move(cell));
  }

  // Turns numbers whose cell format shows a date or time into ISO text. Runs after the whole
  // file is read: liborcus may read the styles after the sheets.
  void apply_date_formats(int origin_days) {
    if (formats_ == nullptr || cell_xf_.empty()) return;
    std::stable_sort(cell_xf_.begin(), cell_xf_.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    builder_.sheet(index_).transform_pending([&](Cell& c) {
      if (c.kind != CellKind::kNumber) return;
      const uint64_t k = key(c.row, c.col);
      auto it = std::upper_bound(cell_xf_.begin(), cell_xf_.end(), k,
                                 [](uint64_t v, const auto& e) { return v < e.first; });
      if (it == cell_xf_.begin() || (--it)->first != k) return;  // the last write wins
      const auto kind = formats_->kind_of_xf(it->second);
      if (kind != NumberFormats::Kind::kNumber) to_date(c, kind, origin_days);
    });
  }

  os::iface::import_sheet_properties* get_sheet_properties() override { return this; }
  os::iface::import_formula* get_formula() override { return &formula_; }
  os::iface::import_array_formula* get_array_formula() override { return &array_formula_; }

  void set_auto(row_t row, col_t col, std::string_view s) override {
    if (in_sheet(row, col)) put(text_cell(row, col, std::string(s)));
  }
  void set_string(row_t row, col_t col, os::string_id_t sindex) override {
    std::optional<std::vector<std::string>> paragraphs = strings_.take(sindex);
    if (!in_sheet(row, col) || !paragraphs) return;
    put(text_cell(row, col, join_lines(*paragraphs)));
    if (paragraphs->size() > 1 && !events_.empty() && events_.back().key == key(row, col)) {
      events_.back().paragraphs = std::move(*paragraphs);
    }
  }

  // Formula results arrive after the whole sheet (ODS) or right away (XLSX); either way they
  // are applied in finish_formulas().
  void put_formula(Cell cell) {
    if (formulas_.size() >= builder_.limits().max_cells) throw ReadFailure("too many formulas");
    formulas_.push_back(std::move(cell));
  }

  // liborcus 0.17 commits the displayed paragraphs of ODS formula cells as strings but never
  // uses them, so they end up in front of the next text cell's paragraphs; and it passes no
  // text results of ODS formulas. Give each formula cell back its paragraph, in document order.
  void finish_formulas() {
    for (Cell& f : formulas_) {
      auto it = std::lower_bound(events_.begin(), events_.end(), key(f.row, f.col),
                                 [](const Event& e, uint64_t k) { return e.key < k; });
      if (it != events_.end() && it->paragraphs.size() > 1) {
        std::string shown = std::move(it->paragraphs.front());
        it->paragraphs.erase(it->paragraphs.begin());
        const uint64_t k = it->key;
        std::string rest = join_lines(it->paragraphs);
        builder_.sheet(index_).transform_pending([&](Cell& c) {
          if (key(c.row, c.col) == k && c.kind == CellKind::kText) c.text = rest;
        });
        if (f.kind == CellKind::kError && f.text.empty() && !shown.empty()) {
          f = text_cell(static_cast<row_t>(f.row), static_cast<col_t>(f.col), std::move(shown));
        }
      }
      builder_.set(index_, std::move(f));
    }
    formulas_.clear();
  }

  void set_value(row_t row, col_t col, double value) override {
    if (!in_sheet(row, col)) return;
    // A value liborcus could not parse as a number arrives as NaN: an unreadable cell.
    put(std::isfinite(value) ? number_cell(row, col, value)
                             : Cell{static_cast<uint32_t>(row), static_cast<uint32_t>(col),
                                    CellKind::kError, "", 0});
  }
  void set_bool(row_t row, col_t col, bool value) override {
    if (in_sheet(row, col)) put(bool_cell(row, col, value));
  }
  void set_date_time(row_t row, col_t col, int year, int month, int day, int hour, int minute,
                     double second) override {
    if (!in_sheet(row, col)) return;
    std::string text = iso_date(year, month, day);
    if (hour != 0 || minute != 0 || second >= 1) text += "T" + iso_time(hour, minute, second);
    put(Cell{static_cast<uint32_t>(row), static_cast<uint32_t>(col), CellKind::kDateTime,
             std::move(text), 0});
  }
  void set_format(row_t row, col_t col, size_t xf_index) override {
    if (formats_ == nullptr || !in_sheet(row, col) || xf_index == 0) return;
    if (cell_xf_.size() >= builder_.limits().max_cells * 4) {
      throw ReadFailure("too many formatted cells");
    }
    cell_xf_.emplace_back(key(static_cast<uint32_t>(row), static_cast<uint32_t>(col)), xf_index);
  }
  void set_format(row_t, col_t, row_t, col_t, size_t) override {}
  void fill_down_cells(row_t src_row, col_t src_col, row_t range_size) override {
    if (!in_sheet(src_row, src_col) || range_size <= 0) return;
    std::optional<Cell> src;
    for (auto it = row_cells_.rbegin(); it != row_cells_.rend(); ++it) {
      if (it->row == static_cast<uint32_t>(src_row) && it->col == static_cast<uint32_t>(src_col)) {
        src = *it;
        break;
      }
    }
    if (!src) return;
    // ODS repeated rows: copy the value down; the row limit stops hostile repeat counts.
    for (row_t i = 1; i <= range_size; ++i) {
      Cell copy = *src;
      copy.row = src->row + static_cast<uint32_t>(i);
      builder_.set(index_, std::move(copy));
    }
  }
  os::range_size_t get_sheet_size() const override { return {1'048'576, 16'384}; }

  void set_column_width(col_t, double, orcus::length_unit_t) override {}
  void set_column_hidden(col_t, bool) override {}
  void set_row_height(row_t, double, orcus::length_unit_t) override {}
  void set_row_hidden(row_t, bool) override {}
  void set_merge_cell_range(const os::range_t& r) override {
    if (r.first.row < 0 || r.first.column < 0 || r.last.row < 0 || r.last.column < 0) return;
    builder_.add_merged(
        index_,
        MergedRange{static_cast<uint32_t>(r.first.row), static_cast<uint32_t>(r.first.column),
                    static_cast<uint32_t>(r.last.row), static_cast<uint32_t>(r.last.column)});
  }

 private:
  static uint64_t key(uint32_t row, uint32_t col) { return (uint64_t{row} << 32) | col; }

  static void to_date(Cell& c, NumberFormats::Kind kind, int origin_days) {
    using namespace std::chrono;
    if (kind == NumberFormats::Kind::kBoolean) {
      c.kind = CellKind::kBoolean;
      c.text = c.number != 0 ? "TRUE" : "FALSE";
      return;
    }
    if (!std::isfinite(c.number) || c.number < 0 || c.number > 2'958'465.0) return;  // 9999-12-31
    double whole = std::floor(c.number);
    long secs = std::lround((c.number - whole) * 86400.0);
    if (secs >= 86400) {
      secs -= 86400;
      whole += 1;
    }
    const year_month_day ymd{sys_days{days{origin_days + static_cast<long>(whole)}}};
    const std::string date =
        iso_date(static_cast<int>(ymd.year()), static_cast<int>(static_cast<unsigned>(ymd.month())),
                 static_cast<int>(static_cast<unsigned>(ymd.day())));
    const std::string time = iso_time(static_cast<int>(secs / 3600),
                                      static_cast<int>(secs / 60 % 60), double(secs % 60));
    switch (kind) {
      case NumberFormats::Kind::kDate:
        c.text = date;
        break;
      case NumberFormats::Kind::kTime:
        c.text = time;
        break;
      default:
        c.text = date + "T" + time;
        break;
    }
    c.kind = CellKind::kDateTime;
  }

  WorkbookBuilder& builder_;
  size_t index_;
  SharedStrings& strings_;
  const NumberFormats* formats_;
  Formula formula_;
  ArrayFormula array_formula_;
  std::vector<std::pair<uint64_t, size_t>> cell_xf_;  // (row, col) -> xf; last write wins
  std::vector<Cell> row_cells_;  // cells of the row being read, for fill_down_cells
  struct Event {
    uint64_t key;                         // (row, col) of a cell, in document order
    std::vector<std::string> paragraphs;  // of a multi-paragraph ODS text cell
  };
  std::vector<Event> events_;
  std::vector<Cell> formulas_;
};

void Formula::commit() {
  if (!in_sheet(row_, col_)) return;
  // No result at all: liborcus 0.17 drops error results (t="e" in XLSX, errors in ODS), and
  // some generators save no result. Either way the owner does not see a usable value.
  if (!result_) {
    result_ =
        Cell{static_cast<uint32_t>(row_), static_cast<uint32_t>(col_), CellKind::kError, "", 0};
  }
  sheet_.put_formula(std::move(*result_));
  result_.reset();
}
void ArrayFormula::set_result_string(row_t row, col_t col, std::string_view value) {
  if (in_sheet(row, col)) sheet_.put(text_cell(row, col, std::string(value)));
}
void ArrayFormula::set_result_value(row_t row, col_t col, double value) {
  if (in_sheet(row, col)) sheet_.put(number_cell(row, col, value));
}
void ArrayFormula::set_result_bool(row_t row, col_t col, bool value) {
  if (in_sheet(row, col)) sheet_.put(bool_cell(row, col, value));
}

class GlobalSettings final : public os::iface::import_global_settings {
 public:
  void set_origin_date(int year, int month, int day) override {
    using namespace std::chrono;
    const year_month_day ymd{std::chrono::year{year},
                             std::chrono::month{static_cast<unsigned>(month)},
                             std::chrono::day{static_cast<unsigned>(day)}};
    if (ymd.ok()) origin_days_ = static_cast<int>(sys_days{ymd}.time_since_epoch().count());
  }
  void set_default_formula_grammar(os::formula_grammar_t g) override { grammar_ = g; }
  os::formula_grammar_t get_default_formula_grammar() const override { return grammar_; }
  void set_character_set(orcus::character_set_t) override {}
  int origin_days() const { return origin_days_; }

 private:
  int origin_days_ = -25569;  // 1899-12-30, the 1900 date system
  os::formula_grammar_t grammar_ = os::formula_grammar_t::xlsx;
};

// Parses "A1", "$B$7", "Sheet1!C3", "[.C3]" (the sheet part is ignored: liborcus asks only
// for positions inside the sheet being read).
class ReferenceResolver final : public os::iface::import_reference_resolver {
 public:
  os::src_address_t resolve_address(std::string_view ref) override {
    if (!ref.empty() && ref.front() == '[') ref.remove_prefix(1);
    if (!ref.empty() && ref.back() == ']') ref.remove_suffix(1);
    if (const size_t bang = ref.find_last_of("!."); bang != std::string_view::npos) {
      ref.remove_prefix(bang + 1);
    }
    int64_t col = 0, row = 0;
    size_t i = 0;
    if (i < ref.size() && ref[i] == '$') ++i;
    const size_t letters = i;
    for (; i < ref.size() && ((ref[i] >= 'A' && ref[i] <= 'Z') || (ref[i] >= 'a' && ref[i] <= 'z'));
         ++i) {
      col = col * 26 + ((ref[i] | 0x20) - 'a' + 1);
      if (col > 1'000'000) bad(ref);
    }
    if (i == letters) bad(ref);
    if (i < ref.size() && ref[i] == '$') ++i;
    const size_t digits = i;
    for (; i < ref.size() && ref[i] >= '0' && ref[i] <= '9'; ++i) {
      row = row * 10 + (ref[i] - '0');
      if (row > 100'000'000) bad(ref);
    }
    if (i == digits || i != ref.size() || row == 0) bad(ref);
    return os::src_address_t{0, static_cast<row_t>(row - 1), static_cast<col_t>(col - 1)};
  }
  os::src_range_t resolve_range(std::string_view range) override {
    const size_t colon = range.find(':');
    if (colon == std::string_view::npos) {
      const auto a = resolve_address(range);
      return os::src_range_t{a, a};
    }
    return os::src_range_t{resolve_address(range.substr(0, colon)),
                           resolve_address(range.substr(colon + 1))};
  }

 private:
  [[noreturn]] static void bad(std::string_view ref) {
    throw ReadFailure("bad cell reference \"" + std::string(ref.substr(0, 20)) + "\"");
  }
};

class Factory final : public os::iface::import_factory {
 public:
  Factory(WorkbookBuilder& builder, bool xlsx)
      : builder_(builder), strings_(builder.limits(), xlsx), xlsx_(xlsx) {}

  os::iface::import_global_settings* get_global_settings() override { return &settings_; }
  os::iface::import_shared_strings* get_shared_strings() override { return &strings_; }
  os::iface::import_styles* get_styles() override { return &formats_; }
  os::iface::import_reference_resolver* get_reference_resolver(os::formula_ref_context_t) override {
    return &resolver_;
  }

  os::iface::import_sheet* append_sheet(os::sheet_t, std::string_view name) override {
    const size_t index = builder_.add_sheet(std::string(name));
    strings_.discard_pending();
    sheets_.push_back(
        std::make_unique<SheetAdapter>(builder_, index, strings_, xlsx_ ? &formats_ : nullptr));
    return sheets_.back().get();
  }
  os::iface::import_sheet* get_sheet(std::string_view name) override {
    for (size_t i = 0; i < sheets_.size(); ++i) {
      if (builder_.sheet(i).name() == name) return sheets_[i].get();
    }
    return nullptr;
  }
  os::iface::import_sheet* get_sheet(os::sheet_t index) override {
    return index >= 0 && static_cast<size_t>(index) < sheets_.size() ? sheets_[index].get()
                                                                     : nullptr;
  }
  void finalize() override {}

  void finish() {
    for (auto& s : sheets_) {
      s->finish_formulas();
      s->apply_date_formats(settings_.origin_days());
    }
  }

 private:
  WorkbookBuilder& builder_;
  SharedStrings strings_;
  NumberFormats formats_;
  GlobalSettings settings_;
  ReferenceResolver resolver_;
  bool xlsx_;
  std::vector<std::unique_ptr<SheetAdapter>> sheets_;
};

// A sheet whose XML holds values but that read empty was not understood (a writer's quirk the
// workarounds do not cover): say so, rather than letting validation call a full sheet empty.
void check_sheets_were_read(const std::vector<XlsxSheetInfo>& sheets, WorkbookBuilder& builder) {
  static const std::string kFix =
      "open the file in Excel, LibreOffice or Google Sheets, save it again as .xlsx (Excel "
      "Workbook) and reload";
  for (size_t i = 0; i < builder.sheet_count(); ++i) {
    Sheet& sheet = builder.sheet(i);
    const XlsxSheetInfo* info = i < sheets.size() ? &sheets[i] : nullptr;
    for (const XlsxSheetInfo& s : sheets) {
      if (s.name == sheet.name()) info = &s;
    }
    if (info == nullptr || !info->worksheet) continue;
    const std::string quoted = "\"" + sheet.name() + "\"";
    if (!info->part_found) {
      throw ReadFailure("the sheet " + quoted + " is missing from the file" +
                            (info->part.empty() ? "" : " (there is no " + info->part + ")"),
                        kFix);
    }
    if (info->value_cells == 0) continue;
    size_t read = 0;
    sheet.transform_pending([&](Cell& c) { read += c.empty() ? 0 : 1; });
    if (read == 0) {
      throw ReadFailure("the sheet " + quoted + " has " + std::to_string(info->value_cells) +
                            " filled cells in the file, but none of them could be read",
                        kFix);
    }
  }
}

}  // namespace

void read_zip_spreadsheet(std::string_view bytes, Format format, WorkbookBuilder& builder) {
  Factory factory(builder, format == Format::kXlsx);
  if (format == Format::kXlsx) {
    orcus::orcus_xlsx filter(&factory);
    const NormalizedXlsx normalized = normalize_xlsx(bytes);
    filter.read_stream(normalized.package ? std::string_view(*normalized.package) : bytes);
    factory.finish();
    check_sheets_were_read(normalized.sheets, builder);
    return;
  }
  orcus::orcus_ods filter(&factory);
  const std::optional<std::string> uncovered = uncover_merged_cells(bytes);
  filter.read_stream(uncovered ? std::string_view(*uncovered) : bytes);
  factory.finish();
}

}  // namespace corebot::content::detail
