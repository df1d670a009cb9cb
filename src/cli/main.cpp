// The `corebot` binary: the engine with its built-in modules (a third party's binary calls
// corebot::run with modules of its own).
#include "corebot/run.hpp"

int main(int argc, char** argv) { return corebot::run(argc, argv); }
