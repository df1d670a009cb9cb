// The mailing module's admin HTTP routes (ModuleServices::serve_admin_api), used by
// `corebot broadcast`:
//   POST /admin/broadcast                  create: {"id"?, "text"+"parse_mode"? | "from_chat_id"+
//                                          "message_id(s)", "reply_markup"?, audience, "at"?,
//                                          "paid"?, "progress_chat"?} -> 202 the mailing (409
//                                          when "id" exists); progress_chat: a chat that gets
//                                          the live progress message and the final report
//        audience: "to":"all" | "to":[ids] | "chat_ids":[ids] | "language":"ru" | "tag":"vip" |
//                  "active_days":7 | "filter":{...store filter on user fields...}
//        at: Unix ms, or "YYYY-MM-DD HH:MM" (UTC)
//        "dry_run": true -> 200 {"total": N}: the audience's size now, nothing created
//   GET  /admin/broadcast                  the 50 newest mailings
//   GET  /admin/broadcast/<id>             one mailing
//   POST /admin/broadcast/<id>/pause|resume|cancel
// A mailing in JSON: Mailing::to_json without _id, with "id" and "done" (final status).
#pragma once

#include <boost/json/object.hpp>

#include <optional>
#include <string>

#include "corebot/services.hpp"
#include "modules/mailing/mailings.hpp"

namespace corebot::modules::mailing {

// The request's mailing, or what is wrong with it.
struct ParsedRequest {
  std::optional<NewMailing> mailing;
  std::string error;
};
[[nodiscard]] ParsedRequest parse_new_mailing(const boost::json::object& body);
// "YYYY-MM-DD HH:MM" (UTC, 'T' accepted for the space) -> Unix ms; nullopt when malformed.
[[nodiscard]] std::optional<std::int64_t> parse_utc_time(std::string_view text);
[[nodiscard]] boost::json::object mailing_json(const Mailing& m);

// The handler for serve_admin_api("broadcast", ...).
[[nodiscard]] AdminApiHandler http_api(Mailings& mailings);

}  // namespace corebot::modules::mailing
