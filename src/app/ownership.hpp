// The bot's owner in the store, and the first-run code that claims it. Blocking (a store worker
// or the `corebot owner-code` command); shared by the engine (AdminState) and the CLI so both read
// and write the same documents.
//
// Collection `engine.admin`:
//   {_id: "owner", user_id, claimed_at: <ms>}   the owner who claimed the bot with the code
//   {_id: "owner_code", code, created_at: <ms>} the one-time code; deleted when claimed
//   {_id: "maintenance", on: bool, changed_at: <ms>, by: <user id>}
// The store file is the bot's alone (0600, see docs/security.md), so the code is as private as
// the data it guards.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "corebot/store.hpp"

namespace corebot::app {

inline constexpr std::string_view kAdminCollection = "engine.admin";

// The owner who claimed the bot; nullopt when nobody did.
std::optional<std::int64_t> stored_owner(DocumentStore& store);

// The current one-time code, made (16 random hex characters, from /dev/urandom) and stored when
// there is none. Two processes asking at once get the same code.
std::string ensure_owner_code(DocumentStore& store, std::int64_t now_ms);

// Makes `user_id` the owner when `code` is the stored code and nobody owns the bot yet; the code
// is deleted. False for a wrong code or an owner already there.
bool claim_owner(DocumentStore& store, std::int64_t user_id, std::string_view code,
                 std::int64_t now_ms);

}  // namespace corebot::app
