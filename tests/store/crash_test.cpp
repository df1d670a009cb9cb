// kill -9 in the middle of a burst of writes: every write acknowledged after commit is still
// there, every multi-document update is all-or-nothing, and the file passes integrity_check.
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "corebot/store.hpp"
#include "temp_dir.hpp"

namespace corebot {
namespace {

namespace json = boost::json;

bool read_exact(int fd, void* buf, std::size_t n) {
  auto* p = static_cast<char*>(buf);
  while (n > 0) {
    const ssize_t got = ::read(fd, p, n);
    if (got <= 0) return false;
    p += got;
    n -= static_cast<std::size_t>(got);
  }
  return true;
}

std::string integrity_check(const std::string& path) {
  sqlite3* db = nullptr;
  sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
  sqlite3_stmt* stmt = nullptr;
  std::string out = "prepare failed";
  if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &stmt, nullptr) == SQLITE_OK &&
      sqlite3_step(stmt) == SQLITE_ROW) {
    out = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return out;
}

// Forks a child running `burst(ack)`, where ack(n) tells the parent that write n committed.
// The parent kills the child with SIGKILL after `acks_before_kill` acknowledgements and returns
// the last acknowledged n.
std::int64_t run_and_kill(
    const std::function<void(const std::function<void(std::int64_t)>&)>& burst,
    int acks_before_kill) {
  int fds[2];
  EXPECT_EQ(::pipe(fds), 0);
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::close(fds[0]);
    try {
      burst([&](std::int64_t n) {
        if (::write(fds[1], &n, sizeof n) != sizeof n) ::_exit(3);
      });
    } catch (...) {
      ::_exit(2);
    }
    ::_exit(0);
  }
  ::close(fds[1]);
  std::int64_t last = -1;
  std::int64_t n = 0;
  for (int i = 0; i < acks_before_kill && read_exact(fds[0], &n, sizeof n); ++i) last = n;
  ::kill(pid, SIGKILL);
  while (read_exact(fds[0], &n, sizeof n)) last = n;  // acks sent before the kill landed
  ::close(fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
      << "the child ended on its own (status " << status << ") before being killed";
  return last;
}

TEST(SqliteCrashTest, AcknowledgedInsertsSurviveKill9) {
  testing::TempDir dir("crash");
  const std::string uri = dir.sqlite_uri();
  open_store(uri)->collection("burst").create_index({"i", true});
  const std::int64_t last = run_and_kill(
      [&](const auto& ack) {
        auto store = open_store(uri);
        auto& c = store->collection("burst");
        for (std::int64_t i = 0;; ++i) {
          c.insert_one(json::object{{"_id", i}, {"i", i}, {"pad", std::string(300, 'p')}});
          ack(i);
        }
      },
      300);
  ASSERT_GE(last, 299);
  auto store = open_store(uri);
  auto& c = store->collection("burst");
  for (std::int64_t i = 0; i <= last; ++i) {
    ASSERT_TRUE(c.find_one(json::object{{"_id", i}}).has_value())
        << "lost acknowledged write " << i;
  }
  EXPECT_LE(c.count({}), last + 2);  // at most one committed but not yet acknowledged
  EXPECT_EQ(integrity_check((dir.path() / "bot.db").string()), "ok");
}

TEST(SqliteCrashTest, UpdateManyIsAllOrNothingAcrossKill9) {
  testing::TempDir dir("crash-update");
  const std::string uri = dir.sqlite_uri();
  {
    std::vector<json::object> docs;
    for (int i = 0; i < 200; ++i) docs.push_back(json::object{{"_id", i}, {"gen", 0}});
    open_store(uri)->collection("gens").insert_many(std::move(docs));
  }
  const std::int64_t last = run_and_kill(
      [&](const auto& ack) {
        auto store = open_store(uri);
        auto& c = store->collection("gens");
        for (std::int64_t g = 1;; ++g) {
          c.update_many({}, json::object{{"$inc", json::object{{"gen", 1}}}});
          ack(g);
        }
      },
      40);
  auto docs = open_store(uri)->collection("gens").find({});
  ASSERT_EQ(docs.size(), 200u);
  const auto gen = docs.front().at("gen").as_int64();
  EXPECT_GE(gen, last);
  EXPECT_LE(gen, last + 1);
  for (const auto& doc : docs) ASSERT_EQ(doc.at("gen").as_int64(), gen) << "a half-applied update";
  EXPECT_EQ(integrity_check((dir.path() / "bot.db").string()), "ok");
}

}  // namespace
}  // namespace corebot
