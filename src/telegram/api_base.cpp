#include "telegram/api_base.hpp"

namespace corebot::telegram::api {

ParseError::ParseError(std::string type, std::string field, const std::string& problem)
    : std::runtime_error(type + (field.empty() ? std::string() : "." + field) + ": " + problem),
      type_(std::move(type)),
      field_(std::move(field)) {}

std::string Attachments::add(const InputFile& file) {
  std::string name = "file" + std::to_string(next_++);
  files_.emplace_back(name, file);
  return name;
}

void Attachments::add_named(std::string field, const InputFile& file) {
  files_.emplace_back(std::move(field), file);
}

}  // namespace corebot::telegram::api
