// The structured target: random bytes rarely parse as JSON, let alone as an update a module acts
// on, so here the input is a script. Each step takes a byte to choose what happens next: a user
// (the owner, an operator, an admin listed by @username, two customers, one speaking Russian)
// sends a command, a text, a contact, a photo...; presses a button the bot really sent (its
// callback data kept as is or mutated); pays an invoice the bot issued; Telegram redelivers the
// last update; the clock moves (timers, jobs, reservations run); the Bot API starts failing. An
// update may also have a field removed or replaced by a value of another type. Every update is
// posted through the webhook as JSON, so the real body path runs each time.
#include <boost/json.hpp>

#include <array>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "fuzz/fuzz_bot.hpp"

namespace corebot::fuzz {
namespace json = boost::json;

namespace {

// Reads the input front to back; past its end every read gives zeros / empty strings.
class Reader {
 public:
  Reader(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}
  [[nodiscard]] bool done() const { return pos_ >= size_; }
  std::uint8_t byte() { return pos_ < size_ ? data_[pos_++] : 0; }
  // 0 .. n-1
  std::size_t pick(std::size_t n) { return n == 0 ? 0 : byte() % n; }
  std::int64_t number() {
    std::uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v = (v << 8) | byte();
    return static_cast<std::int64_t>(v);
  }
  // A length byte, then that many bytes (at most what is left).
  std::string text() {
    std::size_t n = byte();
    if (n == 255) n = 255 + byte() * 16;  // now and then a long one
    n = std::min(n, size_ - std::min(pos_, size_));
    std::string s(reinterpret_cast<const char*>(data_ + std::min(pos_, size_)), n);
    pos_ += n;
    return s;
  }

 private:
  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t pos_ = 0;
};

struct User {
  std::int64_t id;
  const char* first_name;
  const char* username;
  const char* language;
};

constexpr std::array<User, 5> kUsers{{{1009, "Olga", "fuzz_owner", "en"},
                                      {1010, "Oleg", "fuzz_operator", "ru"},
                                      {2001, "Ada", "fuzz_admin", "en"},
                                      {2002, "Борис", "", "ru"},
                                      {2003, "Chen", "chen", "pt"}}};
constexpr std::int64_t kSupportGroup = -1001000000777;
constexpr std::int64_t kOtherGroup = -1001000000888;

constexpr std::array<std::string_view, 24> kTexts{"/start",
                                                  "/start form_request",
                                                  "/shop",
                                                  "/admin",
                                                  "/reload",
                                                  "/cancel",
                                                  "/language",
                                                  "/support",
                                                  "/close",
                                                  "/support_here",
                                                  "/mailing",
                                                  "/menu",
                                                  "/help",
                                                  "/start@fuzz_bot",
                                                  "Back",
                                                  "« Back",
                                                  "Skip",
                                                  "Cancel",
                                                  "+351 210 000 000",
                                                  "ann@example.com",
                                                  "2025-06-14",
                                                  "14.06.2025",
                                                  "Portrait",
                                                  "hello"};

json::object user_json(const User& u) {
  json::object o{{"id", u.id}, {"is_bot", false}, {"first_name", u.first_name}};
  if (*u.username) o["username"] = u.username;
  o["language_code"] = u.language;
  return o;
}

json::object chat_json(std::int64_t chat, const User& u) {
  if (chat > 0) return {{"id", chat}, {"type", "private"}, {"first_name", u.first_name}};
  return {{"id", chat}, {"type", "supergroup"}, {"title", "Operators"}, {"is_forum", true}};
}

class Script {
 public:
  Script(Reader& in, FuzzBot& bot) : in_(in), bot_(bot) {}

  void run() {
    for (int step = 0; step < 48 && !in_.done(); ++step) this->step();
  }

