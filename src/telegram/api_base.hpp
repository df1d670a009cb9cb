// Vocabulary shared by the generated Bot API types and methods (types.hpp, methods.hpp, generated
// by tools/gen_telegram_api.py): the parse error, chat ids, files to upload.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace corebot::telegram::api {

// A JSON value did not match the spec: a required field is missing or has the wrong type.
// what() reads "Message.chat: missing required field".
class ParseError : public std::runtime_error {
 public:
  ParseError(std::string type, std::string field, const std::string& problem);
  [[nodiscard]] const std::string& type() const { return type_; }
  [[nodiscard]] const std::string& field() const { return field_; }

 private:
  std::string type_;
  std::string field_;
};

// "Integer or String" in the spec: a chat id or "@channelusername".
using IntegerOrString = std::variant<std::int64_t, std::string>;

// A file to upload (the spec's InputFile). Sent as a multipart part.
struct InputFile {
  static constexpr std::string_view kName = "InputFile";
  std::string filename;
  std::string content_type;  // empty: application/octet-stream
  std::string data;
};

// "InputFile or String": a file_id or URL (string), or a new upload.
using InputFileOrString = std::variant<std::string, InputFile>;

// Files met while serialising a request. A file nested in a JSON parameter (InputMedia.media)
// becomes "attach://<name>" in the JSON and a part named <name>.
class Attachments {
 public:
  // Adds a nested file and returns its part name ("file0", "file1", ...).
  std::string add(const InputFile& file);
  // Adds a file sent as the top-level parameter `field`.
  void add_named(std::string field, const InputFile& file);
  [[nodiscard]] const std::vector<std::pair<std::string, InputFile>>& files() const {
    return files_;
  }
  std::vector<std::pair<std::string, InputFile>> release() { return std::move(files_); }

 private:
  std::vector<std::pair<std::string, InputFile>> files_;
  int next_ = 0;
};

}  // namespace corebot::telegram::api
