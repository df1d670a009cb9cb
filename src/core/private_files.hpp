// Files that hold people's data (the SQLite store, a content link's kept copy) are the bot's
// alone: folders 0700, files 0600, whatever the process umask. A kept copy is written atomically
// and durably (written, fsynced, renamed), so a crash never leaves half a file in its place.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace corebot::core {

// Creates `dir` and its missing parents; the folders it creates get mode 0700 (folders that
// already exist keep theirs). Returns an error message, empty on success.
std::string create_private_directories(const std::filesystem::path& dir);

// Creates `file` empty with mode 0600 when it does not exist (an existing file is left as is), so
// a library that opens it later (SQLite) does not create it with the umask's mode.
std::string create_private_file(const std::filesystem::path& file);

// Replaces `file` with `bytes`: a 0600 temporary beside it, written and fsynced, then renamed over
// `file`, then the folder fsynced. Returns an error message, empty on success.
std::string write_private_file(const std::filesystem::path& file, std::string_view bytes);

}  // namespace corebot::core
