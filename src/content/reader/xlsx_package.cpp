#include "content/reader/xlsx_package.hpp"

#include <orcus/zip_archive.hpp>
#include <orcus/zip_archive_stream.hpp>

#include <map>
#include <vector>

#include "content/reader/builder.hpp"
#include "content/reader/xml_scan.hpp"
#include "content/reader/zip_writer.hpp"

namespace corebot::content::detail {
namespace {

constexpr std::string_view kMainNs = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
constexpr std::string_view kRelsNs = "http://schemas.openxmlformats.org/package/2006/relationships";
constexpr std::string_view kSharedStringsType =
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings";

class Package {
 public:
  explicit Package(std::string_view bytes)
      : stream_(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()), archive_(&stream_) {
    archive_.load();
    for (size_t i = 0; i < archive_.get_file_entry_count(); ++i) {
      names_.push_back(archive_.get_file_entry_name(i));
    }
  }
  const std::vector<std::string_view>& names() const { return names_; }
  bool has(std::string_view name) const {
    for (std::string_view n : names_) {
      if (n == name) return true;
    }
    return false;
  }
  std::optional<std::string> read(std::string_view name) const {
    if (!has(name)) return std::nullopt;
    std::vector<unsigned char> buffer;
    if (!archive_.read_file_entry(name, buffer)) {
      if (name.ends_with('/')) return std::string();
      throw ReadFailure("the zip entry " + std::string(name) + " cannot be read");
    }
    return std::string(buffer.begin(), buffer.end());
  }

