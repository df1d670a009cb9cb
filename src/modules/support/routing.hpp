// The support desk's pure parts: what an operators' group message is and whom it is for, the
// conversation record as stored, and the customer's card. No I/O, so the safety rule (an
// operator's message goes only to the customer its topic or replied message names, never to "the
// last customer") is tested here without an engine (routing_test.cpp).
#pragma once

#include <boost/json/object.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "corebot/users.hpp"

namespace corebot::modules::support {

// What a message in the operators' group asks for, from the message alone.
struct GroupRoute {
  enum class Via {
    kNone,   // neither in a topic nor a reply: for no customer
    kTopic,  // in a forum topic: `key` is its message_thread_id
    kReply,  // a reply in a plain group: `key` is the id of the message replied to
  };
  Via via = Via::kNone;
  std::int64_t key = 0;
  bool close = false;  // the /close command
  bool relay = false;  // content to copy to the customer (not a command, not a service message)
};

// `command` is Context::command() ("" when the message is no command).
[[nodiscard]] GroupRoute route_group_message(const boost::json::object& message,
                                             std::string_view command);

// Whether a message carries something copyMessage can copy (text or media, not a service
// message such as forum_topic_created or pinned_message).
[[nodiscard]] bool copyable(const boost::json::object& message);
// Whether a message's content can take a caption (photo, document, voice, video, audio,
// animation).
[[nodiscard]] bool takes_caption(const boost::json::object& message);

// The id of the record that maps a message in a plain group to its customer.
[[nodiscard]] std::string link_id(std::int64_t group_id, std::int64_t message_id);

// One customer's conversation, as stored in "support.conversations" (`_id`: the user id as text).
struct Conversation {
  std::int64_t user_id = 0;
  bool open = false;
  std::int64_t group_id = 0;  // where it is (the group may change in the settings)
  std::int64_t topic_id = 0;  // its forum topic; 0 in a plain group or before one exists
  std::int64_t seq = 0;       // the customer's conversation number: 1, 2, ... (ratings name it)
  std::string name;           // the customer's name when it started
  std::int64_t opened_ms = 0;
  std::int64_t closed_ms = 0;
};
[[nodiscard]] boost::json::object to_json(const Conversation& c);
[[nodiscard]] Conversation conversation_from(const boost::json::object& doc);

// "Ann Smith" (first and last name), else "@ann", else "id 42".
[[nodiscard]] std::string display_name(const UserRecord& user);
// The topic's name: the display name and the @username, cut to Telegram's 128 characters.
[[nodiscard]] std::string topic_name(const UserRecord& user);
// The customer card for the operators, in `language`.
[[nodiscard]] std::string card_text(const UserRecord& user, std::string_view language);
// `text` cut to at most `limit` UTF-16 units (Telegram's count), on a character boundary.
[[nodiscard]] std::string cut(std::string_view text, std::size_t limit);

}  // namespace corebot::modules::support
