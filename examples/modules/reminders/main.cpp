// corebot-reminders: the `corebot` command line with one more module. Every subcommand (run,
// demo, check, ...) sees it; the config turns it off with [modules] disabled = ["reminders"].
#include "corebot/run.hpp"
#include "reminders_module.hpp"

int main(int argc, char** argv) {
  return corebot::run(argc, argv, {reminders::reminders_factory()});
}
