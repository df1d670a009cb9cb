#include "app/sessions.hpp"

#include <boost/json.hpp>

#include "core/log.hpp"

namespace corebot::app {
namespace json = boost::json;

std::string Sessions::key(std::int64_t chat_id, std::int64_t user_id) {
  return std::to_string(chat_id) + ":" + std::to_string(user_id);
}

void Sessions::load(std::int64_t chat_id, std::int64_t user_id,
                    std::function<void(std::optional<json::object>)> done) {
  ++stats_.loads;
  std::string id = key(chat_id, user_id);
  if (primed_ && !known_.may_contain(id)) {
    ++stats_.reads_skipped;
    return done(json::object{});
  }
  read(std::move(id), kLoadAttempts, std::move(done));
}

void Sessions::prime(std::int64_t page) { prime_after({}, page); }

void Sessions::prime_after(std::string last_id, std::int64_t page) {
  store_.run(
      [last_id, page](DocumentStore& s) {
        json::object filter;
        if (!last_id.empty()) filter["_id"] = json::object{{"$gt", last_id}};
        return s.collection(kCollection)
            .find(filter, {.sort = {{"_id", 1}}, .limit = page, .projection = {{"_id", 1}}});
      },
      [this, page](StoreResult<std::vector<json::object>> r) {
        if (!r) {
          COREBOT_LOG_WARN(
              "sessions: cannot list the stored sessions ({}); every update reads "
              "its session from the store",
              r.error().what());
          return;
        }
        std::string last;
        for (const json::object& doc : r.value()) {
          const json::value* id = doc.if_contains("_id");
          if (id == nullptr || !id->is_string()) continue;
          last = std::string(id->get_string());
          known_.add(last);
        }
        if (static_cast<std::int64_t>(r.value().size()) < page) {
          primed_ = true;
          return;
        }
        if (last.empty()) return;  // a page without one string key: no cursor; stay unprimed
        prime_after(std::move(last), page);
      });
}

void Sessions::read(std::string id, int attempts_left,
                    std::function<void(std::optional<json::object>)> done) {
  if (auto it = cache_.find(id); it != cache_.end()) return done(it->second.session);
  store_.run(
      [id](DocumentStore& s) {
        return s.collection(kCollection).find_one({{"_id", id}});
      },
      [this, id, attempts_left,
       done = std::move(done)](StoreResult<std::optional<json::object>> r) mutable {
        if (!r) {
          ++stats_.failures;
          if (attempts_left > 1) return read(id, attempts_left - 1, std::move(done));
          COREBOT_LOG_ERROR(
              "sessions: cannot load {} ({} attempts): {}; the update runs with an "
              "empty session that will not be saved",
              id, kLoadAttempts, r.error().what());
          return done(std::nullopt);
        }
        // A save queued while we read wins: it is newer than what the store had.
        if (auto it = cache_.find(id); it != cache_.end()) return done(it->second.session);
        const auto& doc = r.value();
        const json::value* data = doc ? doc->if_contains("data") : nullptr;
        done(data && data->is_object() ? data->get_object() : json::object{});
      });
}

void Sessions::save(std::int64_t chat_id, std::int64_t user_id, json::object session) {
  ++stats_.saves;
  std::string id = key(chat_id, user_id);
  known_.add(id);  // before the write: a load must never skip a key the store may hold
  auto [it, fresh] = cache_.try_emplace(id);
  it->second.session = std::move(session);
  it->second.chat_id = chat_id;
  it->second.user_id = user_id;
  if (!fresh) {
    it->second.dirty = true;  // written when the write in flight is done
    return;
  }
  write(id);
}

void Sessions::write(const std::string& id) {
  const Cached& cached = cache_.at(id);
  store_.run(
      [id, chat_id = cached.chat_id, user_id = cached.user_id,
       session = cached.session](DocumentStore& s) {
        auto& sessions = s.collection(kCollection);
        if (session.empty()) {
          sessions.delete_one({{"_id", id}});
          return;
        }
        sessions.replace_one({{"_id", id}},
                             {{"_id", id}, {"chat", chat_id}, {"user", user_id}, {"data", session}},
                             {.upsert = true});
      },
      [this, id](StoreResult<std::monostate> r) {
        if (!r) {
          ++stats_.failures;
          COREBOT_LOG_ERROR("sessions: cannot save {}: {}", id, r.error().what());
        }
        auto it = cache_.find(id);
        if (it == cache_.end()) return;
        if (it->second.dirty) {
          it->second.dirty = false;
          return write(id);
        }
        cache_.erase(it);
      });
}

}  // namespace corebot::app
