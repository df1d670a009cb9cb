#include "modules/mailing/http_api.hpp"

#include <boost/json.hpp>

#include <chrono>
#include <cstdio>

namespace corebot::modules::mailing {
namespace json = boost::json;

namespace {

AdminApiReply failure(int status, std::string error) {
  return {status, json::object{{"ok", false}, {"error", std::move(error)}}};
}

AdminApiReply success(int status, json::value result) {
  return {status, json::object{{"ok", true}, {"result", std::move(result)}}};
}

std::optional<std::vector<std::int64_t>> id_list(const json::value& v) {
  if (!v.is_array()) return std::nullopt;
  std::vector<std::int64_t> out;
  for (const auto& id : v.get_array()) {
    if (!id.is_int64()) return std::nullopt;
    out.push_back(id.get_int64());
  }
  return out;
}

Answer reply_with(std::function<void(AdminApiReply)> reply, int ok_status) {
  return [reply, ok_status](std::optional<Mailing> m, int status, std::string error) {
    if (!error.empty() || !m) return reply(failure(status, error));
    reply(success(ok_status == 0 ? status : ok_status, mailing_json(*m)));
  };
}

}  // namespace

std::optional<std::int64_t> parse_utc_time(std::string_view text) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0;
  char sep = 0;
  std::string s(text);
  if (std::sscanf(s.c_str(), "%4d-%2d-%2d%c%2d:%2d", &y, &mo, &d, &sep, &h, &mi) != 6) {
    return std::nullopt;
  }
  if ((sep != ' ' && sep != 'T') || h > 23 || mi > 59) return std::nullopt;
  const std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month(mo),
                                        std::chrono::day(d)};
  if (!ymd.ok()) return std::nullopt;
  const auto t = std::chrono::sys_days{ymd} + std::chrono::hours(h) + std::chrono::minutes(mi);
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

json::object mailing_json(const Mailing& m) {
  json::object o = m.to_json();
  o.erase("_id");
  o["id"] = m.id;
  o["done"] = is_final(m.status);
  return o;
}

ParsedRequest parse_new_mailing(const json::object& body) {
  NewMailing n;
  auto text_of = [&](std::string_view key) -> std::string {
    const json::value* v = body.if_contains(key);
    return v && v->is_string() ? std::string(v->get_string()) : std::string();
  };
  if (const json::value* id = body.if_contains("id")) {
    if (!id->is_string()) return {std::nullopt, "\"id\" must be a string"};
    n.id = std::string(id->get_string());
  }
  if (const json::value* t = body.if_contains("text"); t && !t->is_string()) {
    return {std::nullopt, "\"text\" must be a string"};
  }
  n.content = Message::from_json(body);
  if (n.content.from_chat_id == 0 && n.content.text.empty()) {
    return {std::nullopt,
            "give \"text\" (a non-empty string) or \"from_chat_id\" and \"message_id(s)\""};
  }
  if (const json::value* to = body.if_contains("to")) {
    if (*to == "all") {
      n.audience.kind = "all";
    } else if (auto ids = id_list(*to)) {
      n.audience.kind = "chats";
      n.audience.chats = std::move(*ids);
    } else {
      return {std::nullopt, "\"to\" must be \"all\" or a list of chat ids"};
    }
  } else if (const json::value* ids = body.if_contains("chat_ids")) {
    auto list = id_list(*ids);
    if (!list) return {std::nullopt, "\"chat_ids\" must be a list of integers"};
    n.audience.kind = "chats";
    n.audience.chats = std::move(*list);
  } else if (body.contains("language")) {
    n.audience = {"language", text_of("language"), {}};
  } else if (body.contains("tag")) {
    n.audience = {"tag", text_of("tag"), {}};
  } else if (const json::value* days = body.if_contains("active_days")) {
    n.audience = {"active",
                  days->is_int64() ? std::to_string(days->get_int64()) : text_of("active_days"),
                  {}};
  } else if (const json::value* filter = body.if_contains("filter")) {
    n.audience = {"filter", filter->is_string() ? text_of("filter") : json::serialize(*filter), {}};
  } else {
    return {std::nullopt,
            "give the audience: \"to\": \"all\" or [chat ids], \"language\", \"tag\", "
            "\"active_days\" or \"filter\""};
  }
  if (const json::value* at = body.if_contains("at")) {
    if (at->is_int64()) {
      n.start_at_ms = at->get_int64();
    } else if (auto ms = at->is_string() ? parse_utc_time(at->get_string()) : std::nullopt) {
      n.start_at_ms = *ms;
    } else {
      return {std::nullopt, "\"at\" must be Unix milliseconds or \"YYYY-MM-DD HH:MM\" (UTC)"};
    }
  }
  if (const json::value* chat = body.if_contains("progress_chat")) {
    if (!chat->is_int64()) return {std::nullopt, "\"progress_chat\" must be a chat id"};
    n.progress_chat = chat->get_int64();
    n.language = text_of("progress_language");
  }
  if (const json::value* paid = body.if_contains("paid")) {
    if (!paid->is_bool()) return {std::nullopt, "\"paid\" must be true or false"};
    n.paid = paid->get_bool();
  }
  return {std::move(n), ""};
}

AdminApiHandler http_api(Mailings& mailings) {
  return [&mailings](const AdminApiRequest& request, std::function<void(AdminApiReply)> reply) {
    const auto& path = request.path;
    if (path.empty() && request.method == "GET") {
      return mailings.list(50, [reply](std::vector<Mailing> list, std::string error) {
        if (!error.empty()) return reply(failure(503, error));
        json::array out;
        for (const auto& m : list) out.push_back(mailing_json(m));
        reply(success(200, std::move(out)));
      });
    }
    if (path.empty()) {
      auto parsed = parse_new_mailing(request.body);
      if (!parsed.mailing) return reply(failure(400, parsed.error));
      if (const json::value* dry = request.body.if_contains("dry_run"); dry && *dry == true) {
        // How many the audience holds now; nothing is created.
        return mailings.count(parsed.mailing->audience,
                              [reply](std::int64_t total, const std::string& error) {
                                if (!error.empty()) return reply(failure(400, error));
                                reply(success(200, json::object{{"total", total}}));
                              });
      }
      return mailings.create(std::move(*parsed.mailing), reply_with(reply, 202));
    }
    if (path.size() == 1 && request.method == "GET") {
      return mailings.get(path[0], reply_with(reply, 200));
    }
    if (path.size() == 2 && request.method == "POST") {
      return mailings.control(path[0], path[1], reply_with(reply, 200));
    }
    reply(failure(request.method == "GET" ? 404 : 405,
                  "no such route: GET or POST /admin/broadcast, GET /admin/broadcast/<id>, POST "
                  "/admin/broadcast/<id>/pause|resume|cancel"));
  };
}

}  // namespace corebot::modules::mailing
