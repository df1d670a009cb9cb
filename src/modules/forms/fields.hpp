// A form as the current content declares it: the rows of the Forms sheet with the same form id,
// read as fields in sheet order. Shared by the conversation, the leads and the content checks.
#pragma once

#include <boost/json/object.hpp>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "corebot/content.hpp"
#include "modules/forms/answers.hpp"

namespace corebot::modules::forms {

// Callback data "form:..." belongs to the module; a Pages button "-> form:<id>" starts a form.
inline constexpr std::string_view kCallbackPrefix = "form";
inline constexpr const char* kSheet = "Forms";
// A choice question shows at most this many option buttons.
inline constexpr std::size_t kMaxOptions = 20;
// The verb of an option button's callback data; verbs start with '~', which ids cannot contain.
inline constexpr std::string_view kAnswerVerb = "~a:";
// Telegram refuses a keyboard whose callback data passes 64 bytes.
inline constexpr std::size_t kMaxCallbackDataBytes = 64;

// The callback data of option `index` of the choice question `field`: "form:~a:<field>:<index>".
inline std::string answer_data(std::string_view field, std::size_t index) {
  return std::string(kCallbackPrefix) + ":" + std::string(kAnswerVerb) + std::string(field) + ":" +
         std::to_string(index);
}

struct Field {
  const ContentRow* row;  // points into the Content the field was read from
  std::string id;         // lowercase
  FieldType type;
  bool required;
};

// The fields of `form` (lowercase id), in sheet order; empty when the content has no such form.
std::vector<Field> fields_of(const Content& content, std::string_view form);
// One row of the Forms sheet read as a field.
Field field_of(const ContentRow& row);

// The first field without an answer; nullptr when all are answered.
const Field* next_field(const std::vector<Field>& fields, const boost::json::object& answers);

// Whether the Forms sheet has at least one question.
bool has_forms(const Content& content);

}  // namespace corebot::modules::forms
