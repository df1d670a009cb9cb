// Comparing secrets (webhook secret token, admin token).
#pragma once

#include <algorithm>
#include <string_view>

namespace corebot::core {

// True when a == b. Takes the same time whatever the position of the first difference, so a
// secret cannot be guessed byte by byte from response times.
inline bool same_secret(std::string_view a, std::string_view b) {
  unsigned char diff = a.size() == b.size() ? 0 : 1;
  for (std::size_t i = 0; i < std::min(a.size(), b.size()); ++i) {
    diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  }
  return diff == 0;
}

}  // namespace corebot::core
