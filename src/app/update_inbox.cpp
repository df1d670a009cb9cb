#include "app/update_inbox.hpp"

#include <boost/json.hpp>

#include <string>
#include <utility>

#include "core/log.hpp"

namespace corebot::app {
namespace json = boost::json;

void StoreUpdateInbox::park(std::vector<json::value> updates, std::function<void(bool)> done) {
  std::vector<json::object> docs;
  const std::int64_t now_ms = core::wall_millis(clock_);
  for (json::value& update : updates) {
    const json::object* o = update.if_object();
    const json::value* id = o != nullptr ? o->if_contains("update_id") : nullptr;
    // An update without a usable id cannot be parked under it; it is confirmed like its batch
    // (the poller would otherwise fetch it forever) and handled only if it finishes.
    if (id == nullptr || !id->is_int64()) continue;
    docs.push_back(json::object{{"_id", std::to_string(id->get_int64())},
                                {"update_id", id->get_int64()},
                                {"update", std::move(update)},
                                {"parked_ms", now_ms}});
  }
  store_.run(
      [docs = std::move(docs)](DocumentStore& s) mutable {
        auto& inbox = s.collection(kCollection);
        // Replace, not insert: a re-delivered update may have been parked by an earlier run.
        for (json::object& doc : docs) {
          const json::object filter{{"_id", doc.at("_id")}};
          inbox.replace_one(filter, std::move(doc), {.upsert = true});
        }
      },
      [done = std::move(done)](StoreResult<std::monostate> r) {
        if (!r.ok()) COREBOT_LOG_ERROR("inbox: cannot park updates: {}", r.error().what());
        done(r.ok());
      });
}

void StoreUpdateInbox::unpark(std::int64_t update_id) {
  store_.run(
      [update_id](DocumentStore& s) {
        s.collection(kCollection).delete_one({{"_id", std::to_string(update_id)}});
      },
      [update_id](StoreResult<std::monostate> r) {
        // Left in the inbox, the update is handled once more at the next start.
        if (!r.ok()) {
          COREBOT_LOG_WARN("inbox: cannot remove handled update {}: {}", update_id,
                           r.error().what());
        }
      });
}

void StoreUpdateInbox::load(std::function<void(std::vector<json::value>)> done) {
  store_.run(
      [](DocumentStore& s) {
        FindOptions options;
        options.sort = {{"update_id", 1}};
        return s.collection(kCollection).find({}, options);
      },
      [done = std::move(done)](StoreResult<std::vector<json::object>> r) {
        std::vector<json::value> updates;
        if (!r.ok()) {
          COREBOT_LOG_ERROR("inbox: cannot read parked updates (they stay for the next start): {}",
                            r.error().what());
        } else {
          for (json::object& doc : r.value()) {
            if (json::value* u = doc.if_contains("update")) updates.push_back(std::move(*u));
          }
          if (!updates.empty()) {
            COREBOT_LOG_INFO("inbox: handing over {} update(s) parked by the last run",
                             updates.size());
          }
        }
        done(std::move(updates));
      });
}

}  // namespace corebot::app
