// Logging: spdlog behind a tiny facade, so parts log with one call and tests can silence it.
#pragma once

#include <spdlog/spdlog.h>

#include <string>
#include <string_view>

namespace corebot::core {

// Sets the global level from a name ("trace", "debug", "info", "warn", "error", "off").
// Returns false and leaves the level unchanged when the name is unknown.
bool set_log_level(std::string_view level);

// One-time setup: a compact single-line format on stderr.
void init_logging(std::string_view level = "info");

// Text from outside (a request body, a header) made safe for one log line: at most `max` bytes,
// control characters and bytes of broken UTF-8 written as \xNN, so it can neither break the line
// nor forge another one.
std::string loggable(std::string_view text, std::size_t max = 200);

}  // namespace corebot::core

#define COREBOT_LOG_TRACE(...) SPDLOG_TRACE(__VA_ARGS__)
#define COREBOT_LOG_DEBUG(...) ::spdlog::debug(__VA_ARGS__)
#define COREBOT_LOG_INFO(...) ::spdlog::info(__VA_ARGS__)
#define COREBOT_LOG_WARN(...) ::spdlog::warn(__VA_ARGS__)
#define COREBOT_LOG_ERROR(...) ::spdlog::error(__VA_ARGS__)
