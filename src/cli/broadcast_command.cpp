// `corebot broadcast`: asks a running engine to mail, through its admin API, and follows the
// mailing until it is done.
#include <boost/json.hpp>

#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/commands.hpp"
#include "net/event_loop.hpp"
#include "net/http_client.hpp"

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

std::string describe(const json::object& p) {
  std::ostringstream out;
  out << p.at("sent").as_int64() + p.at("blocked").as_int64() + p.at("failed").as_int64() << "/"
      << p.at("total").as_int64() << " done: " << p.at("sent").as_int64() << " sent, "
      << p.at("blocked").as_int64() << " blocked, " << p.at("failed").as_int64() << " failed";
  return out.str();
}

}  // namespace

int run_broadcast(const BroadcastOptions& options) {
  json::object body{{"text", options.text}};
  try {
    if (options.to == "all") {
      body["to"] = "all";
    } else {
      json::array ids;
      for (auto id : read_chat_ids(options.to)) ids.push_back(id);
      body["chat_ids"] = std::move(ids);
    }
  } catch (const std::exception& e) {
    std::cerr << "corebot broadcast: " << e.what() << "\n";
    return 2;
  }
  if (options.admin_token.empty()) {
    std::cerr << "corebot broadcast: no admin token: pass --admin-token or set "
                 "COREBOT_ADMIN_TOKEN (the engine's admin.token)\n";
    return 2;
  }
  std::string base = options.admin_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  net::Headers auth{{"authorization", "Bearer " + options.admin_token}};

  // Each exchange stops the loop when it completes; a fresh loop per exchange keeps it simple.
  auto call = [&](net::HttpClientRequest request) {
    net::EventLoop loop;
    net::HttpClient http(loop);
    return exchange(loop, http, std::move(request));
  };
  Exchange started = call({.method = "POST",
                           .url = base + "/admin/broadcast",
                           .headers = auth,
                           .body = json::serialize(body),
                           .content_type = "application/json"});
  if (started.status == 0) {
    std::cerr << "corebot broadcast: cannot reach the engine's admin API at " << base << ": "
              << started.error << " (is admin.listen set?)\n";
    return 1;
  }
  const json::object* answer = started.body.if_object();
  if (started.status != 202 || !answer) {
    std::cerr << "corebot broadcast: the engine refused (" << started.status << "): "
              << (answer && answer->contains("error") ? json::serialize(answer->at("error"))
                                                      : started.error)
              << "\n";
    return 1;
  }
  std::string id(answer->at("result").at("id").as_string());
  std::cout << "mailing " << id << " started: " << answer->at("result").at("total").as_int64()
            << " recipient(s)" << std::endl;

  std::string last;
  for (;;) {
    {
      // Poll twice a second; printing only changes keeps a log readable.
      net::EventLoop pause;
      pause.after(std::chrono::milliseconds(500), [&] { pause.stop(); });
      pause.run();
    }
    Exchange status =
        call({.method = "GET", .url = base + "/admin/broadcast/" + id, .headers = auth});
    const json::object* s = status.body.if_object();
    if (status.status != 200 || !s) {
      std::cerr << "corebot broadcast: lost the engine (" << status.status << " " << status.error
                << ")\n";
      return 1;
    }
    const json::object& progress = s->at("result").as_object();
    std::string line = describe(progress);
    if (line != last) std::cout << line << std::endl;
    last = line;
    if (progress.at("done").as_bool()) {
      auto ms = progress.at("finished_ms").as_int64() - progress.at("started_ms").as_int64();
      std::cout << "mailing " << id << " finished in " << ms / 1000.0 << " s: " << line
                << std::endl;
      return progress.at("failed").as_int64() == 0 ? 0 : 3;
    }
  }
}

}  // namespace corebot::cli
