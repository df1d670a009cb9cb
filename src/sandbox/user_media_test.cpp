// Decoding the base64 of a simulated user's upload.
#include "sandbox/user_media.hpp"

#include <gtest/gtest.h>

namespace corebot::sandbox {
namespace {

TEST(UserMediaTest, DecodesBase64WithAndWithoutPadding) {
  EXPECT_EQ(decode_base64("aGVsbG8="), "hello");
  EXPECT_EQ(decode_base64("aGVsbG8"), "hello");
  EXPECT_EQ(decode_base64("aGk="), "hi");
  EXPECT_EQ(decode_base64("YWJj"), "abc");
  EXPECT_EQ(decode_base64(""), "");
  EXPECT_EQ(decode_base64("/+8="), std::string("\xff\xef", 2));
}

TEST(UserMediaTest, RejectsWhatIsNotBase64) {
  EXPECT_FALSE(decode_base64("a"));
  EXPECT_FALSE(decode_base64("aGV sbG8="));
  EXPECT_FALSE(decode_base64("aGVsbG8*"));
}

}  // namespace
}  // namespace corebot::sandbox