 private:
  orcus::zip_archive_stream_blob stream_;
  orcus::zip_archive archive_;
  std::vector<std::string_view> names_;
};

// --- part names -----------------------------------------------------------------------------

std::string dir_of(std::string_view part) {
  const size_t slash = part.rfind('/');
  return slash == std::string_view::npos ? std::string() : std::string(part.substr(0, slash + 1));
}

// "xl/_rels/workbook.xml.rels" -> "xl/workbook.xml"'s folder "xl/"; "_rels/.rels" -> "".
std::string source_dir_of_rels(std::string_view rels) {
  const size_t at = rels.rfind("_rels/");
  return at == std::string_view::npos ? dir_of(rels) : std::string(rels.substr(0, at));
}

std::string rels_of(std::string_view part) {
  const std::string dir = dir_of(part);
  return dir + "_rels/" + std::string(part.substr(dir.size())) + ".rels";
}

std::vector<std::string_view> segments(std::string_view path) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (start <= path.size()) {
    const size_t slash = path.find('/', start);
    const size_t end = slash == std::string_view::npos ? path.size() : slash;
    if (end > start) out.push_back(path.substr(start, end - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return out;
}

// The part a relationship target names, from the folder of its source part.
std::string resolve(std::string_view dir, std::string_view target) {
  const std::string joined = target.starts_with('/') ? std::string(target.substr(1))
                                                     : std::string(dir) + std::string(target);
  std::vector<std::string_view> out;
  for (std::string_view seg : segments(joined)) {
    if (seg == ".") continue;
    if (seg == "..") {
      if (!out.empty()) out.pop_back();
      continue;
    }
    out.push_back(seg);
  }
  std::string path;
  for (size_t i = 0; i < out.size(); ++i) path += (i ? "/" : "") + std::string(out[i]);
  return path;
}

// `part` relative to the folder `dir` ("xl/" and "xl/worksheets/a.xml" -> "worksheets/a.xml").
std::string relative_to(std::string_view dir, std::string_view part) {
  const std::vector<std::string_view> from = segments(dir);
  const std::vector<std::string_view> to = segments(part);
  size_t common = 0;
  while (common < from.size() && common + 1 < to.size() && from[common] == to[common]) ++common;
  std::string out;
  for (size_t i = common; i < from.size(); ++i) out += "../";
  for (size_t i = common; i < to.size(); ++i)
    out += std::string(to[i]) + (i + 1 < to.size() ? "/" : "");
  return out;
}

// --- relationships --------------------------------------------------------------------------

struct Relationship {
  std::string id;
  std::string type;
  std::string part;  // resolved
};

std::vector<Relationship> parse_rels(std::string_view xml, std::string_view dir) {
  std::vector<Relationship> out;
  for (auto t = next_tag(xml, 0); t; t = next_tag(xml, t->end)) {
    if (t->closing || t->local() != "Relationship") continue;
    if (t->attr("TargetMode").value_or("") == "External") continue;
    const auto target = t->attr("Target");
    if (!target) continue;
    out.push_back(Relationship{xml_unescape(t->attr("Id").value_or("")),
                               std::string(t->attr("Type").value_or("")),
                               resolve(dir, xml_unescape(*target))});
  }
  return out;
}

// liborcus 0.17 resolves "/xl/worksheets/sheet1.xml" from xl/ as "xl//xl/worksheets/...": give
// it the same part as a relative name.
std::optional<std::string> rewrite_absolute_targets(std::string_view xml, std::string_view dir) {
  std::string out;
  size_t copied = 0;
  for (auto t = next_tag(xml, 0); t; t = next_tag(xml, t->end)) {
    if (t->closing || t->local() != "Relationship") continue;
    if (t->attr("TargetMode").value_or("") == "External") continue;
    const auto span = t->attr_span("Target");
    if (!span || span->first >= span->second || xml[span->first] != '/') continue;
    const std::string_view target = xml.substr(span->first, span->second - span->first);
    out.append(xml.substr(copied, span->first - copied));
    out += relative_to(dir, resolve("", target));
    copied = span->second;
  }
  if (copied == 0) return std::nullopt;
  out.append(xml.substr(copied));
  return out;
}

// Inserts text before the last closing tag (the root's end).
std::string insert_before_root_end(std::string_view xml, std::string_view text) {
  const size_t at = xml.rfind("</");
  if (at == std::string_view::npos) return std::string(xml);
  return std::string(xml.substr(0, at)) + std::string(text) + std::string(xml.substr(at));
}

// --- cells ----------------------------------------------------------------------------------

// Strings to append to the shared string table, indexed after the ones it has.
class NewStrings {
 public:
  explicit NewStrings(size_t base) : base_(base) {}
  // `inner` is the content of an <si>/<is> element as written in a sheet whose element prefix
  // is `prefix` ("x:" or "") bound to `ns`; the namespace is declared on the new element.
  size_t add(std::string_view prefix, std::string_view ns, std::string_view inner) {
    const std::string p(prefix);
    const std::string decl =
        p.empty() ? "xmlns" : "xmlns:" + std::string(prefix.substr(0, prefix.size() - 1));
    xml_ += "<" + p + "si " + decl + "=\"" + std::string(ns) + "\">" + std::string(inner) + "</" +
            p + "si>";
    return base_ + count_++;
  }
  size_t count() const { return count_; }
  const std::string& xml() const { return xml_; }

 private:
  size_t base_;
  size_t count_ = 0;
  std::string xml_;
};

struct Child {
  bool present = false;
  size_t begin = 0, end = 0;              // the whole element
  size_t inner_begin = 0, inner_end = 0;  // its content
};

struct SheetResult {
  std::optional<std::string> rewritten;
  size_t value_cells = 0;
};

// The namespace the root element binds to `prefix` ("x:" or "").
std::string namespace_of(std::string_view xml, std::string_view prefix) {
  for (auto t = next_tag(xml, 0); t; t = next_tag(xml, t->end)) {
    if (t->closing) continue;
    const std::string name =
        prefix.empty() ? "xmlns" : "xmlns:" + std::string(prefix.substr(0, prefix.size() - 1));
    return std::string(t->attr(name).value_or(kMainNs));
  }
  return std::string(kMainNs);
}

// True when a cell type liborcus misreads may occur (t="inlineStr", "b", "e", "d", "str"):
// sheets as Excel and LibreOffice write them mostly have none and skip the cell-by-cell scan.
bool may_need_rewrite(std::string_view xml) {
  if (xml.find("inlineStr") != std::string_view::npos) return true;
  // One pass over the type attributes (a search per type would read the sheet ten times).
  for (size_t at = xml.find("t="); at != std::string_view::npos; at = xml.find("t=", at + 2)) {
    const char before = at > 0 ? xml[at - 1] : '<';
    if (before != ' ' && before != '\t' && before != '\n' && before != '\r') continue;
    if (at + 3 >= xml.size() || (xml[at + 2] != '"' && xml[at + 2] != '\'')) continue;
    const size_t end = xml.find(xml[at + 2], at + 3);
    if (end == std::string_view::npos) return true;
    const std::string_view type = xml.substr(at + 3, end - at - 3);
    if (type == "b" || type == "e" || type == "d" || type == "str") return true;
  }
  return false;
}

// Cells with a cached value, counted by their closing </v> or </x:v> (any prefix).
size_t count_values(std::string_view xml) {
  size_t n = 0;
  for (size_t at = xml.find("v>"); at != std::string_view::npos; at = xml.find("v>", at + 2)) {
    if (at >= 2 && xml[at - 1] == '/' && xml[at - 2] == '<') {
      ++n;
    } else if (at >= 1 && xml[at - 1] == ':') {
      const size_t lt = xml.rfind('<', at);
      if (lt != std::string_view::npos && lt + 1 < at && xml[lt + 1] == '/') ++n;
    }
  }
  return n;
}

SheetResult process_sheet(std::string_view xml, NewStrings& strings) {
  SheetResult result;
  std::string out;
  size_t copied = 0;
  std::optional<std::string> ns;
  for (auto t = next_tag(xml, 0); t;) {
    if (t->closing || t->self_closing || t->local() != "c") {
      t = next_tag(xml, t->end);
      continue;
    }
    const std::optional<XmlTag> close = closing_tag(xml, *t);
    if (!close) break;
    Child v, is, f;
    for (auto c = next_tag(xml, t->end); c && c->begin < close->begin; c = next_tag(xml, c->end)) {
      if (c->closing) continue;
      Child* child = c->local() == "v"    ? &v
                     : c->local() == "is" ? &is
                     : c->local() == "f"  ? &f
                                          : nullptr;
      if (child == nullptr) continue;
      child->present = true;
      child->begin = c->begin;
      child->inner_begin = child->inner_end = child->end = c->end;
      if (c->self_closing) continue;
      const std::optional<XmlTag> end = closing_tag(xml, *c, close->begin);
      if (!end || end->begin > close->begin) break;
      child->inner_end = end->begin;
      child->end = end->end;
      c = end;
    }
    if ((v.present && v.inner_end > v.inner_begin) || is.present || f.present) ++result.value_cells;

    const std::string_view type = t->attr("t").value_or("n");
    const std::string_view p = t->prefix();
    std::optional<std::string> cell;
    auto as_shared = [&](std::string_view inner) {
      if (!ns) ns = namespace_of(xml, p);
      const size_t index = strings.add(p, *ns, inner);
      const auto span = *t->attr_span("t");
      return std::string(xml.substr(t->begin, span.first - t->begin)) + "s" +
             std::string(xml.substr(span.second, t->end - span.second)) + "<" + std::string(p) +
             "v>" + std::to_string(index) + "</" + std::string(p) + "v>" + std::string(close->text);
    };
    auto value_text = [&] { return xml.substr(v.inner_begin, v.inner_end - v.inner_begin); };
    if (type == "inlineStr" && is.present) {
      cell = as_shared(xml.substr(is.inner_begin, is.inner_end - is.inner_begin));
    } else if (type == "b" && f.present) {
      // The cached result is all the bot uses: without the formula it is a plain boolean.
      cell = std::string(xml.substr(t->begin, f.begin - t->begin)) +
             std::string(xml.substr(f.end, close->end - f.end));
    } else if ((type == "e" || type == "d" || (type == "str" && !f.present)) && v.present) {
      std::string_view text = value_text();
      if (type == "d" && text.ends_with("T00:00:00")) text.remove_suffix(9);
      cell =
          as_shared("<" + std::string(p) + "t>" + std::string(text) + "</" + std::string(p) + "t>");
    }
    if (cell) {
      out.append(xml.substr(copied, t->begin - copied));
      out += *cell;
      copied = close->end;
    }
    t = next_tag(xml, close->end);
  }
  if (copied != 0) {
    out.append(xml.substr(copied));
    result.rewritten = std::move(out);
  }
  return result;
}

size_t count_elements(std::string_view xml, std::string_view local) {
  size_t n = 0;
  for (auto t = next_tag(xml, 0); t; t = next_tag(xml, t->end)) {
    if (!t->closing && t->local() == local) ++n;
  }
  return n;
}

}  // namespace

NormalizedXlsx normalize_xlsx(std::string_view bytes) {
  NormalizedXlsx result;
  const Package package(bytes);
  std::map<std::string, std::string, std::less<>> replaced;  // part -> new content
  std::map<std::string, std::string, std::less<>> added;
  auto current = [&](std::string_view part) -> std::optional<std::string> {
    if (auto it = replaced.find(part); it != replaced.end()) return it->second;
    if (auto it = added.find(part); it != added.end()) return it->second;
    return package.read(part);
  };

  for (std::string_view name : package.names()) {
    if (!name.ends_with(".rels")) continue;
    const std::optional<std::string> xml = package.read(name);
    if (!xml) continue;
    if (auto fixed = rewrite_absolute_targets(*xml, source_dir_of_rels(name))) {
      replaced.emplace(std::string(name), std::move(*fixed));
    }
  }

  const std::string root_rels = current("_rels/.rels").value_or("");
  std::string workbook;
  for (const Relationship& r : parse_rels(root_rels, "")) {
    if (r.type.find("purl.oclc.org/ooxml") != std::string::npos) {
      throw ReadFailure(
          "the file is saved as \"Strict Open XML Spreadsheet\", which the bot cannot read",
          "in Excel choose File → Save As → \"Excel Workbook (.xlsx)\", then reload");
    }
    if (r.type.ends_with("/officeDocument")) workbook = r.part;
  }
  const std::optional<std::string> workbook_xml =
      workbook.empty() ? std::nullopt : current(workbook);
  if (!workbook_xml) return result;

  const std::string workbook_rels = rels_of(workbook);
  std::map<std::string, Relationship> by_id;
  std::string shared_strings;
  for (Relationship& r : parse_rels(current(workbook_rels).value_or(""), dir_of(workbook))) {
    if (r.type.ends_with("/sharedStrings")) shared_strings = r.part;
    by_id.emplace(r.id, std::move(r));
  }
  for (auto t = next_tag(*workbook_xml, 0); t; t = next_tag(*workbook_xml, t->end)) {
    if (t->closing || t->local() != "sheet") continue;
    XlsxSheetInfo info;
    info.name = xml_unescape(t->attr("name").value_or(""));
    if (const auto id = t->prefixed_attr("id")) {
      if (auto it = by_id.find(xml_unescape(*id)); it != by_id.end()) {
        info.part = it->second.part;
        info.worksheet = it->second.type.ends_with("/worksheet");
        info.part_found = package.has(info.part);
      }
    }
    result.sheets.push_back(std::move(info));
  }

  // Sheets as Excel and LibreOffice write them need no rewrite: then the (large) shared string
  // table is not read here at all, only the cells with values are counted.
  std::vector<std::string> sheet_xml(result.sheets.size());
  bool rewrite = false;
  for (size_t i = 0; i < result.sheets.size(); ++i) {
    const XlsxSheetInfo& info = result.sheets[i];
    if (!info.worksheet || !info.part_found) continue;
    sheet_xml[i] = current(info.part).value_or("");
    rewrite = rewrite || may_need_rewrite(sheet_xml[i]);
  }
  std::optional<std::string> strings_xml;
  if (rewrite && !shared_strings.empty()) strings_xml = current(shared_strings);
  NewStrings strings(strings_xml ? count_elements(*strings_xml, "si") : 0);
  for (size_t i = 0; i < result.sheets.size(); ++i) {
    XlsxSheetInfo& info = result.sheets[i];
    if (!info.worksheet || !info.part_found) continue;
    if (!may_need_rewrite(sheet_xml[i])) {
      info.value_cells = count_values(sheet_xml[i]);
      continue;
    }
    SheetResult sheet = process_sheet(sheet_xml[i], strings);
    info.value_cells = sheet.value_cells;
    if (sheet.rewritten) replaced[info.part] = std::move(*sheet.rewritten);
  }
  if (strings.count() > 0) {
    if (strings_xml) {
      replaced[shared_strings] = insert_before_root_end(*strings_xml, strings.xml());
    } else {
      std::string name = dir_of(workbook) + "sharedStrings.xml";
      if (package.has(name)) name = dir_of(workbook) + "corebotSharedStrings.xml";
      added[name] = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sst xmlns=\"" +
                    std::string(kMainNs) + "\">" + strings.xml() + "</sst>";
      const std::string rel = "<Relationship xmlns=\"" + std::string(kRelsNs) +
                              "\" Id=\"rIdCorebotStrings\" Type=\"" +
                              std::string(kSharedStringsType) + "\" Target=\"" +
                              relative_to(dir_of(workbook), name) + "\"/>";
      if (const std::optional<std::string> rels = current(workbook_rels)) {
        replaced[workbook_rels] = insert_before_root_end(*rels, rel);
      } else {
        added[workbook_rels] =
            "<Relationships xmlns=\"" + std::string(kRelsNs) + "\">" + rel + "</Relationships>";
      }
    }
  }
  if (replaced.empty() && added.empty()) return result;

  StoredZipWriter zip;
  for (std::string_view name : package.names()) {
    if (auto it = replaced.find(name); it != replaced.end()) {
      zip.add(name, it->second);
    } else {
      zip.add(name, package.read(name).value_or(""));
    }
  }
  for (const auto& [name, data] : added) zip.add(name, data);
  result.package = std::move(zip).finish();
  return result;
}

}  // namespace corebot::content::detail
