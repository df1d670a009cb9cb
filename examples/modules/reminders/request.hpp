// The words of the reminders module, parsed and printed: "/remind 10m Buy milk" into a delay and
// a text, delays back into "9m 58s", due times into ISO 8601 for the export.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace reminders {

// Why a request was refused; each has its own explanation for the user (texts.hpp).
enum class RequestError {
  kFormat,   // not "<number><s|m|h|d> <text>"
  kZero,     // "0m": a reminder needs a delay
  kTooFar,   // more than kMaxDelay ahead
  kTooLong,  // the text is over kMaxTextChars characters
};

struct Request {
  std::chrono::seconds delay{};
  std::string text;  // trimmed, never empty
};

inline constexpr std::chrono::seconds kMaxDelay = std::chrono::hours(24 * 365);
inline constexpr std::size_t kMaxTextChars = 1000;

struct Parsed {
  std::optional<Request> request;
  RequestError error = RequestError::kFormat;  // when !request
};

// Parses the arguments of /remind: "10m Buy milk", "30s tea", "2h call Ann", "1d pay rent".
// Units: s, m, h, d (either case). The text is what follows the delay, trimmed.
Parsed parse_request(std::string_view args);

// A positive whole number ("2" in "/forget 2"); nullopt for anything else.
std::optional<std::int64_t> parse_index(std::string_view args);

// "1d 2h", "9m 58s", "45s": at most the two largest units, for remaining times. "0s" when
// `ms` <= 0.
std::string format_delay(std::int64_t ms);

// "2026-01-01T00:10:00Z" for Unix milliseconds.
std::string format_utc(std::int64_t unix_ms);

}  // namespace reminders
