#include "content/reader/xml_scan.hpp"

#include <cstdint>

#include "content/text.hpp"

namespace corebot::content::detail {
namespace {

bool is_name_end(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '/' || c == '>';
}
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

}  // namespace

std::string_view XmlTag::local() const {
  const size_t colon = qname.find(':');
  return colon == std::string_view::npos ? qname : qname.substr(colon + 1);
}

std::string_view XmlTag::prefix() const {
  const size_t colon = qname.find(':');
  return colon == std::string_view::npos ? std::string_view() : qname.substr(0, colon + 1);
}

std::optional<std::pair<size_t, size_t>> XmlTag::attr_span(std::string_view name) const {
  // Attributes follow the name: walk them pairwise so a value never matches as a name.
  size_t i = 1 + (closing ? 1 : 0) + qname.size();
  while (i < text.size()) {
    while (i < text.size() && is_space(text[i])) ++i;
    const size_t name_start = i;
    while (i < text.size() && text[i] != '=' && !is_name_end(text[i])) ++i;
    const std::string_view found = text.substr(name_start, i - name_start);
    while (i < text.size() && is_space(text[i])) ++i;
    if (i >= text.size() || text[i] != '=') return std::nullopt;
    ++i;
    while (i < text.size() && is_space(text[i])) ++i;
    if (i >= text.size() || (text[i] != '"' && text[i] != '\'')) return std::nullopt;
    const char quote = text[i++];
    const size_t value_start = i;
    while (i < text.size() && text[i] != quote) ++i;
    if (i >= text.size()) return std::nullopt;
    if (found == name) return std::make_pair(begin + value_start, begin + i);
    ++i;
  }
  return std::nullopt;
}

std::optional<std::string_view> XmlTag::attr(std::string_view name) const {
  const auto span = attr_span(name);
  if (!span) return std::nullopt;
  return text.substr(span->first - begin, span->second - span->first);
}

std::optional<std::string_view> XmlTag::prefixed_attr(std::string_view local_name) const {
  for (size_t at = text.find(local_name); at != std::string_view::npos;
       at = text.find(local_name, at + 1)) {
    if (at == 0 || text[at - 1] != ':') continue;
    size_t start = at - 1;
    while (start > 0 && !is_space(text[start - 1])) --start;
    const std::string_view name = text.substr(start, at + local_name.size() - start);
    if (name.starts_with("xmlns")) continue;
    if (auto v = attr(name)) return v;
  }
  return std::nullopt;
}

std::optional<XmlTag> next_tag(std::string_view xml, size_t pos) {
  while (true) {
    const size_t lt = xml.find('<', pos);
    if (lt == std::string_view::npos || lt + 1 >= xml.size()) return std::nullopt;
    const std::string_view rest = xml.substr(lt);
    auto skip_to = [&](std::string_view terminator) -> bool {
      const size_t e = xml.find(terminator, lt + 2);
      if (e == std::string_view::npos) return false;
      pos = e + terminator.size();
      return true;
    };
    if (rest.starts_with("<!--")) {
      if (!skip_to("-->")) return std::nullopt;
      continue;
    }
    if (rest.starts_with("<![CDATA[")) {
      if (!skip_to("]]>")) return std::nullopt;
      continue;
    }
    if (rest.starts_with("<?") || rest.starts_with("<!")) {
      if (!skip_to(">")) return std::nullopt;
      continue;
    }
    XmlTag tag;
    tag.begin = lt;
    size_t i = lt + 1;
    if (xml[i] == '/') {
      tag.closing = true;
      ++i;
    }
    const size_t name_start = i;
    while (i < xml.size() && !is_name_end(xml[i])) ++i;
    tag.qname = xml.substr(name_start, i - name_start);
    char quote = 0;
    for (; i < xml.size(); ++i) {
      const char c = xml[i];
      if (quote != 0) {
        if (c == quote) quote = 0;
      } else if (c == '"' || c == '\'') {
        quote = c;
      } else if (c == '>') {
        break;
      }
    }
    if (i >= xml.size()) return std::nullopt;
    tag.end = i + 1;
    tag.self_closing = !tag.closing && xml[i - 1] == '/';
    tag.text = xml.substr(tag.begin, tag.end - tag.begin);
    return tag;
  }
}

std::optional<XmlTag> closing_tag(std::string_view xml, const XmlTag& open, size_t limit) {
  if (open.self_closing || open.closing) return std::nullopt;
  for (auto t = next_tag(xml, open.end); t && t->begin < limit; t = next_tag(xml, t->end)) {
    if (t->closing && t->qname == open.qname) return t;
  }
  return std::nullopt;
}

std::string xml_unescape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '&') {
      out += s[i];
      continue;
    }
    const size_t semi = s.find(';', i);
    if (semi == std::string_view::npos || semi - i > 10) {
      out += s[i];
      continue;
    }
    const std::string_view entity = s.substr(i + 1, semi - i - 1);
    if (entity == "amp") {
      out += '&';
    } else if (entity == "lt") {
      out += '<';
    } else if (entity == "gt") {
      out += '>';
    } else if (entity == "quot") {
      out += '"';
    } else if (entity == "apos") {
      out += '\'';
    } else if (entity.size() >= 2 && entity[0] == '#') {
      const bool hex = entity[1] == 'x' || entity[1] == 'X';
      uint32_t cp = 0;
      bool ok = entity.size() > (hex ? 2u : 1u);
      for (size_t k = hex ? 2 : 1; k < entity.size() && ok; ++k) {
        const char c = entity[k];
        uint32_t d = 0;
        if (c >= '0' && c <= '9') {
          d = static_cast<uint32_t>(c - '0');
        } else if (hex && ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')) {
          d = static_cast<uint32_t>((c | 0x20) - 'a' + 10);
        } else {
          ok = false;
        }
        cp = cp * (hex ? 16 : 10) + d;
        if (cp > 0x10FFFF) ok = false;
      }
      if (!ok || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0xFFFD;
      append_utf8(out, cp);
    } else {
      out += s[i];
      continue;
    }
    i = semi;
  }
  return out;
}

}  // namespace corebot::content::detail

