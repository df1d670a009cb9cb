#include "export_csv.hpp"

#include <boost/json.hpp>

#include <string_view>

#include "request.hpp"

namespace reminders {

namespace {

// A field as CSV wants it. A text starting with = + - @ would be a formula when the owner opens
// the file in a spreadsheet: a leading apostrophe keeps it text.
std::string field(std::string_view value) {
  std::string out(value);
  if (!out.empty() && std::string_view("=+-@").find(out.front()) != std::string_view::npos) {
    out.insert(out.begin(), '\'');
  }
  if (out.find_first_of(",\"\r\n") == std::string::npos) return out;
  std::string quoted = "\"";
  for (char c : out) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + "\"";
}

std::string number(const boost::json::object& doc, std::string_view key) {
  const auto* v = doc.if_contains(key);
  return v && v->is_int64() ? std::to_string(v->get_int64()) : std::string();
}

}  // namespace

std::string reminders_csv(const std::vector<boost::json::object>& items) {
  std::string out = "due_utc,user_id,chat_id,text\r\n";
  for (const auto& doc : items) {
    const auto* due = doc.if_contains("due_ms");
    const auto* text = doc.if_contains("text");
    out += (due && due->is_int64() ? format_utc(due->get_int64()) : std::string()) + "," +
           number(doc, "user_id") + "," + number(doc, "chat_id") + "," +
           field(text && text->is_string() ? std::string_view(text->get_string()) : "") + "\r\n";
  }
  return out;
}

}  // namespace reminders
