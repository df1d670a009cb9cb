// A small forward scanner over XML text, for the package workarounds that must find and rewrite
// a few elements (cells, relationships) byte for byte without re-serialising the rest.
//
// Not a validating parser: it finds tags, skips comments, processing instructions and CDATA,
// and respects quoted attribute values (which may hold '>'). Malformed input never reads out of
// bounds; it only ends the scan early (liborcus then reports the real XML error).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace corebot::content::detail {

struct XmlTag {
  size_t begin = 0;           // offset of '<'
  size_t end = 0;             // offset just past '>'
  std::string_view qname;     // "c", "x:c"
  bool closing = false;       // </c>
  bool self_closing = false;  // <c/>
  std::string_view text;      // the whole tag, "<...>"

  // The part of qname after ':' ("c" for "x:c").
  std::string_view local() const;
  // The part of qname before ':' with the ':' ("x:"), or "".
  std::string_view prefix() const;
  // The raw (still escaped) value of the attribute with this exact name, or nullopt.
  std::optional<std::string_view> attr(std::string_view name) const;
  // The value of the first prefixed attribute with this local name ("r:id" for "id").
  std::optional<std::string_view> prefixed_attr(std::string_view local) const;
  // The offset range of an attribute's value inside the document, for rewriting it.
  std::optional<std::pair<size_t, size_t>> attr_span(std::string_view name) const;
};

// The next tag (opening, closing or empty) at or after pos; nullopt at the end.
std::optional<XmlTag> next_tag(std::string_view xml, size_t pos);
// The closing tag of `open` (same qname) that starts before `limit`, assuming that element does
// not nest; nullopt if none. The limit keeps hostile input (unclosed children) linear.
std::optional<XmlTag> closing_tag(std::string_view xml, const XmlTag& open,
                                  size_t limit = std::string_view::npos);
// Text with the five predefined entities and numeric character references decoded.
std::string xml_unescape(std::string_view s);
// Excel's escape for characters XML cannot hold, in the text of XLSX cells: "_x000D_" is a
// carriage return, "_x005F_" a literal '_' (so "_x005F_x0041_" reads "_x0041_"). Decodes them,
// surrogate pairs included, drops NULs, and turns the CR LF that "_x000D_\n" leaves into a plain
// line break. Returns s unchanged when it holds no "_x".
std::string decode_ooxml_escapes(std::string_view s);

}  // namespace corebot::content::detail