 private:
  void step() {
    const User& u = kUsers[in_.pick(kUsers.size())];
    switch (in_.pick(18)) {
      case 0:
      case 1: {
        const std::int64_t chat = private_or_group(u);
        return send(message(u, chat, {{"text", std::string(kTexts[in_.pick(kTexts.size())])}}));
      }
      case 2: {
        const std::int64_t chat = private_or_group(u);
        return send(message(u, chat, {{"text", in_.text()}}));
      }
      case 3:
      case 4:
        return press_button(u);
      case 5:
        return press_keyboard(u);
      case 6:
        return send(
            message(u, u.id,
                    {{"contact",
                      {{"phone_number", in_.pick(2) ? std::string("+351210000000") : in_.text()},
                       {"first_name", u.first_name},
                       {"user_id", in_.pick(3) ? u.id : in_.number()}}}}));
      case 7:
        return send(media(u));
      case 8:
        return pay(u);
      case 9:
        return member(u);
      case 10: {
        const std::int64_t chat = private_or_group(u);
        json::object m = message(u, chat, {{"text", in_.text()}});
        json::object update{{"update_id", ++update_id_}, {"edited_message", m["message"]}};
        return post(json::serialize(update));
      }
      case 11:
        return other_kind(u);
      case 12:
        return group_message(u);
      case 13:
        return bot_.advance(std::chrono::seconds(in_.byte() * in_.byte() + 1));
      case 14:
        return bot_.set_api_mode(static_cast<ApiMode>(in_.pick(4)));
      case 15:
        return post(in_.text());
      case 16:
        if (!last_.empty()) return post(last_);  // Telegram delivers an update again
        return;
      default: {
        const std::int64_t chat = private_or_group(u);
        json::object m = message(u, chat, {{"text", std::string(kTexts[in_.pick(kTexts.size())])}});
        mutate(m);
        return post(json::serialize(m));
      }
    }
  }

  std::int64_t private_or_group(const User& u) {
    return in_.pick(8) == 0 ? (in_.pick(2) ? kSupportGroup : kOtherGroup) : u.id;
  }

  // {"update_id", "message": {...}} with `fields` added to the message.
  json::object message(const User& u, std::int64_t chat, json::object fields) {
    json::object m{{"message_id", ++message_id_},
                   {"from", user_json(u)},
                   {"chat", chat_json(chat, u)},
                   {"date", 1767225600 + message_id_}};
    if (const auto* text = fields.if_contains("text"); text && text->is_string()) {
      const std::string_view t = text->get_string();
      if (!t.empty() && t.front() == '/') {
        const auto end = t.find(' ');
        m["entities"] = json::array{{{"offset", 0},
                                     {"length", end == std::string_view::npos ? t.size() : end},
                                     {"type", "bot_command"}}};
      }
    }
    for (auto& [k, v] : fields) m[k] = v;
    return {{"update_id", ++update_id_}, {"message", std::move(m)}};
  }

  void send(const json::object& update) {
    if (in_.pick(16) == 0) {
      json::object copy = update;
      mutate(copy);
      return post(json::serialize(copy));
    }
    post(json::serialize(update));
  }

  void post(std::string body) {
    last_ = body;
    bot_.post(body);
  }

  // (Every read of the input is sequenced: a seed means the same with g++ and clang.)

  // Presses an inline button the bot sent (the latest ones more often), its data kept or mutated.
  void press_button(const User& u) {
    struct Button {
      std::int64_t chat;
      std::string data;
    };
    std::vector<Button> buttons;
    const auto& sent = bot_.sent();
    for (std::size_t i = sent.size(); i-- > 0 && buttons.size() < 64;) {
      const auto* markup = sent[i].params.if_contains("reply_markup");
      const auto* chat = sent[i].params.if_contains("chat_id");
      if (!markup || !markup->is_object() || !chat || !chat->is_int64()) continue;
      const auto* rows = markup->get_object().if_contains("inline_keyboard");
      if (!rows || !rows->is_array()) continue;
      for (const auto& row : rows->get_array()) {
        for (const auto& b : row.as_array()) {
          if (const auto* d = b.as_object().if_contains("callback_data")) {
            buttons.push_back({chat->as_int64(), std::string(d->as_string())});
          }
        }
      }
    }
    std::string data;
    std::int64_t chat = u.id;
    if (!buttons.empty()) {
      const Button& b = buttons[in_.pick(buttons.size())];
      data = b.data;
      chat = b.chat;
    }
    switch (in_.pick(8)) {
      case 0:
        data += in_.text();
        break;
      case 1:
        data = data.substr(0, in_.pick(data.size() + 1));
        break;
      case 2:
        data = in_.text();
        break;
      default:
        break;
    }
    const User* from = &u;
    for (const User& k : kUsers) {
      if (k.id == chat && in_.pick(4) != 0) from = &k;  // mostly the one it was sent to
    }
    json::object query{{"id", "cq" + std::to_string(++update_id_)},
                       {"from", user_json(*from)},
                       {"chat_instance", "42"},
                       {"data", data},
                       {"message",
                        {{"message_id", in_.pick(4) ? message_id_ : in_.number()},
                         {"chat", chat_json(chat, *from)},
                         {"date", 1767225600},
                         {"text", "x"}}}};
    send({{"update_id", update_id_}, {"callback_query", std::move(query)}});
  }

