// Comparing secrets (webhook secret token, admin token).
#pragma once

#include <cstddef>
#include <string_view>

namespace corebot::core {

// True when `given` (what a client sent) equals `expected` (the configured secret). The work
// depends only on expected's length: every byte of the secret is compared whatever was sent,
// so neither the position of the first difference nor the secret's length can be read from
// response times by varying what is sent.
inline bool same_secret(std::string_view given, std::string_view expected) {
  unsigned char diff = given.size() == expected.size() ? 0 : 1;
  for (std::size_t i = 0; i < expected.size(); ++i) {
    // Past the end of `given` compare with a byte of its own (or 0): same work, still unequal.
    const char sent = given.empty() ? '\0' : given[i % given.size()];
    diff |= static_cast<unsigned char>(sent ^ expected[i]);
  }
  return diff == 0 && !expected.empty();
}

}  // namespace corebot::core
