#include "modules/forms/fields.hpp"

namespace corebot::modules::forms {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::vector<Field> fields_of(const Content& content, std::string_view form) {
  std::vector<Field> out;
  for (const ContentRow& row : content.rows(kSheet)) {
    if (lower(row.get("form")) != form) continue;
    const std::string_view required = row.get("required");
    out.push_back({&row, lower(row.get("field")),
                   parse_field_type(row.get("type")).value_or(FieldType::kText),
                   !(required == "no" || required == "false" || required == "0" ||
                     required == "off" || lower(required) == "no")});
  }
  return out;
}

const Field* next_field(const std::vector<Field>& fields, const boost::json::object& answers) {
  for (const Field& f : fields) {
    if (!answers.contains(f.id)) return &f;
  }
  return nullptr;
}

}  // namespace corebot::modules::forms
