#include "core/log.hpp"

#include <spdlog/sinks/stdout_color_sinks.h>

namespace corebot::core {

bool set_log_level(std::string_view level) {
  auto parsed = spdlog::level::from_str(std::string(level));
  // from_str maps unknown names to "off"; only accept "off" when it was asked for.
  if (parsed == spdlog::level::off && level != "off") return false;
  spdlog::set_level(parsed);
  return true;
}

void init_logging(std::string_view level) {
  static bool done = false;
  if (!done) {
    auto logger = spdlog::stderr_color_mt("corebot");
    spdlog::set_default_logger(logger);
    spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");
    done = true;
  }
  set_log_level(level);
}

}  // namespace corebot::core
