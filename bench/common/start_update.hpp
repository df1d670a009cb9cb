// The update the in-process benchmarks feed the engine: a user's /start as Telegram sends it
// (~400 bytes of JSON), one shape for every benchmark so their figures compare.
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <cstdint>

namespace corebot::bench {

inline boost::json::object start_update(std::int64_t id, std::int64_t user) {
  return boost::json::object{
      {"update_id", id},
      {"message",
       {{"message_id", id},
        {"from",
         {{"id", user},
          {"is_bot", false},
          {"first_name", "Ann"},
          {"last_name", "Lee"},
          {"username", "ann_lee"},
          {"language_code", "en"}}},
        {"chat",
         {{"id", user},
          {"first_name", "Ann"},
          {"last_name", "Lee"},
          {"username", "ann_lee"},
          {"type", "private"}}},
        {"date", 1790000000},
        {"text", "/start"},
        {"entities",
         boost::json::array{{{"offset", 0}, {"length", 6}, {"type", "bot_command"}}}}}}};
}

}  // namespace corebot::bench
