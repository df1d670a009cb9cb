// The sender's first name, as Telegram sent it with the update (`from.first_name` of the update's
// body: a message, a callback query, ...); empty when the update has no sender. Context keeps the
// sender's id and @username (context.hpp); the name is read here, where a module needs it for a
// person to read (an order's customer, a lead's sender), so Context stays as it is.
#pragma once

#include <boost/json/object.hpp>

#include <string>

#include "corebot/context.hpp"

namespace corebot {

inline std::string sender_first_name(const Context& ctx) {
  const boost::json::value* body = ctx.update().if_contains(ctx.kind());
  const boost::json::value* from =
      body && body->is_object() ? body->get_object().if_contains("from") : nullptr;
  const boost::json::value* name =
      from && from->is_object() ? from->get_object().if_contains("first_name") : nullptr;
  return name && name->is_string() ? std::string(name->get_string()) : std::string();
}

}  // namespace corebot
