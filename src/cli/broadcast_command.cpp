// `corebot broadcast`: asks a running engine to mail, through its admin API, and follows the
// mailing until it is done.
#include <boost/json.hpp>

#include <unistd.h>

#include <chrono>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/commands.hpp"
#include "net/event_loop.hpp"
#include "net/http_client.hpp"
#include "web/admin_server.hpp"

namespace corebot::cli {
namespace json = boost::json;

namespace {

// Reads chat ids, one per line (blank lines and '#' comments ignored). Throws with the line.
std::vector<std::int64_t> read_chat_ids(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::vector<std::int64_t> ids;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    auto begin = line.find_first_not_of(" \t\r");
    if (begin == std::string::npos || line[begin] == '#') continue;
    auto end = line.find_last_not_of(" \t\r");
    std::string text = line.substr(begin, end - begin + 1);
    std::size_t used = 0;
    std::int64_t id = 0;
    try {
      id = std::stoll(text, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != text.size()) {
      throw std::runtime_error(path + ":" + std::to_string(number) + ": '" + text +
                               "' is not a chat id");
    }
    ids.push_back(id);
  }
  return ids;
}

struct Exchange {
  int status = 0;
  json::value body;
  std::string error;
};

// One request on a private loop; the CLI has nothing else to do meanwhile.
Exchange exchange(net::EventLoop& loop, net::HttpClient& http, net::HttpClientRequest request) {
  Exchange result;
  http.send(std::move(request), [&](net::HttpClientResponse response) {
    result.status = response.status;
    result.error = response.error;
    boost::system::error_code ec;
    result.body = json::parse(response.body, ec);
    if (ec && response.status != 0) result.error = "not JSON: " + response.body.substr(0, 200);
    loop.stop();
  });
  loop.run();
  return result;
}

std::int64_t field(const json::object& p, std::string_view key) {
  const json::value* v = p.if_contains(key);
  return v && v->is_int64() ? v->get_int64() : 0;
}

std::string text_field(const json::object& p, std::string_view key) {
  const json::value* v = p.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

// "4200/5000 (84%): 4100 sent, 60 blocked, 40 failed, 800 left — running"
std::string describe(const json::object& p) {
  const auto total = field(p, "total");
  const auto done = field(p, "sent") + field(p, "blocked") + field(p, "failed");
  std::ostringstream out;
  out << done << "/" << total << " done";
  if (total > 0) out << " (" << done * 100 / total << "%)";
  out << ": " << field(p, "sent") << " sent, " << field(p, "blocked") << " blocked, "
      << field(p, "failed") << " failed, " << field(p, "left") << " left — "
      << text_field(p, "status");
  return out.str();
}

// A bar for a terminal: "[##########..........]  50%".
std::string bar(const json::object& p) {
  const auto total = field(p, "total");
  const auto done = field(p, "sent") + field(p, "blocked") + field(p, "failed");
  const int width = 30;
  const int full = total > 0 ? static_cast<int>(done * width / total) : width;
  std::string out = "[";
  for (int i = 0; i < width; ++i) out += i < full ? '#' : '.';
  out += "] ";
  return out;
}

// Reads the audience and the message into the request body. Throws with what is wrong.
json::object request_body(const BroadcastOptions& o) {
  json::object body;
  if (!o.id.empty()) body["id"] = o.id;
  if (!o.copy.empty()) {
    const auto colon = o.copy.find(':');
    if (colon == std::string::npos) {
      throw std::runtime_error("--copy wants CHAT_ID:MESSAGE_ID[,MESSAGE_ID...]");
    }
    try {
      body["from_chat_id"] = std::stoll(o.copy.substr(0, colon));
      json::array ids;
      std::stringstream list(o.copy.substr(colon + 1));
      for (std::string id; std::getline(list, id, ',');) ids.push_back(std::stoll(id));
      body["message_ids"] = std::move(ids);
    } catch (const std::logic_error&) {
      throw std::runtime_error("--copy wants CHAT_ID:MESSAGE_ID[,MESSAGE_ID...], not " + o.copy);
    }
  } else if (!o.text.empty()) {
    body["text"] = o.text;
    if (!o.parse_mode.empty()) body["parse_mode"] = o.parse_mode;
  } else {
    throw std::runtime_error("give the message: --text TEXT or --copy CHAT_ID:MESSAGE_ID");
  }
  const int audiences = !o.to.empty() + !o.language.empty() + !o.tag.empty() + (o.active_days > 0) +
                        !o.filter.empty();
  if (audiences != 1) {
    throw std::runtime_error(
        "give one audience: --to FILE|all, --language, --tag, --active-days or --filter");
  }
  if (o.to == "all") {
    body["to"] = "all";
  } else if (!o.to.empty()) {
    json::array ids;
    for (auto id : read_chat_ids(o.to)) ids.push_back(id);
    body["to"] = std::move(ids);
  } else if (!o.language.empty()) {
    body["language"] = o.language;
  } else if (!o.tag.empty()) {
    body["tag"] = o.tag;
  } else if (o.active_days > 0) {
    body["active_days"] = o.active_days;
  } else {
    boost::system::error_code ec;
    json::value filter = json::parse(o.filter, ec);
    if (ec || !filter.is_object()) throw std::runtime_error("--filter must be a JSON object");
    body["filter"] = std::move(filter);
  }
  if (!o.at.empty()) body["at"] = o.at;
  if (o.paid) body["paid"] = true;
  return body;
}

}  // namespace

int run_broadcast(const BroadcastOptions& options) {
  if (options.admin_token.empty()) {
    std::cerr << "corebot broadcast: no admin token: set COREBOT_ADMIN_TOKEN or pass "
                 "--admin-token-file (the engine's admin.token)\n";
    return 2;
  }
  const bool needs_id = options.action != "send" && options.action != "list";
  if (needs_id && options.id.empty()) {
    std::cerr << "corebot broadcast " << options.action << ": give the mailing's id "
              << "(corebot broadcast list shows them)\n";
    return 2;
  }
  std::string base = options.admin_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  base += "/admin/broadcast";
  net::Headers auth{{"authorization", "Bearer " + options.admin_token}};
  // Each exchange stops the loop when it completes; a fresh loop per exchange keeps it simple.
  auto call = [&](std::string method, std::string url, std::string body = {}) {
    net::EventLoop loop;
    net::HttpClient http(loop);
    net::HttpClientRequest request{
        .method = std::move(method), .url = std::move(url), .headers = auth};
    if (!body.empty()) {
      request.body = std::move(body);
      request.content_type = "application/json";
    }
    return exchange(loop, http, std::move(request));
  };
  auto refused = [&](const Exchange& e) {
    if (e.status == 0) {
      std::cerr << "corebot broadcast: cannot reach the engine's admin API at " << options.admin_url
                << ": " << e.error << " (is admin.listen set?)\n";
      return 1;
    }
    const json::object* answer = e.body.if_object();
    std::cerr << "corebot broadcast: the engine refused (" << e.status << "): "
              << (answer && answer->contains("error") ? std::string(answer->at("error").as_string())
                                                      : e.error)
              << "\n";
    return 1;
  };

  if (options.action == "list") {
    Exchange e = call("GET", base);
    if (e.status != 200) return refused(e);
    for (const auto& m : e.body.at("result").as_array()) {
      const auto& p = m.as_object();
      std::cout << text_field(p, "id") << "  " << describe(p) << "\n";
    }
    return 0;
  }

  std::string id = options.id;
  if (options.action == "send") {
    json::object body;
    try {
      body = request_body(options);
    } catch (const std::exception& e) {
      std::cerr << "corebot broadcast: " << e.what() << "\n";
      return 2;
    }
    std::string serialized = json::serialize(body);
    // Said here, before sending: the engine would only answer 413 without reading it.
    if (serialized.size() > web::AdminServer::kMaxJsonBody) {
      const auto* to = body.if_contains("to");
      std::cerr << "corebot broadcast: the mailing is " << serialized.size() / 1024
                << " KiB, and the engine takes at most " << web::AdminServer::kMaxJsonBody / 1024
                << " KiB";
      if (to != nullptr && to->is_array()) {
        std::cerr << " (" << to->as_array().size()
                  << " ids given; about 200,000 fit): mail a --tag, --language or --filter "
                     "audience instead, or split the list";
      }
      std::cerr << "\n";
      return 2;
    }
    Exchange started = call("POST", base, std::move(serialized));
    if (started.status == 409) {
      std::cerr << "corebot broadcast: a mailing '" << options.id
                << "' exists already, so nothing is sent again; see it with `corebot broadcast "
                   "status "
                << options.id << "`\n";
      return 1;
    }
    if (started.status != 202) return refused(started);
    const auto& result = started.body.at("result").as_object();
    id = text_field(result, "id");
    std::cout << "mailing " << id << " " << text_field(result, "status") << ": "
              << field(result, "total") << " recipient(s)" << std::endl;
    if (!options.follow) return 0;
  } else if (options.action != "status" && options.action != "follow") {
    Exchange e = call("POST", base + "/" + id + "/" + options.action);
    if (e.status != 200) return refused(e);
    std::cout << "mailing " << id << ": " << describe(e.body.at("result").as_object()) << "\n";
    return 0;
  }

  const bool tty = isatty(STDOUT_FILENO) != 0;
  std::string last;
  auto last_print = std::chrono::steady_clock::time_point{};
  auto unreachable_since = std::chrono::steady_clock::time_point{};
  for (bool first = true;; first = false) {
    if (!first) {
      // Poll twice a second.
      net::EventLoop pause;
      pause.after(std::chrono::milliseconds(500), [&] { pause.stop(); });
      pause.run();
    }
    Exchange status = call("GET", base + "/" + id);
    const json::object* s = status.body.if_object();
    if (status.status == 0 || status.status >= 500) {
      // The engine restarts (a mailing survives it): wait up to a minute for it to come back.
      const auto now = std::chrono::steady_clock::now();
      if (unreachable_since == decltype(now){}) {
        unreachable_since = now;
        std::cerr << "\ncorebot broadcast: the engine does not answer; the mailing resumes when "
                     "it is back — waiting\n";
      }
      if (now - unreachable_since > std::chrono::minutes(1)) {
        std::cerr << "corebot broadcast: lost the engine for a minute (" << status.error
                  << "); follow it later with `corebot broadcast follow " << id << "`\n";
        return 1;
      }
      continue;
    }
    unreachable_since = {};
    if (status.status != 200 || !s) return refused(status);
    if (options.action == "status") {
      std::cout << id << "  " << describe(s->at("result").as_object()) << "\n";
      return 0;
    }
    const json::object& progress = s->at("result").as_object();
    std::string line = describe(progress);
    const bool done = progress.at("done").as_bool();
    const auto now = std::chrono::steady_clock::now();
    if (tty) {
      std::cout << "\r" << bar(progress) << line << "\x1b[K" << std::flush;
      if (done) std::cout << "\n";
    } else if (line != last && (done || now - last_print >= std::chrono::seconds(1))) {
      std::cout << line << std::endl;  // plain lines, at most one a second, for logs
      last = line;
      last_print = now;
    }
    if (done) {
      const auto ms = field(progress, "finished_ms") - field(progress, "started_ms");
      std::cout << "mailing " << id << " finished in " << ms / 1000.0 << " s: " << line
                << std::endl;
      if (text_field(progress, "status") == "cancelled") return 4;
      return field(progress, "failed") == 0 ? 0 : 3;
    }
  }
}

}  // namespace corebot::cli
