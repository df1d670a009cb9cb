// The mailing's state machine on fake services (clock, timers, jobs, users, a real SQLite store):
// the window, the cursor and resume after a crash, pause / resume / cancel, outcomes, schedules.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <algorithm>
#include <map>

#include "modules/mailing/mailing_store.hpp"
#include "modules/mailing/mailings.hpp"
#include "tests/fakes/fake_services.hpp"

namespace corebot::modules::mailing {
namespace {
namespace json = boost::json;
using testing::FakeServices;

class MailingRunTest : public ::testing::Test {
 protected:
  void make(std::size_t window = 8) {
    MailingsOptions options;
    options.run.window = window;
    options.run.batch = 3;  // several reads per mailing
    options.run.flush_every = std::chrono::milliseconds(200);
    mailings = std::make_unique<Mailings>(services, options);
    mailings->start();
  }
  // Starts a mailing to `chats` and waits until it is running.
  Mailing create(std::vector<std::int64_t> chats, std::string id = "m1",
                 std::int64_t start_at_ms = 0) {
    NewMailing n;
    n.id = std::move(id);
    n.content.text = "news";
    n.audience.kind = "chats";
    n.audience.chats = std::move(chats);
    n.start_at_ms = start_at_ms;
    std::optional<Mailing> got;
    int status = 0;
    mailings->create(std::move(n), [&](std::optional<Mailing> m, int s, std::string) {
      got = std::move(m);
      status = s;
    });
    EXPECT_TRUE(services.run_store_until([&] { return status != 0; }));
    EXPECT_TRUE(got.has_value());
    return got.value_or(Mailing{});
  }
  std::size_t calls() const { return services.recorded.calls.size(); }
  std::int64_t chat_of(std::size_t i) const {
    return services.recorded.calls[i].params.at("chat_id").as_int64();
  }
  void answer(std::size_t i, CallResult r = {.ok = true}) {
    auto done = std::move(services.recorded.calls[i].done);
    ASSERT_TRUE(done) << "call " << i << " answered twice";
    services.recorded.calls[i].done = nullptr;
    done(r);
  }
  std::string state_of(const std::string& id, std::int64_t index) {
    auto doc =
        services.collection(store::kRecipients).find_one({{"_id", store::recipient_id(id, index)}});
    return doc ? std::string(doc->at("s").as_string()) : "";
  }
  json::object stored(const std::string& id) {
    return *services.collection(store::kMailings).find_one({{"_id", id}});
  }
  // Flushes what is due and waits for the store to record it.
  // Outcomes are written in batches a timer flushes, and a write may still be on the store's
  // thread when the clock moves: step the fake clock until the store recorded what `until` waits
  // for, letting each step's writes arrive (readiness, not timing: at most 100 steps).
  void settle(const std::function<bool()>& until) {
    for (int step = 0; step < 100 && !until(); ++step) {
      services.advance(std::chrono::milliseconds(200));
      (void)services.run_store_until(until, std::chrono::seconds(1));
    }
    EXPECT_TRUE(until());
  }

