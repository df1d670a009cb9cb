#include "sandbox/user_media.hpp"

#include <cstdint>

namespace corebot::sandbox {
namespace json = boost::json;

namespace {

// Telegram's limit for files bots receive through the Bot API is 20 MB; uploads here are for
// tests and the web chat, so a smaller bound keeps the sandbox's memory predictable.
constexpr std::size_t kMaxUploadBytes = 20 * 1024 * 1024;

std::string member(const json::object& o, std::string_view name) {
  const json::value* v = o.if_contains(name);
  return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
}

int sextet(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

const char* default_mime(std::string_view kind) {
  if (kind == "photo") return "image/jpeg";
  if (kind == "voice") return "audio/ogg";
  return "application/octet-stream";
}

}  // namespace

std::optional<std::string> decode_base64(std::string_view text) {
  while (!text.empty() && text.back() == '=') text.remove_suffix(1);
  if (text.size() % 4 == 1) return std::nullopt;
  std::string out;
  out.reserve(text.size() * 3 / 4);
  std::uint32_t bits = 0;
  int count = 0;
  for (char c : text) {
    const int v = sextet(c);
    if (v < 0) return std::nullopt;
    bits = (bits << 6) | static_cast<std::uint32_t>(v);
    if (++count == 4) {
      out += static_cast<char>((bits >> 16) & 0xFF);
      out += static_cast<char>((bits >> 8) & 0xFF);
      out += static_cast<char>(bits & 0xFF);
      bits = 0;
      count = 0;
    }
  }
  if (count == 2) out += static_cast<char>((bits >> 4) & 0xFF);
  if (count == 3) {
    out += static_cast<char>((bits >> 10) & 0xFF);
    out += static_cast<char>((bits >> 2) & 0xFF);
  }
  return out;
}

std::variant<std::optional<std::string>, ApiError> attach_user_media(Bot& bot,
                                                                     const json::object& request,
                                                                     Message& message) {
  for (std::string_view kind : kUserMediaKinds) {
    const json::value* v = request.if_contains(kind);
    if (v == nullptr) continue;
    const std::string name(kind);
    if (!v->is_object())
      return bad_request(name + " must be an object like {\"data\":\"<base64>\"}");
    const json::object& media = v->get_object();
    auto data = decode_base64(member(media, "data"));
    if (!data) return bad_request(name + ".data must be base64");
    if (data->empty()) return bad_request(name + ".data is empty: the file needs some bytes");
    if (data->size() > kMaxUploadBytes) return bad_request(name + " is larger than 20 MB");
    std::string mime = member(media, "mime_type");
    if (mime.empty()) mime = default_mime(kind);
    const StoredFile& file =
        bot.store_file(name, UploadedFile{member(media, "file_name"), mime, std::move(*data)});
    const auto size = static_cast<std::uint64_t>(file.data->size());
    json::object fields{
        {"file_id", file.file_id}, {"file_unique_id", file.file_unique_id}, {"file_size", size}};
    if (kind == "photo") {
      // Telegram sends several sizes, smallest first; one is enough to use the photo.
      fields["width"] = 800;
      fields["height"] = 600;
      message.content["photo"] = json::array{std::move(fields)};
      message.photo_file_id = file.file_id;
    } else if (kind == "voice") {
      const json::value* duration = media.if_contains("duration");
      fields["duration"] = duration != nullptr && duration->is_int64() ? duration->get_int64() : 1;
      fields["mime_type"] = file.mime_type;
      message.content["voice"] = std::move(fields);
    } else {
      fields["mime_type"] = file.mime_type;
      if (!file.file_name.empty()) fields["file_name"] = file.file_name;
      message.content["document"] = std::move(fields);
      message.document_file_id = file.file_id;
    }
    return std::optional<std::string>(file.file_id);
  }
  return std::optional<std::string>();
}

}  // namespace corebot::sandbox
