// Checking what a user typed as the answer to a form question. Pure functions: answers are
// hostile input (any length, any characters), so every check bounds what it accepts and says
// what is expected instead of failing.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace corebot::modules::forms {

enum class FieldType { kText, kNumber, kPhone, kEmail, kChoice, kDate, kPhoto };

// The type names of the Forms sheet's "type" column, in order.
const std::vector<std::string>& field_type_names();
// "phone" -> kPhone (case-insensitive); empty -> kText; nullopt for an unknown name.
std::optional<FieldType> parse_field_type(std::string_view name);

inline constexpr std::size_t kMaxTextAnswer = 1000;  // characters

struct Checked {
  bool ok = false;
  std::string value;     // normalised: "2024-05-17", "+351210000000", "3.5", trimmed text
  std::string problem;   // Texts key of the complaint when !ok ("form_bad_email")
  std::string fallback;  // its English text, for bots without that key
};

// Checks a typed answer for every type but kPhoto (a photo is not text). `options` are the
// choices of a kChoice field; a typed answer matching one (ignoring case) picks it.
Checked check_answer(FieldType type, std::string_view text,
                     const std::vector<std::string>& options = {});

// A Forms "options" cell: one option per line or separated by '|'; empty ones dropped.
std::vector<std::string> split_options(std::string_view cell);

}  // namespace corebot::modules::forms