  // Presses a reply-keyboard button: its text, or the contact it asks for.
  void press_keyboard(const User& u) {
    std::vector<std::pair<std::string, bool>> keys;  // (text, request_contact)
    const auto& sent = bot_.sent();
    for (std::size_t i = sent.size(); i-- > 0 && keys.size() < 32;) {
      const auto* markup = sent[i].params.if_contains("reply_markup");
      if (!markup || !markup->is_object()) continue;
      const auto* rows = markup->get_object().if_contains("keyboard");
      if (!rows || !rows->is_array()) continue;
      for (const auto& row : rows->get_array()) {
        for (const auto& b : row.as_array()) {
          if (b.is_string()) keys.emplace_back(std::string(b.get_string()), false);
          if (const auto* o = b.if_object()) {
            const auto* t = o->if_contains("text");
            keys.emplace_back(t && t->is_string() ? std::string(t->get_string()) : "",
                              o->contains("request_contact"));
          }
        }
      }
    }
    if (keys.empty()) return send(message(u, u.id, {{"text", "Cancel"}}));
    const auto& [text, contact] = keys[in_.pick(keys.size())];
    if (contact) {
      return send(message(u, u.id,
                          {{"contact",
                            {{"phone_number", "+351210000000"},
                             {"first_name", u.first_name},
                             {"user_id", u.id}}}}));
    }
    send(message(u, u.id, {{"text", text}}));
  }

  json::object media(const User& u) {
    const std::int64_t chat = private_or_group(u);
    json::object file{{"file_id", "f" + std::to_string(message_id_)},
                      {"file_unique_id", "u"},
                      {"file_size", 1000}};
    switch (in_.pick(7)) {
      case 0: {
        json::object small = file;
        small["width"] = 90;
        small["height"] = 90;
        json::object fields{{"photo", json::array{small, file}}};
        if (in_.pick(2)) fields["caption"] = in_.text();
        return message(u, chat, std::move(fields));
      }
      case 1:
        file["file_name"] = in_.text();
        return message(u, chat, {{"document", file}});
      case 2:
        return message(u, chat, {{"location", {{"latitude", 38.7}, {"longitude", -9.1}}}});
      case 3:
        return message(u, chat, {{"sticker", file}});
      case 4:
        file["duration"] = 3;
        return message(u, chat, {{"voice", file}});
      case 5:
        return message(u, chat, {{"video", file}, {"caption", in_.text()}});
      default:
        return message(
            u, chat,
            {{"text", in_.text()},
             {"reply_to_message", {{"message_id", 1}, {"date", 0}, {"chat", chat_json(chat, u)}}}});
    }
  }

  // A pre-checkout query or a successful payment for an invoice the bot sent (or a made-up one).
  void pay(const User& u) {
    std::vector<std::pair<std::string, std::string>> invoices;  // (payload, currency)
    for (const auto& call : bot_.sent()) {
      if (call.method != "sendInvoice") continue;
      const auto* p = call.params.if_contains("payload");
      const auto* c = call.params.if_contains("currency");
      invoices.emplace_back(p && p->is_string() ? std::string(p->get_string()) : "",
                            c && c->is_string() ? std::string(c->get_string()) : "EUR");
    }
    std::string payload = "order:" + std::to_string(in_.pick(4));
    std::string currency = in_.pick(2) ? "EUR" : "XTR";
    if (!invoices.empty() && in_.pick(4) != 0) {
      std::tie(payload, currency) = invoices[in_.pick(invoices.size())];
    }
    if (in_.pick(8) == 0) payload = in_.text();
    const std::int64_t amount = in_.pick(4) ? 1100 : in_.number();
    if (in_.pick(2)) {
      json::object q{{"id", "pcq" + std::to_string(update_id_)},
                     {"from", user_json(u)},
                     {"currency", currency},
                     {"total_amount", amount},
                     {"invoice_payload", payload}};
      return send({{"update_id", ++update_id_}, {"pre_checkout_query", std::move(q)}});
    }
    send(message(u, u.id,
                 {{"successful_payment",
                   {{"currency", currency},
                    {"total_amount", amount},
                    {"invoice_payload", payload},
                    {"telegram_payment_charge_id", "tg" + std::to_string(update_id_)},
                    {"provider_payment_charge_id", "pp"}}}}));
  }

