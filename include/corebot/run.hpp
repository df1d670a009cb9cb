// The `corebot` command line as a library call, so a third party builds their own binary with
// extra C++ modules without forking the engine:
//
//   #include "corebot/run.hpp"
//   int main(int argc, char** argv) {
//     return corebot::run(argc, argv, {{"quiz", [] { return std::make_unique<Quiz>(); }}});
//   }
//
// and links the CMake target `corebot::engine`. The extra modules join the built-in ones (a name
// clash is an error at start); every subcommand (run, demo, check, ...) sees them.
#pragma once

#include <vector>

#include "corebot/module_factory.hpp"

namespace corebot {

// Parses argv like the `corebot` binary and runs the subcommand; returns the exit code.
int run(int argc, char** argv, std::vector<ModuleFactory> extra_modules = {});

}  // namespace corebot