  FakeServices services{"mailing"};
  std::unique_ptr<Mailings> mailings;
};

std::vector<std::int64_t> chats(int n) {
  std::vector<std::int64_t> out;
  for (int i = 0; i < n; ++i) out.push_back(1000 + i);
  return out;
}

TEST_F(MailingRunTest, TheWindowBoundsCallsInFlightAndASlotFreesOnlyOnceRecorded) {
  make(4);
  create(chats(10));
  ASSERT_TRUE(services.run_store_until([&] { return calls() == 4; }));
  EXPECT_EQ(services.recorded.calls[0].priority, Priority::kBulk);
  EXPECT_EQ(services.recorded.calls[0].method, "sendMessage");
  answer(0);  // window 4: a batch of 1 is written at once
  EXPECT_EQ(calls(), 4u) << "a slot was freed before the outcome was stored";
  ASSERT_TRUE(services.run_store_until([&] { return calls() == 5; }));
  EXPECT_EQ(state_of("m1", 0), "sent");
  EXPECT_EQ(chat_of(4), 1004);
  EXPECT_EQ(mailings->run("m1")->in_flight(), 4u);
}

TEST_F(MailingRunTest, OutcomesAreWrittenInBatchesOrAfterTheFlushInterval) {
  make(8);  // batches of 2
  create(chats(10));
  ASSERT_TRUE(services.run_store_until([&] { return calls() == 8; }));
  answer(0);
  services.run_store_until([] { return true; });
  EXPECT_EQ(state_of("m1", 0), "p") << "written before the batch filled or the timer ran";
  settle([&] { return calls() == 9; });
  EXPECT_EQ(state_of("m1", 0), "sent");
}

TEST_F(MailingRunTest, EveryRecipientOnceThenDoneWithCountsAndCursor) {
  make(4);
  create(chats(10));
  for (std::size_t i = 0; i < 10; ++i) {
    ASSERT_TRUE(services.run_store_until([&] { return calls() > i; })) << i;
    answer(i);
  }
  // The store shows "done" from its worker before the write's answer reaches the loop, where
  // the run is let go: wait for both (the sanitizer build lost that race once).
  ASSERT_TRUE(services.run_store_until(
      [&] { return stored("m1").at("status") == "done" && mailings->run("m1") == nullptr; }));
  std::vector<std::int64_t> sent;
  for (std::size_t i = 0; i < calls(); ++i) sent.push_back(chat_of(i));
  EXPECT_EQ(sent, chats(10));
  const auto doc = stored("m1");
  EXPECT_EQ(doc.at("sent").as_int64(), 10);
  EXPECT_EQ(doc.at("left").as_int64(), 0);
  EXPECT_EQ(doc.at("cursor").as_int64(), 10);
  EXPECT_EQ(mailings->run("m1"), nullptr);
}

// An audience from the users collection is ascending and checked for duplicates without a set
// of every recipient; a list given by the caller keeps its order. Both drop duplicates.
TEST_F(MailingRunTest, DuplicatesAreDroppedAscendingOrNotAndTheOrderIsKept) {
  make(16);
  auto recipients_of = [&](const std::string& id) {
    std::vector<std::int64_t> out;
    for (std::int64_t i = 0;; ++i) {
      auto doc =
          services.collection(store::kRecipients).find_one({{"_id", store::recipient_id(id, i)}});
      if (!doc) return out;
      out.push_back(doc->at("chat").as_int64());
    }
  };
  const Mailing ascending = create({5, 5, 6, 7, 7, 7, 9}, "asc");
  EXPECT_EQ(ascending.total, 4);
  EXPECT_EQ(recipients_of("asc"), (std::vector<std::int64_t>{5, 6, 7, 9}));
  const Mailing given = create({9, 5, 9, 7, 5, 6}, "given");
  EXPECT_EQ(given.total, 4);
  EXPECT_EQ(recipients_of("given"), (std::vector<std::int64_t>{9, 5, 7, 6}));
}

TEST_F(MailingRunTest, AfterACrashOnlyPendingRecipientsAreSentAgainAtMostTheWindow) {
  make(4);
  create(chats(12));
  for (std::size_t i = 0; i < 5; ++i) {
    ASSERT_TRUE(services.run_store_until([&] { return calls() > i; }));
    answer(i);
  }
  ASSERT_TRUE(
      services.run_store_until([&] { return calls() == 9 && state_of("m1", 4) == "sent"; }));
  // kill -9: calls 5..8 were handed out, never answered; the mailing object is gone.
  mailings.reset();
  services.recorded.calls.clear();
  make(4);  // the restart: start() resumes the running mailing from the store
  std::vector<std::int64_t> resent;
  for (std::size_t i = 0; i < 7; ++i) {
    ASSERT_TRUE(services.run_store_until([&] { return calls() > i; })) << i;
    resent.push_back(chat_of(i));
    answer(i);
  }
  ASSERT_TRUE(services.run_store_until([&] { return stored("m1").at("status") == "done"; }));
  // 1005..1008 were in flight at the crash (each may have arrived: sent again, at most the
  // window); 1000..1004 were recorded and are not sent again; nobody is missed.
  EXPECT_EQ(resent, (std::vector<std::int64_t>{1005, 1006, 1007, 1008, 1009, 1010, 1011}));
  EXPECT_EQ(stored("m1").at("sent").as_int64(), 12);
}

TEST_F(MailingRunTest, PauseStopsHandingOutAndResumeContinues) {
  make(4);
  create(chats(8));
  ASSERT_TRUE(services.run_store_until([&] { return calls() == 4; }));
  std::optional<Mailing> paused;
  mailings->control("m1", "pause", [&](std::optional<Mailing> m, int, std::string) { paused = m; });
  ASSERT_TRUE(paused);
  EXPECT_EQ(paused->status, Status::kPaused);
  for (std::size_t i = 0; i < 4; ++i) answer(i);
  ASSERT_TRUE(services.run_store_until([&] { return stored("m1").at("sent") == 4; }));
  settle([] { return true; });
  EXPECT_EQ(calls(), 4u) << "a paused mailing handed out more";
  EXPECT_EQ(stored("m1").at("status"), "paused");
  mailings->control("m1", "resume", [](std::optional<Mailing>, int, std::string) {});
  ASSERT_TRUE(services.run_store_until([&] { return calls() == 8; }));
  for (std::size_t i = 4; i < 8; ++i) answer(i);
  ASSERT_TRUE(services.run_store_until([&] { return stored("m1").at("status") == "done"; }));
}

TEST_F(MailingRunTest, CancelRecordsWhatIsInFlightAndLeavesTheRest) {
  make(4);
  create(chats(10));
  ASSERT_TRUE(services.run_store_until([&] { return calls() == 4; }));
  mailings->control("m1", "cancel", [](std::optional<Mailing>, int, std::string) {});
  for (std::size_t i = 0; i < 4; ++i) answer(i);
  ASSERT_TRUE(services.run_store_until([&] { return stored("m1").at("status") == "cancelled"; }));
  ASSERT_TRUE(services.run_store_until([&] { return stored("m1").at("sent") == 4; }));
  EXPECT_EQ(calls(), 4u);
  EXPECT_EQ(stored("m1").at("left").as_int64(), 6);
  int status = 0;
  mailings->control("m1", "resume",
                    [&](std::optional<Mailing>, int s, std::string) { status = s; });
  ASSERT_TRUE(services.run_store_until([&] { return status != 0; }));
  EXPECT_EQ(status, 409);
}

TEST_F(MailingRunTest, OutcomesBlockedGoneMigratedFailedAndRefused) {
  make(8);
  create(chats(5));
  ASSERT_TRUE(services.run_store_until([&] { return calls() == 5; }));
  answer(0, {.ok = false,
             .error_code = 403,
             .description = "Forbidden: bot was blocked by the user",
             .blocked_by_user = true});
  answer(1, {.ok = false, .error_code = 400, .description = "Bad Request: chat not found"});
  answer(2, {.ok = false,
             .error_code = 400,
             .description = "Bad Request: group chat was upgraded",
             .migrate_to_chat_id = -100777});
  ASSERT_EQ(calls(), 6u);
  EXPECT_EQ(chat_of(5), -100777);
  answer(5);
  answer(3, {.ok = false, .error_code = 400, .description = "Bad Request: message is too long"});
  answer(4, {.ok = false, .error_code = kNotSent, .description = "the engine is stopping"});
  settle([&] { return state_of("m1", 3) == "failed"; });
  EXPECT_EQ(state_of("m1", 0), "blocked");
  EXPECT_EQ(state_of("m1", 1), "gone");
  EXPECT_EQ(services.fake_users().unreachable[1001], "Bad Request: chat not found");
  EXPECT_EQ(state_of("m1", 2), "sent");
  EXPECT_EQ(services.collection(store::kRecipients)
                .find_one({{"_id", store::recipient_id("m1", 2)}})
                ->at("new_chat")
                .as_int64(),
            -100777);
  EXPECT_EQ(state_of("m1", 4), "p") << "a call the outbox refused must stay pending";
  const auto doc = stored("m1");
  EXPECT_EQ(doc.at("status"), "running");  // resumes after the restart
  EXPECT_EQ(doc.at("cursor").as_int64(), 4);
  EXPECT_EQ(doc.at("blocked").as_int64(), 2);
  EXPECT_EQ(doc.at("failed").as_int64(), 1);
}

TEST_F(MailingRunTest, AScheduledMailingStartsFromItsJobAndItsAudienceIsFixedThen) {
  make(8);
  const auto at = std::chrono::duration_cast<std::chrono::milliseconds>(
                      services.clock().wall().time_since_epoch())
                      .count() +
                  3600 * 1000;
  NewMailing n;
  n.id = "later";
  n.content.text = "news";
  n.audience.kind = "language";
  n.audience.value = "ru";
  n.start_at_ms = at;
  int status = 0;
  mailings->create(n, [&](std::optional<Mailing>, int s, std::string) { status = s; });
  ASSERT_TRUE(services.run_store_until([&] { return status != 0; }));
  EXPECT_EQ(status, 202);
  ASSERT_EQ(services.fake_jobs().scheduled.count("start:later"), 1u);
  EXPECT_EQ(stored("later").at("status"), "scheduled");
  // Users who arrive before the start are in the audience: it is fixed when it starts.
  services.fake_users().records[7] = {.id = 7, .language_code = "ru"};
  services.fake_users().records[8] = {.id = 8, .language_code = "en"};
  services.fake_users().records[9] = {.id = 9, .language_code = "ru", .blocked = true};
  services.advance(std::chrono::minutes(59));
  EXPECT_EQ(calls(), 0u);
  services.advance(std::chrono::minutes(1));
  ASSERT_TRUE(services.run_store_until([&] { return calls() == 1; }));
  EXPECT_EQ(chat_of(0), 7);
  // After a restart a scheduled mailing gets its job again.
  services.fake_jobs().scheduled.clear();
  n.id = "later2";
  n.start_at_ms = at + 3600 * 1000;  // an hour after now, again
  status = 0;
  mailings->create(n, [&](std::optional<Mailing>, int s, std::string) { status = s; });
  ASSERT_TRUE(services.run_store_until([&] { return status != 0; }));
  services.fake_jobs().scheduled.clear();
  mailings.reset();
  make(8);
  ASSERT_TRUE(services.run_store_until(
      [&] { return services.fake_jobs().scheduled.count("start:later2") == 1; }));
}

TEST_F(MailingRunTest, TheSameIdIsNeverSentTwice) {
  make(8);
  create(chats(2), "once");
  NewMailing again;
  again.id = "once";
  again.content.text = "again";
  again.audience = {"chats", "", {1, 2}};
  int status = 0;
  std::string error;
  mailings->create(again, [&](std::optional<Mailing>, int s, std::string e) {
    status = s;
    error = e;
  });
  ASSERT_TRUE(services.run_store_until([&] { return status != 0; }));
  EXPECT_EQ(status, 409);
  EXPECT_NE(error.find("exists already"), std::string::npos) << error;
}

TEST_F(MailingRunTest, TheProgressMessageIsPostedThenEditedAndTheReportSent) {
  make(8);
  NewMailing n;
  n.id = "p";
  n.content.text = "news";
  n.audience = {"chats", "", {5, 6}};
  n.progress_chat = 42;
  mailings->create(n, [](std::optional<Mailing>, int, std::string) {});
  auto progress_call = [&]() -> testing::RecordedCall* {
    for (auto& c : services.recorded.calls) {
      if (c.params.at("chat_id") == 42 && c.method == "sendMessage") return &c;
    }
    return nullptr;
  };
  ASSERT_TRUE(services.run_store_until([&] { return progress_call() != nullptr; }));
  EXPECT_EQ(progress_call()->priority, Priority::kAdmin);
  EXPECT_NE(std::string(progress_call()->params.at("text").as_string()).find("📨 Mailing p"),
            std::string::npos);
  progress_call()->done({.ok = true, .result = json::object{{"message_id", 77}}});
  ASSERT_TRUE(services.run_store_until([&] { return stored("p").at("progress_message") == 77; }));
  for (std::size_t i = 0; i < calls(); ++i) {
    if (services.recorded.calls[i].done && chat_of(i) != 42) answer(i);
  }
  settle([&] { return stored("p").at("status") == "done"; });
  bool edited = false, reported = false;
  for (const auto& c : services.recorded.calls) {
    if (c.method == "editMessageText" && c.params.at("message_id") == 77) edited = true;
    if (c.method == "sendMessage" && c.params.at("chat_id") == 42 &&
        std::string(c.params.at("text").as_string()).find("Sent: 2") != std::string::npos) {
      reported = true;
    }
  }
  EXPECT_TRUE(edited);
  EXPECT_TRUE(reported);
}

}  // namespace
}  // namespace corebot::modules::mailing
