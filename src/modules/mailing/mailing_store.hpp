// The mailing module's documents, read and written on a store worker (blocking calls on the
// module's collections; run them through ModuleStore::run).
//   mailing.mailings    one document per mailing (Mailing::to_json)
//   mailing.recipients  one per recipient: {_id: "<mailing>/<index, 9 digits>", m: <mailing>,
//                       i: <index>, chat: <chat id>, s: "p" | "sent" | "blocked" | "gone" |
//                       "failed", error?: "...", new_chat?: <id after a migration>}
// A recipient's _id is derived from its index, so a batch is read by primary key ($in) and a
// resume never scans what is already done.
#pragma once

#include <boost/json/object.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "corebot/services.hpp"
#include "corebot/store.hpp"
#include "modules/mailing/mailing.hpp"

namespace corebot::modules::mailing::store {

inline constexpr std::string_view kMailings = "mailings";
inline constexpr std::string_view kRecipients = "recipients";

[[nodiscard]] std::string recipient_id(const std::string& mailing, std::int64_t index);

// Inserts a new mailing; throws StoreError kDuplicateKey when the id is taken.
void insert(ModuleCollections& c, const Mailing& mailing);
[[nodiscard]] std::optional<Mailing> get(ModuleCollections& c, const std::string& id);
// Newest first, at most `limit`.
[[nodiscard]] std::vector<Mailing> list(ModuleCollections& c, std::int64_t limit);
// Those not final (to resume after a restart), oldest first.
[[nodiscard]] std::vector<Mailing> unfinished(ModuleCollections& c);
// $set of the given fields of the mailing document.
void set_fields(ModuleCollections& c, const std::string& id, boost::json::object fields);

// Replaces the mailing's recipients with `chats` (duplicates dropped, order kept), all pending,
// and marks the mailing running with its total. Returns the total. Idempotent: a crash half-way
// is redone from scratch (the mailing is still "preparing" until the last write).
std::int64_t fix_audience(ModuleCollections& c, const std::string& id,
                          const std::vector<std::int64_t>& chats, std::int64_t started_ms);

// The pending recipients with index in [from, to): (index, chat), ascending.
[[nodiscard]] std::vector<std::pair<std::int64_t, std::int64_t>> pending(ModuleCollections& c,
                                                                         const std::string& id,
                                                                         std::int64_t from,
                                                                         std::int64_t to);

// One recipient's stored outcome.
struct Outcome {
  std::int64_t index = 0;
  std::string state;  // kSent, kBlocked, kGone, kFailed
  std::string error;
  std::int64_t new_chat = 0;
};
// Writes the outcomes (one transaction on SQLite), then the mailing's fields.
void record(ModuleCollections& c, const std::string& id, const std::vector<Outcome>& outcomes,
            boost::json::object mailing_fields);

// The counts as the recipients say (after a crash the mailing's own may lag behind).
[[nodiscard]] Counts recount(ModuleCollections& c, const std::string& id);

// The recipients with state `state` (e.g. for a report of failures): {chat, s, error}.
[[nodiscard]] std::vector<boost::json::object> recipients_in(ModuleCollections& c,
                                                             const std::string& id,
                                                             std::string_view state,
                                                             std::int64_t limit);

}  // namespace corebot::modules::mailing::store
