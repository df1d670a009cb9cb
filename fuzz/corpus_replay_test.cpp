// Replays the seed corpus (fuzz/corpus/) through both fuzz targets' entry points, in the normal
// build: the targets keep compiling with g++ and every seed still runs to the end without a
// finding (a finding aborts the test). Fast: one small bot per seed.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "fuzz/fuzz_bot.hpp"

namespace {

std::vector<std::filesystem::path> seeds(const char* folder) {
  std::vector<std::filesystem::path> files;
  for (const auto& e :
       std::filesystem::directory_iterator(std::filesystem::path(COREBOT_FUZZ_CORPUS) / folder)) {
    if (e.is_regular_file()) files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::string bytes_of(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

// Runs every seed of `folder` through a target's entry point (a finding aborts the test).
void replay(const char* folder, std::size_t at_least,
            int (*target)(const std::uint8_t* data, std::size_t size)) {
  const auto files = seeds(folder);
  ASSERT_GE(files.size(), at_least);
  for (const auto& file : files) {
    SCOPED_TRACE(file.string());
    const std::string bytes = bytes_of(file);
    target(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
  }
}

TEST(FuzzCorpus, EveryWebhookSeedRunsWithoutAFinding) {
  replay("webhook", 10, corebot::fuzz::webhook_one);
}

TEST(FuzzCorpus, EveryUpdateScriptSeedRunsWithoutAFinding) {
  replay("updates", 3, corebot::fuzz::updates_one);
}

// The fuzz bot really answers: /start gets the start page, so the targets reach the modules.
TEST(FuzzCorpus, TheFuzzBotAnswersStart) {
  corebot::fuzz::FuzzBot bot;
  bot.post(R"({"update_id":1,"message":{"message_id":1,"date":1767225600,)"
           R"("from":{"id":2002,"is_bot":false,"first_name":"Ann"},)"
           R"("chat":{"id":2002,"type":"private"},"text":"/start",)"
           R"("entities":[{"offset":0,"length":6,"type":"bot_command"}]}})");
  ASSERT_FALSE(bot.sent().empty());
  EXPECT_EQ(bot.sent().back().params.at("chat_id").as_int64(), 2002);
}

}  // namespace
