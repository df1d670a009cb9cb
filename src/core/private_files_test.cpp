#include "core/private_files.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <sstream>

namespace corebot::core {
namespace {
namespace fs = std::filesystem;

mode_t mode_of(const fs::path& p) {
  struct stat st {};
  EXPECT_EQ(::stat(p.c_str(), &st), 0) << p;
  return st.st_mode & 0777;
}

struct PrivateFilesTest : ::testing::Test {
  PrivateFilesTest() {
    root = fs::temp_directory_path() /
           ("corebot_private_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root);
    fs::create_directories(root);
    old_umask = ::umask(022);  // the usual default, which would make 0755 folders, 0644 files
  }
  ~PrivateFilesTest() override {
    ::umask(old_umask);
    fs::remove_all(root);
  }
  fs::path root;
  mode_t old_umask;
};

TEST_F(PrivateFilesTest, FoldersAndFilesAreTheBotsAlone) {
  const fs::path dir = root / "var" / "data";
  EXPECT_EQ(create_private_directories(dir), "");
  EXPECT_EQ(mode_of(root / "var"), 0700u);
  EXPECT_EQ(mode_of(dir), 0700u);
  EXPECT_EQ(mode_of(root), 0755u) << "a folder that existed keeps its mode";
  EXPECT_EQ(create_private_file(dir / "bot.db"), "");
  EXPECT_EQ(mode_of(dir / "bot.db"), 0600u);
  EXPECT_EQ(create_private_file(dir / "bot.db"), "") << "an existing file is fine";
}

TEST_F(PrivateFilesTest, AKeptCopyIsReplacedWholeWithMode0600) {
  const fs::path file = root / "content.cache";
  std::ofstream(file) << "old";
  EXPECT_EQ(write_private_file(file, "new bytes"), "");
  std::stringstream got;
  got << std::ifstream(file).rdbuf();
  EXPECT_EQ(got.str(), "new bytes");
  EXPECT_EQ(mode_of(file), 0600u);
  EXPECT_FALSE(fs::exists(file.string() + ".tmp"));
  EXPECT_NE(write_private_file(root / "missing" / "x", "y"), "");
}

}  // namespace
}  // namespace corebot::core
