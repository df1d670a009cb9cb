#include <fstream>
#include <stdexcept>
#include <string>

#include "cli/commands.hpp"

namespace corebot::cli {

std::string read_secret_file(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  if (!in || !std::getline(in, line)) {
    throw std::runtime_error("cannot read a secret from " + path +
                             ": the file is missing, unreadable or empty");
  }
  const auto first = line.find_first_not_of(" \t\r");
  const auto last = line.find_last_not_of(" \t\r");
  if (first == std::string::npos) throw std::runtime_error(path + ": the first line is empty");
  return line.substr(first, last - first + 1);
}

}  // namespace corebot::cli
