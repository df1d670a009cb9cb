// `corebot check <file>`: validate a spreadsheet without running a bot.
#pragma once

#include <ostream>
#include <string>

#include "content/snapshot.hpp"

namespace corebot::content {

// Reads (a file, a CSV folder or an http(s) link; see source.hpp) and compiles it, and prints the
// report to out: one line per problem ("error: Pages!C4: ... — ..."), then a summary line ("<file>:
// 2 errors, 1 warning" or "<file>: OK, 5 pages, 2 languages, 1 admin"). A workbook `corebot new`
// wrote also gets a "note: ..." line per sheet, column or setting declared since it was written
// (format_record.hpp). Returns 0 when there are no errors, 1 otherwise.
int check_content(const std::string& path, std::ostream& out, const CompileOptions& options = {});

}  // namespace corebot::content
