// Who a person is to the bot. Roles are ordered: each one can do everything of the ones below it.
//  - kOwner: everything, including who is admin (the username bindings) and the panel's
//    owner-only sections. From `[admin] owners` in the config, the first-run claim
//    (`/start <code>`), or `role = owner` in the Admins sheet.
//  - kAdmin: the whole panel except what only the owner may see; Context::is_admin() is true.
//  - kOperator: statistics and support (finding users) only; Context::is_admin() is false.
//  - kNone: everybody else; nothing reveals the panel to them.
#pragma once

#include <optional>
#include <string_view>

namespace corebot {

enum class Role { kNone = 0, kOperator = 1, kAdmin = 2, kOwner = 3 };

// "owner", "admin", "operator", "none".
constexpr std::string_view role_name(Role role) {
  switch (role) {
    case Role::kOwner:
      return "owner";
    case Role::kAdmin:
      return "admin";
    case Role::kOperator:
      return "operator";
    case Role::kNone:
      break;
  }
  return "none";
}

// The role a lowercase name stands for ("owner", "admin", "operator"); nullopt otherwise.
constexpr std::optional<Role> parse_role(std::string_view name) {
  if (name == "owner") return Role::kOwner;
  if (name == "admin") return Role::kAdmin;
  if (name == "operator") return Role::kOperator;
  return std::nullopt;
}

}  // namespace corebot