namespace corebot::content::detail {
namespace {

// The code unit of "_xHHHH_" at s[i], or nullopt.
std::optional<uint32_t> escaped_unit(std::string_view s, size_t i) {
  if (i + 7 > s.size() || s[i] != '_' || (s[i + 1] != 'x' && s[i + 1] != 'X') || s[i + 6] != '_') {
    return std::nullopt;
  }
  uint32_t v = 0;
  for (size_t k = i + 2; k < i + 6; ++k) {
    const char c = s[k];
    if (c >= '0' && c <= '9') {
      v = v * 16 + static_cast<uint32_t>(c - '0');
    } else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f') {
      v = v * 16 + static_cast<uint32_t>((c | 0x20) - 'a' + 10);
    } else {
      return std::nullopt;
    }
  }
  return v;
}

}  // namespace

std::string decode_ooxml_escapes(std::string_view s) {
  if (s.find("_x") == std::string_view::npos && s.find("_X") == std::string_view::npos) {
    return std::string(s);
  }
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    const std::optional<uint32_t> unit = escaped_unit(s, i);
    if (!unit) {
      out += s[i++];
      continue;
    }
    i += 7;
    uint32_t cp = *unit;
    if (cp >= 0xD800 && cp <= 0xDBFF) {
      const std::optional<uint32_t> low = escaped_unit(s, i);
      if (low && *low >= 0xDC00 && *low <= 0xDFFF) {
        cp = 0x10000 + ((cp - 0xD800) << 10) + (*low - 0xDC00);
        i += 7;
      } else {
        cp = 0xFFFD;
      }
    } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
      cp = 0xFFFD;
    }
    if (cp == '\r' && i < s.size() && s[i] == '\n') continue;  // CR LF: keep the LF only
    if (cp != 0) append_utf8(out, cp);
  }
  return out;
}

}  // namespace corebot::content::detail
