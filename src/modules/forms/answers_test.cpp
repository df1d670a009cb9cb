#include "modules/forms/answers.hpp"

#include <gtest/gtest.h>

namespace corebot::modules::forms {
namespace {

std::string value(FieldType t, std::string_view s, const std::vector<std::string>& o = {}) {
  auto c = check_answer(t, s, o);
  return c.ok ? c.value : "!" + c.problem;
}

TEST(Answers, Types) {
  EXPECT_EQ(parse_field_type("Phone"), FieldType::kPhone);
  EXPECT_EQ(parse_field_type(""), FieldType::kText);
  EXPECT_EQ(parse_field_type("colour"), std::nullopt);

  EXPECT_EQ(value(FieldType::kText, "  hi  "), "hi");
  EXPECT_EQ(value(FieldType::kText, "   "), "!form_empty");
  EXPECT_EQ(value(FieldType::kText, std::string(1001, 'x')), "!form_too_long");
  EXPECT_EQ(value(FieldType::kText, std::string(1000, 'x')), std::string(1000, 'x'));

  EXPECT_EQ(value(FieldType::kNumber, "1 200"), "1200");
  EXPECT_EQ(value(FieldType::kNumber, "3,5"), "3.5");
  EXPECT_EQ(value(FieldType::kNumber, "+7"), "7");
  for (const char* bad : {"12abc", "1e999", "nan", "--", "1.2.3", "inf"}) {
    EXPECT_EQ(value(FieldType::kNumber, bad), "!form_bad_number") << bad;
  }

  EXPECT_EQ(value(FieldType::kPhone, "+351 (21) 000-0000"), "+351210000000");
  EXPECT_EQ(value(FieldType::kPhone, "210 000 000"), "210000000");
  for (const char* bad : {"12345", "call me", "+1 2+3 4567890", "1234567890123456"}) {
    EXPECT_EQ(value(FieldType::kPhone, bad), "!form_bad_phone") << bad;
  }

  EXPECT_EQ(value(FieldType::kEmail, " a.b@example.co.uk "), "a.b@example.co.uk");
  for (const char* bad :
       {"a@b", "a@@b.com", "@b.com", "a b@c.com", "a@-b.com", "a@b..com", "a@b.c", "<a@b.com>"}) {
    EXPECT_EQ(value(FieldType::kEmail, bad), "!form_bad_email") << bad;
  }

  EXPECT_EQ(value(FieldType::kDate, "2024-02-29"), "2024-02-29");
  EXPECT_EQ(value(FieldType::kDate, "1.6.2025"), "2025-06-01");
  EXPECT_EQ(value(FieldType::kDate, "14/06/2025"), "2025-06-14");
  for (const char* bad : {"2023-02-29", "31.04.2025", "2025-13-01", "tomorrow", "1.2.25",
                          "2025-1-1-1", "99999999-01-01"}) {
    EXPECT_EQ(value(FieldType::kDate, bad), "!form_bad_date") << bad;
  }

  const std::vector<std::string> options = {"Portrait", "Wedding"};
  EXPECT_EQ(value(FieldType::kChoice, "wedding", options), "Wedding");
  EXPECT_EQ(value(FieldType::kChoice, "other", options), "!form_bad_choice");
  EXPECT_EQ(value(FieldType::kPhoto, "text"), "!form_bad_photo");
}

TEST(Answers, SplitOptions) {
  EXPECT_EQ(split_options(" a | b\nc|| \n"), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_TRUE(split_options("").empty());
}

}  // namespace
}  // namespace corebot::modules::forms
