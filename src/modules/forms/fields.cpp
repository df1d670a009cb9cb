#include "modules/forms/fields.hpp"

#include "corebot/ascii.hpp"

namespace corebot::modules::forms {

std::vector<Field> fields_of(const Content& content, std::string_view form) {
  std::vector<Field> out;
  for (const ContentRow& row : content.rows(kSheet)) {
    if (ascii::lower(row.get("form")) == form) out.push_back(field_of(row));
  }
  return out;
}

Field field_of(const ContentRow& row) {
  const std::string_view required = row.get("required");
  return {&row, ascii::lower(row.get("field")),
          parse_field_type(row.get("type")).value_or(FieldType::kText),
          !(ascii::iequals(required, "no") || required == "false" || required == "0" ||
            required == "off")};
}

bool has_forms(const Content& content) { return !content.rows(kSheet).empty(); }

const Field* next_field(const std::vector<Field>& fields, const boost::json::object& answers) {
  for (const Field& f : fields) {
    if (!answers.contains(f.id)) return &f;
  }
  return nullptr;
}

}  // namespace corebot::modules::forms
