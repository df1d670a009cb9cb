// Which session keys may exist in the store: a Bloom filter over every key the store held when
// the engine started plus every key saved since. Most users of a spreadsheet bot never get a
// session document (only forms, a chosen language, a cart... write one), yet each of their
// updates paid a store read on the store's thread to learn that (docs/benchmarks.md, issue 16).
// "Not in the filter" is certain, so that read is skipped; "maybe" costs the read as before.
//
// Fixed size (256 KiB of bits, untouched pages cost no RSS): at 100,000 keys ~0.04 % of absent
// keys still read, at a million ~60 %; never a wrong "absent". Keys are never removed (a
// deleted session leaves a "maybe" behind, which only costs a read). Pure logic, no threads.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <memory>
#include <new>
#include <string_view>

namespace corebot::app {

class SessionKeyFilter {
 public:
  static constexpr std::size_t kBits = std::size_t{1} << 21;
  static constexpr int kHashes = 5;

  // calloc: the zeroed pages come from the kernel untouched, so an unused filter costs no RSS.
  SessionKeyFilter() : words_(static_cast<std::uint64_t*>(std::calloc(kBits / 64, 8))) {
    if (!words_) throw std::bad_alloc();
  }

  void add(std::string_view key) {
    for_each_bit(key,
                 [this](std::size_t bit) { words_[bit / 64] |= std::uint64_t{1} << (bit % 64); });
  }
  // False: the key was never added. True: it may have been.
  [[nodiscard]] bool may_contain(std::string_view key) const {
    bool all = true;
    for_each_bit(key, [&](std::size_t bit) {
      all = all && (words_[bit / 64] & (std::uint64_t{1} << (bit % 64))) != 0;
    });
    return all;
  }

 private:
  // Double hashing (Kirsch-Mitzenmacher): bit i = h1 + i * h2, from two independent 64-bit FNV-1a
  // variants, so the filter does not depend on std::hash's quality.
  template <class Fn>
  static void for_each_bit(std::string_view key, Fn&& fn) {
    std::uint64_t h1 = 14695981039346656037ull;
    std::uint64_t h2 = 1099511628211ull ^ 0x9e3779b97f4a7c15ull;
    for (const char c : key) {
      h1 = (h1 ^ static_cast<unsigned char>(c)) * 1099511628211ull;
      h2 = (h2 + static_cast<unsigned char>(c)) * 0xff51afd7ed558ccdull;
      h2 ^= h2 >> 29;
    }
    h2 |= 1;  // odd: the probes never collapse onto one bit
    for (int i = 0; i < kHashes; ++i) {
      fn(static_cast<std::size_t>((h1 + static_cast<std::uint64_t>(i) * h2) % kBits));
    }
  }

  struct Free {
    void operator()(std::uint64_t* p) const { std::free(p); }
  };
  std::unique_ptr<std::uint64_t[], Free> words_;
};

}  // namespace corebot::app
