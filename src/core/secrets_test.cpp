// same_secret: equal only when equal, whatever the lengths (its timing is by construction: one
// pass over the expected secret, see secrets.hpp).
#include "core/secrets.hpp"

#include <gtest/gtest.h>

namespace corebot::core {
namespace {

TEST(SameSecret, EqualOnlyWhenEqual) {
  EXPECT_TRUE(same_secret("s3cret-token", "s3cret-token"));
  EXPECT_FALSE(same_secret("s3cret-tokeN", "s3cret-token"));
  EXPECT_FALSE(same_secret("s3cret", "s3cret-token"));                    // a prefix
  EXPECT_FALSE(same_secret("s3cret-tokens3cret-token", "s3cret-token"));  // repeated
  EXPECT_FALSE(same_secret("s3cret-token-and-more", "s3cret-token"));
  EXPECT_FALSE(same_secret("", "s3cret-token"));
  EXPECT_FALSE(same_secret("xxxxxxxxxxxx", "s3cret-token"));
}

TEST(SameSecret, AnEmptyExpectedSecretMatchesNothing) {
  // An unset secret must never let the empty header through.
  EXPECT_FALSE(same_secret("", ""));
  EXPECT_FALSE(same_secret("x", ""));
}

}  // namespace
}  // namespace corebot::core