  void member(const User& u) {
    static constexpr std::array<std::string_view, 4> kStatus{"member", "kicked", "left",
                                                             "administrator"};
    const std::int64_t chat = in_.pick(2) ? u.id : kSupportGroup;
    json::object change{
        {"chat", chat_json(chat, u)},
        {"from", user_json(u)},
        {"date", 1767225600},
        {"old_chat_member",
         {{"status", "member"}, {"user", {{"id", 1}, {"is_bot", true}, {"first_name", "Bot"}}}}},
        {"new_chat_member",
         {{"status", kStatus[in_.pick(kStatus.size())]},
          {"user", {{"id", 1}, {"is_bot", true}, {"first_name", "Bot"}}}}}};
    send({{"update_id", ++update_id_}, {"my_chat_member", std::move(change)}});
  }

  void other_kind(const User& u) {
    json::object update{{"update_id", ++update_id_}};
    switch (in_.pick(4)) {
      case 0:
        update["inline_query"] = {
            {"id", "iq"}, {"from", user_json(u)}, {"query", in_.text()}, {"offset", ""}};
        break;
      case 1:
        update["chat_join_request"] = {{"chat", chat_json(kOtherGroup, u)},
                                       {"from", user_json(u)},
                                       {"user_chat_id", u.id},
                                       {"date", 1767225600}};
        break;
      case 2:
        update["channel_post"] = {{"message_id", ++message_id_},
                                  {"chat", {{"id", -100999}, {"type", "channel"}, {"title", "c"}}},
                                  {"date", 1767225600},
                                  {"text", in_.text()}};
        break;
      default:
        update["poll_answer"] = {
            {"poll_id", "p"}, {"user", user_json(u)}, {"option_ids", json::array{0}}};
        break;
    }
    send(update);
  }

  // An operator writes in the support group, in a topic the bot opened (or another one).
  void group_message(const User& u) {
    std::vector<std::int64_t> threads;
    for (const auto& call : bot_.sent()) {
      if (const auto* t = call.params.if_contains("message_thread_id"); t && t->is_int64()) {
        threads.push_back(t->as_int64());
      }
    }
    json::object fields{
        {"text", in_.pick(3) ? in_.text() : std::string(kTexts[in_.pick(kTexts.size())])}};
    const std::int64_t thread = threads.empty() || in_.pick(5) == 0
                                    ? in_.number() % 1000
                                    : threads[in_.pick(threads.size())];
    fields["message_thread_id"] = thread;
    fields["is_topic_message"] = true;
    if (in_.pick(2)) {
      fields["reply_to_message"] = {{"message_id", in_.pick(2) ? message_id_ - 1 : thread},
                                    {"date", 1767225600},
                                    {"chat", chat_json(kSupportGroup, u)},
                                    {"text", "x"}};
    }
    send(message(u, kSupportGroup, std::move(fields)));
  }

  // Removes a field somewhere in the update, or gives it a value of another type.
  void mutate(json::object& update) {
    json::value* at = nullptr;
    json::object* parent = &update;
    for (int depth = 0; depth < 4 && parent && !parent->empty(); ++depth) {
      auto it = parent->begin() + static_cast<std::ptrdiff_t>(in_.pick(parent->size()));
      if (in_.pick(3) == 0) {
        if (in_.pick(2)) {
          parent->erase(it);
          return;
        }
        at = &it->value();
        break;
      }
      at = &it->value();
      parent = at->if_object();
    }
    if (!at) return;
    switch (in_.pick(8)) {
      case 0:
        *at = nullptr;
        break;
      case 1:
        *at = in_.number();
        break;
      case 2:
        *at = in_.text();
        break;
      case 3:
        *at = json::array{in_.number()};
        break;
      case 4:
        *at = json::object{};
        break;
      case 5:
        *at = static_cast<double>(in_.number()) / 3.0;
        break;
      case 6:
        *at = std::uint64_t{18446744073709551615u};
        break;
      default:
        *at = in_.pick(2) == 0;
        break;
    }
  }

  Reader& in_;
  FuzzBot& bot_;
  std::int64_t update_id_ = 1000;
  std::int64_t message_id_ = 1;
  std::string last_;
};

}  // namespace

int updates_one(const std::uint8_t* data, std::size_t size) {
  Reader in(data, size);
  FuzzBot bot;
  Script(in, bot).run();
  bot.advance(std::chrono::hours(2));  // what the steps left due: reservations, jobs
  return 0;
}

}  // namespace corebot::fuzz
