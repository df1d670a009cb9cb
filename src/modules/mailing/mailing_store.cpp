#include "modules/mailing/mailing_store.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <cstdio>
#include <optional>
#include <unordered_set>

namespace corebot::modules::mailing::store {
namespace json = boost::json;

namespace {
constexpr std::size_t kInsertChunk = 1000;
}

std::string recipient_id(const std::string& mailing, std::int64_t index) {
  char digits[16];
  std::snprintf(digits, sizeof digits, "%09lld", static_cast<long long>(index));
  return mailing + "/" + digits;
}

void insert(ModuleCollections& c, const Mailing& mailing) {
  auto& recipients = c.collection(kRecipients);
  recipients.create_index({"m", false});
  c.collection(kMailings).insert_one(mailing.to_json());
}

std::optional<Mailing> get(ModuleCollections& c, const std::string& id) {
  auto doc = c.collection(kMailings).find_one({{"_id", id}});
  if (!doc) return std::nullopt;
  return Mailing::from_json(*doc);
}

std::vector<Mailing> list(ModuleCollections& c, std::int64_t limit) {
  FindOptions options;
  options.sort = {{"created_ms", -1}};
  options.limit = limit;
  std::vector<Mailing> out;
  for (const auto& doc : c.collection(kMailings).find({}, options)) {
    out.push_back(Mailing::from_json(doc));
  }
  return out;
}

std::vector<Mailing> unfinished(ModuleCollections& c) {
  FindOptions options;
  options.sort = {{"created_ms", 1}};
  std::vector<Mailing> out;
  const json::object filter{
      {"status", {{"$in", json::array{"preparing", "scheduled", "running", "paused"}}}}};
  for (const auto& doc : c.collection(kMailings).find(filter, options)) {
    out.push_back(Mailing::from_json(doc));
  }
  return out;
}

void set_fields(ModuleCollections& c, const std::string& id, json::object fields) {
  c.collection(kMailings).update_one({{"_id", id}}, {{"$set", std::move(fields)}});
}

std::int64_t fix_audience(ModuleCollections& c, const std::string& id,
                          const std::vector<std::int64_t>& chats, std::int64_t started_ms) {
  auto& recipients = c.collection(kRecipients);
  recipients.delete_many({{"m", id}});
  // Audiences from the users collection come ascending (Users::select_ids): their duplicates are
  // neighbours, so no set of every recipient is built (~40 bytes each: 40 MB for a million
  // users, docs/benchmarks.md). A list given by the caller keeps its order and its duplicates are
  // found with a set (such lists are bounded: the admin API takes 2 MiB, ~200,000 ids, so the set
  // stays under ~8 MB).
  const bool ascending = std::is_sorted(chats.begin(), chats.end());
  std::unordered_set<std::int64_t> seen;
  std::optional<std::int64_t> previous;
  std::vector<json::object> chunk;
  std::int64_t index = 0;
  for (auto chat : chats) {
    if (ascending) {
      if (previous == chat) continue;
      previous = chat;
    } else if (!seen.insert(chat).second) {
      continue;
    }
    chunk.push_back(json::object{{"_id", recipient_id(id, index)},
                                 {"m", id},
                                 {"i", index},
                                 {"chat", chat},
                                 {"s", kPending}});
    ++index;
    if (chunk.size() == kInsertChunk) {
      recipients.insert_many(std::move(chunk));
      chunk.clear();
    }
  }
  if (!chunk.empty()) recipients.insert_many(std::move(chunk));
  set_fields(c, id,
             {{"status", to_string(Status::kRunning)},
              {"total", index},
              {"started_ms", started_ms},
              {"cursor", 0},
              {"sent", 0},
              {"blocked", 0},
              {"failed", 0},
              {"left", index}});
  return index;
}

std::vector<std::pair<std::int64_t, std::int64_t>> pending(ModuleCollections& c,
                                                           const std::string& id, std::int64_t from,
                                                           std::int64_t to) {
  json::array keys;
  for (std::int64_t i = from; i < to; ++i) keys.push_back(json::value(recipient_id(id, i)));
  FindOptions options;
  options.sort = {{"i", 1}};
  std::vector<std::pair<std::int64_t, std::int64_t>> out;
  for (const auto& doc :
       c.collection(kRecipients)
           .find({{"_id", {{"$in", std::move(keys)}}}, {"s", kPending}}, options)) {
    out.emplace_back(doc.at("i").to_number<std::int64_t>(),
                     doc.at("chat").to_number<std::int64_t>());
  }
  return out;
}

void record(ModuleCollections& c, const std::string& id, const std::vector<Outcome>& outcomes,
            json::object mailing_fields) {
  if (!outcomes.empty()) {
    std::vector<UpdateSpec> specs;
    specs.reserve(outcomes.size());
    for (const auto& o : outcomes) {
      json::object set{{"s", o.state}};
      if (!o.error.empty()) set["error"] = o.error;
      if (o.new_chat != 0) set["new_chat"] = o.new_chat;
      specs.push_back({{{"_id", recipient_id(id, o.index)}}, {{"$set", std::move(set)}}, false});
    }
    c.collection(kRecipients).update_each(specs);
  }
  if (!mailing_fields.empty()) set_fields(c, id, std::move(mailing_fields));
}

Counts recount(ModuleCollections& c, const std::string& id) {
  auto& recipients = c.collection(kRecipients);
  Counts counts;
  counts.sent = recipients.count({{"m", id}, {"s", kSent}});
  counts.blocked = recipients.count({{"m", id}, {"s", {{"$in", json::array{kBlocked, kGone}}}}});
  counts.failed = recipients.count({{"m", id}, {"s", kFailed}});
  return counts;
}

std::vector<json::object> recipients_in(ModuleCollections& c, const std::string& id,
                                        std::string_view state, std::int64_t limit) {
  FindOptions options;
  options.sort = {{"i", 1}};
  options.limit = limit;
  options.projection = {{"_id", 0}, {"chat", 1}, {"s", 1}, {"error", 1}};
  return c.collection(kRecipients).find({{"m", id}, {"s", state}}, options);
}

}  // namespace corebot::modules::mailing::store
