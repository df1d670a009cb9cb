#include "outbox/scheduler.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/clock.hpp"

namespace corebot::outbox {
namespace {

using namespace std::chrono_literals;
using core::TimePoint;

Job message(std::int64_t chat, Priority p = Priority::kInteractive,
            std::string method = "sendMessage") {
  Job j;
  j.priority = p;
  j.request.method = std::move(method);
  j.request.params["chat_id"] = chat;
  j.request.params["text"] = "hi";
  return j;
}

telegram::ApiResult ok() {
  telegram::ApiResult r;
  r.ok = true;
  r.result = true;
  return r;
}

telegram::ApiResult error(int code, std::string description = "error",
                          std::optional<int> retry_after = std::nullopt) {
  telegram::ApiResult r;
  r.error.error_code = code;
  r.error.description = std::move(description);
  r.error.retry_after = retry_after;
  return r;
}

// Plenty of room everywhere, so one test looks at one limit at a time.
OutboxOptions roomy() {
  OutboxOptions o;
  o.global_rate = 1e6;
  o.global_burst = 1e6;
  o.private_chat_rate = 1000;
  o.private_chat_burst = 1000;
  o.group_limit = 1000;
  o.min_in_flight = 1000;
  o.max_in_flight = 1000;
  return o;
}

struct Start {
  TimePoint at;
  Job job;
};

// Runs the scheduler against a transport that answers ok instantly, advancing the clock to each
// wake-up, until nothing is left or `until` passes.
std::vector<Start> run(Scheduler& s, core::ManualClock& clock, TimePoint until = TimePoint::max()) {
  std::vector<Start> starts;
  for (;;) {
    (void)s.take_expired(clock.now());
    while (auto job = s.next(clock.now())) {
      starts.push_back(Start{clock.now(), *job});
      EXPECT_TRUE(s.on_done(job->id, ok(), clock.now()).has_value());
    }
    auto wake = s.next_wake(clock.now());
    if (!wake || *wake > until) return starts;
    EXPECT_GT(*wake, clock.now());
    clock.advance(*wake - clock.now());
  }
}

std::int64_t chat_of(const Job& j) { return j.request.params.at("chat_id").as_int64(); }

TEST(SchedulerTest, StrictPriorityAtEachSlot) {
  core::ManualClock clock;
  auto o = roomy();
  o.global_rate = 1;  // one call per window: every start is a contested slot
  Scheduler s(o);
  s.enqueue(message(4, Priority::kBulk));
  s.enqueue(message(3, Priority::kNotification));
  s.enqueue(message(2, Priority::kAdmin));
  s.enqueue(message(1, Priority::kInteractive));
  auto starts = run(s, clock);
  ASSERT_EQ(starts.size(), 4u);
  for (std::int64_t i = 0; i < 4; ++i) {
    EXPECT_EQ(chat_of(starts[i].job), i + 1);
    EXPECT_EQ(starts[i].at, starts[0].at + i * (1s + o.global_window_guard));
  }
}

TEST(SchedulerTest, InteractiveOvertakesTenThousandQueuedBulkWithinOneSlot) {
  core::ManualClock clock;
  OutboxOptions o;  // defaults: 30/s
  o.min_in_flight = o.max_in_flight = 10000;
  Scheduler s(o);
  for (int i = 0; i < 10000; ++i) s.enqueue(message(1000 + i, Priority::kBulk));
  for (int i = 0; i < 5; ++i) {
    while (auto job = s.next(clock.now())) (void)s.on_done(job->id, ok(), clock.now());
    clock.advance(*s.next_wake(clock.now()) - clock.now());
  }
  const TimePoint submitted = clock.now() - 1ms;  // arrives mid-slot
  s.enqueue(message(7, Priority::kInteractive));
  auto job = s.next(clock.now());
  ASSERT_TRUE(job);
  EXPECT_EQ(chat_of(*job), 7);
  EXPECT_LE(clock.now() - submitted, 34ms);
  EXPECT_EQ(s.queued(Priority::kBulk), 10000u - 5u);
}

TEST(SchedulerTest, InteractiveOvertakesBulkBurstToOneChat) {
  core::ManualClock clock;
  Scheduler s(roomy());
  for (int i = 0; i < 10000; ++i) s.enqueue(message(5, Priority::kBulk));
  auto first = s.next(clock.now());
  ASSERT_TRUE(first);
  s.enqueue(message(5, Priority::kInteractive));
  EXPECT_FALSE(s.next(clock.now()));  // chat 5 has a call in flight: its order is kept
  (void)s.on_done(first->id, ok(), clock.now());
  auto next = s.next(clock.now());
  ASSERT_TRUE(next);
  EXPECT_EQ(next->priority, Priority::kInteractive);
}

TEST(SchedulerTest, RoundRobinBetweenChatsWithinAClass) {
  core::ManualClock clock;
  Scheduler s(roomy());
  for (int i = 0; i < 100; ++i) s.enqueue(message(1, Priority::kBulk));
  for (int i = 0; i < 3; ++i) s.enqueue(message(2, Priority::kBulk));
  for (int i = 0; i < 3; ++i) s.enqueue(message(3, Priority::kBulk));
  auto starts = run(s, clock);
  ASSERT_EQ(starts.size(), 106u);
  std::vector<std::int64_t> order;
  for (int i = 0; i < 9; ++i) order.push_back(chat_of(starts[i].job));
  EXPECT_EQ(order, (std::vector<std::int64_t>{1, 2, 3, 1, 2, 3, 1, 2, 3}));
}

TEST(SchedulerTest, GlobalRateIsNeverExceeded) {
  core::ManualClock clock;
  auto o = roomy();
  o.global_rate = 30;
  o.global_burst = 1;
  Scheduler s(o);
  for (int i = 0; i < 300; ++i) s.enqueue(message(i + 1, Priority::kBulk));
  auto starts = run(s, clock);
  ASSERT_EQ(starts.size(), 300u);
  for (std::size_t i = 30; i < starts.size(); ++i) {
    EXPECT_GE(starts[i].at - starts[i - 30].at, 1s) << i;  // at most 30 in any second
  }
}

TEST(SchedulerTest, WorkConservingBulkTakesCountOverRate) {
  core::ManualClock clock;
  OutboxOptions o;
  o.min_in_flight = o.max_in_flight = 1000;
  Scheduler s(o);
  const int n = 300;
  for (int i = 0; i < n; ++i) s.enqueue(message(i + 1, Priority::kBulk));
  // Replies arrive now and then; the mailing still uses every other slot.
  for (int i = 0; i < 10; ++i) s.enqueue(message(-(i + 1), Priority::kInteractive));
  const TimePoint t0 = clock.now();
  auto starts = run(s, clock);
  ASSERT_EQ(starts.size(), static_cast<std::size_t>(n + 10));
  // Between (n + 10) / rate (every slot of the window used) and the same at the bulk share of it,
  // (30 - bulk_reserve) per 1 s + guard.
  const auto took = starts.back().at - t0;
  EXPECT_LE(took, std::chrono::milliseconds((n + 10) * 1020 / (30 - o.bulk_reserve)));
  EXPECT_GE(took, std::chrono::milliseconds((n + 9) * 1000 / 30));
}

TEST(SchedulerTest, PrivateChatOnePerSecondAfterBurst) {
  core::ManualClock clock;
  auto o = roomy();
  o.private_chat_rate = 1;
  o.private_chat_burst = 3;
  o.chat_window_guard = core::Duration::zero();
  Scheduler s(o);
  for (int i = 0; i < 6; ++i) s.enqueue(message(42));
  const TimePoint t0 = clock.now();
  auto starts = run(s, clock);
  ASSERT_EQ(starts.size(), 6u);
  const std::vector<core::Duration> expected = {0s, 0s, 0s, 1s, 2s, 3s};
  for (std::size_t i = 0; i < 6; ++i) EXPECT_EQ(starts[i].at - t0, expected[i]) << i;
}

// Found by the mailing integration test: two replies to one chat started exactly 1 s apart
// arrived less than 1 s apart when the first one was slower on the wire, and got a 429.
TEST(SchedulerTest, PrivateChatSpacingHasAGuardAgainstArrivalJitter) {
  core::ManualClock clock;
  auto o = roomy();
  o.private_chat_rate = 1;
  o.private_chat_burst = 1;
  o.chat_window_guard = std::chrono::milliseconds(20);
  Scheduler s(o);
  for (int i = 0; i < 3; ++i) s.enqueue(message(42));
  const TimePoint t0 = clock.now();
  auto starts = run(s, clock);
  ASSERT_EQ(starts.size(), 3u);
  EXPECT_EQ(starts[1].at - t0, std::chrono::milliseconds(1020));
  EXPECT_EQ(starts[2].at - t0, std::chrono::milliseconds(2040));
}

TEST(SchedulerTest, PrivateEditsAreNotChatLimited) {
  core::ManualClock clock;
  auto o = roomy();
  o.private_chat_rate = 1;
  o.private_chat_burst = 1;
  Scheduler s(o);
  s.enqueue(message(42));
  for (int i = 0; i < 3; ++i) s.enqueue(message(42, Priority::kInteractive, "editMessageText"));
  auto starts = run(s, clock);
  ASSERT_EQ(starts.size(), 4u);
  EXPECT_EQ(starts.back().at, starts.front().at);
}

TEST(SchedulerTest, GroupTwentyPerMinuteEditsCounted) {
  core::ManualClock clock;
  auto o = roomy();
  o.group_limit = 20;
  o.chat_window_guard = core::Duration::zero();  // exact minutes; the guard has its own test
  Scheduler s(o);
  for (int i = 0; i < 15; ++i) s.enqueue(message(-100));
  for (int i = 0; i < 10; ++i) s.enqueue(message(-100, Priority::kInteractive, "editMessageText"));
  const TimePoint t0 = clock.now();
  auto starts = run(s, clock);
  ASSERT_EQ(starts.size(), 25u);
  EXPECT_EQ(starts[19].at, t0);
  EXPECT_EQ(starts[20].at, t0 + 60s);
  EXPECT_EQ(starts[24].at, t0 + 60s);
}

TEST(SchedulerTest, PerChatOrderSurvivesRetry) {
  core::ManualClock clock;
  Scheduler s(roomy());
  std::vector<JobId> ids;
  for (int i = 0; i < 3; ++i) ids.push_back(s.enqueue(message(7)));
  auto first = s.next(clock.now());
  ASSERT_TRUE(first);
  EXPECT_EQ(first->id, ids[0]);
  EXPECT_FALSE(s.on_done(first->id, error(502, "Bad Gateway"), clock.now()));
  EXPECT_FALSE(s.next(clock.now()));  // ids[1] must not overtake the retry
  std::vector<JobId> order;
  for (auto& st : run(s, clock)) order.push_back(st.job.id);
  EXPECT_EQ(order, ids);
}

TEST(SchedulerTest, UnlimitedMethodsBypassTheBudget) {
  core::ManualClock clock;
  auto o = roomy();
  o.global_rate = 1;
  o.global_burst = 1;
  Scheduler s(o);
  s.enqueue(message(1));
  auto sent = s.next(clock.now());
  ASSERT_TRUE(sent);
  s.enqueue(message(2));  // must wait a second
  for (const char* m : {"answerCallbackQuery", "getChat", "sendChatAction", "getMe",
                        "setMyCommands", "getChatMember"}) {
    s.enqueue(message(1, Priority::kBulk, m));
  }
  int started = 0;
  while (auto job = s.next(clock.now())) {
    EXPECT_EQ(classify_method(job->request.method), CallKind::kUnlimited);
    ++started;
  }
  EXPECT_EQ(started, 6);
  EXPECT_EQ(s.next_wake(clock.now()), clock.now() + 1s + o.global_window_guard);
}

TEST(SchedulerTest, RetryAfterHonouredExactlyForThatChat) {
  core::ManualClock clock;
  Scheduler s(roomy());
  s.enqueue(message(1));
  auto job = s.next(clock.now());
  ASSERT_TRUE(job);
  const TimePoint t429 = clock.now();
  EXPECT_FALSE(s.on_done(job->id, error(429, "Too Many Requests: retry after 7", 7), t429));
  s.enqueue(message(2));
  auto other = s.next(clock.now());
  ASSERT_TRUE(other);  // another chat is not held up
  EXPECT_EQ(chat_of(*other), 2);
  (void)s.on_done(other->id, ok(), clock.now());
  EXPECT_FALSE(s.next(clock.now()));
  EXPECT_EQ(s.next_wake(clock.now()), t429 + 7s);
  clock.advance(7s - 1ns);
  EXPECT_FALSE(s.next(clock.now()));
  clock.advance(1ns);
  auto again = s.next(clock.now());
  ASSERT_TRUE(again);
  EXPECT_EQ(again->id, job->id);
  EXPECT_EQ(s.stats().rate_limited, 1u);
}

// Issue 10: a 429 flood (three chats within a second) used to pause every class and halve the
// global rate. It now pauses and cuts the bulk class only: a reply to an untouched chat starts at
// once, at the full rate; the mailing waits out retry_after and comes back at half its pace, and
// the cut is undone by doubling every flood_recovery_interval.
TEST(SchedulerTest, A429FloodCutsBulkNotReplies) {
  core::ManualClock clock;
  auto o = roomy();
  o.global_rate = 30;
  o.global_burst = 1;
  Scheduler s(o);
  std::vector<Job> started;
  for (int i = 1; i <= 3; ++i) s.enqueue(message(i));
  while (auto j = s.next(clock.now())) started.push_back(*j);
  ASSERT_EQ(started.size(), 3u);
  for (auto& j : started) (void)s.on_done(j.id, error(429, "Too Many Requests", 1), clock.now());
  const TimePoint t = clock.now();
  auto st = s.stats();
  EXPECT_EQ(st.global_backoffs, 1u);
  EXPECT_DOUBLE_EQ(st.bulk_factor, 0.5);
  EXPECT_DOUBLE_EQ(st.rate_factor, 1.0);
  EXPECT_DOUBLE_EQ(st.rate, 30.0);

  for (int i = 0; i < 20; ++i) s.enqueue(message(500 + i, Priority::kBulk));
  s.enqueue(message(99));  // an untouched chat is not held up
  for (int i = 0; i < 4; ++i) s.enqueue(message(100 + i));
  auto starts = run(s, clock, t + 900ms);
  ASSERT_EQ(starts.size(), 5u);
  for (const auto& start : starts) {
    EXPECT_EQ(start.at, t);
    EXPECT_NE(start.job.priority, Priority::kBulk);
  }
  EXPECT_EQ(chat_of(starts[0].job), 99);

  // Bulk waits out the longest retry_after, then runs at half its pace: (30 - 2 reserved) per
  // 1.02 s, halved.
  starts = run(s, clock, t + 1900ms);
  std::erase_if(starts, [](const Start& x) { return x.job.priority != Priority::kBulk; });
  ASSERT_FALSE(starts.empty());
  EXPECT_EQ(starts[0].at, t + 1s);
  const double pace = 1.02 / (28 * 0.5);
  ASSERT_GE(starts.size(), 3u);
  EXPECT_NEAR(std::chrono::duration<double>(starts[2].at - starts[1].at).count(), pace, 1e-3);
  EXPECT_LE(starts.size(), static_cast<std::size_t>(0.9 / pace) + 2);

  clock.advance(t + 2s - clock.now());  // one recovery interval after the cut
  (void)s.next(clock.now());
  EXPECT_DOUBLE_EQ(s.stats().bulk_factor, 1.0);
}

// Calls answered at once by a fake Telegram that refuses some of them with a 429; calls are
// submitted at given times. Records every start, the factors seen, and the last 429.
struct Submit {
  TimePoint at;
  Job job;
};
struct Sample {
  TimePoint at;
  double rate_factor;
  double bulk_factor;
};
struct StormRun {
  std::vector<Start> starts;  // successful starts only
  std::unordered_map<JobId, TimePoint> submitted;
  std::vector<Sample> samples;
  TimePoint last_429{};
};
StormRun simulate(Scheduler& s, core::ManualClock& clock, std::vector<Submit> submits,
                  const std::function<bool(const Job&, TimePoint)>& refuse, TimePoint until) {
  StormRun out;
  std::size_t next = 0;
  for (;;) {
    const TimePoint now = clock.now();
    for (; next < submits.size() && submits[next].at <= now; ++next) {
      out.submitted[s.enqueue(submits[next].job)] = now;
    }
    (void)s.take_expired(now);
    while (auto job = s.next(now)) {
      if (refuse(*job, now)) {
        out.last_429 = now;
        (void)s.on_done(job->id, error(429, "Too Many Requests: retry after 1", 1), now);
      } else {
        out.starts.push_back(Start{now, *job});
        (void)s.on_done(job->id, ok(), now);
      }
    }
    out.samples.push_back(Sample{now, s.stats().rate_factor, s.stats().bulk_factor});
    std::optional<TimePoint> wake = s.next_wake(now);
    if (next < submits.size() && (!wake || submits[next].at < *wake)) wake = submits[next].at;
    if (!wake || *wake > until) return out;
    EXPECT_GT(*wake, now);
    clock.advance(*wake - now);
  }
}

// Issue 10's storm, with the default options: 50 users each get a reply every 2 s (25/s of the
// 30/s) while a mailing to 1,000 chats runs; for 20 s Telegram answers 429 to every call to 20 %
// of the chats. With the old policy (every class paused and cut to 1/16) replies waited tens of
// seconds; now replies to the other chats never wait, bulk is cut during the storm, and both
// classes are back to full rate within 4 recovery intervals (8 s) after the last 429.
TEST(SchedulerTest, A429StormOnAShareOfChatsKeepsRepliesToOthersFlowing) {
  core::ManualClock clock;
  Scheduler s(OutboxOptions{});
  const TimePoint t0 = clock.now();
  const TimePoint storm_from = t0 + 2s;
  const TimePoint storm_to = t0 + 22s;
  auto stormed = [](std::int64_t chat) { return chat % 5 == 0; };  // 20 % of the chats
  std::vector<Submit> submits;
  for (int i = 0; i < 1000; ++i) submits.push_back({t0, message(10000 + i, Priority::kBulk)});
  for (auto at = t0; at < t0 + 40s; at += 2s) {  // then the mailing has the outbox to itself
    for (int user = 1; user <= 50; ++user) submits.push_back({at + user * 40ms, message(user)});
  }
  std::stable_sort(submits.begin(), submits.end(),
                   [](const Submit& a, const Submit& b) { return a.at < b.at; });
  StormRun r = simulate(
      s, clock, std::move(submits),
      [&](const Job& job, TimePoint now) {
        return now >= storm_from && now < storm_to && stormed(*job.chat_id);
      },
      t0 + 120s);

  core::Duration worst{};
  std::size_t replies = 0;
  std::size_t bulk_in_storm = 0;
  std::set<std::int64_t> bulk_sent;
  for (const auto& start : r.starts) {
    if (start.job.priority == Priority::kBulk) {
      EXPECT_TRUE(bulk_sent.insert(*start.job.chat_id).second) << "twice";
      if (start.at >= storm_from + 1s && start.at < storm_to) ++bulk_in_storm;
      continue;
    }
    if (stormed(*start.job.chat_id)) continue;
    ++replies;
    worst = std::max(worst, start.at - r.submitted.at(start.job.id));
  }
  EXPECT_EQ(replies, 40u * 20u);
  EXPECT_LE(worst, 1s) << "a reply to a chat that got no 429 waited "
                       << std::chrono::duration<double>(worst).count() << " s";
  EXPECT_EQ(s.stats().throttle_backoffs, 0u);  // a minority of chats: never the whole bot
  EXPECT_GE(s.stats().global_backoffs, 5u);
  // Bulk is cut during the storm: unthrottled it would take every slot the replies leave free
  // (about 3/s here, 57 in 19 s).
  EXPECT_LT(bulk_in_storm, 20u);
  // Every mailing recipient outside the storm got its message once (a stormed one may have run
  // out of retries: 20 s of 429s).
  for (int i = 0; i < 1000; ++i) {
    if (!stormed(10000 + i)) {
      EXPECT_TRUE(bulk_sent.contains(10000 + i)) << 10000 + i;
    }
  }

  ASSERT_GT(r.last_429, storm_to - 2s);
  ASSERT_LT(r.last_429, storm_to);
  std::optional<TimePoint> full;
  for (const auto& sample : r.samples) {
    if (sample.at < storm_from) continue;
    EXPECT_DOUBLE_EQ(sample.rate_factor, 1.0) << "replies were slowed";
    if (sample.at > storm_from + 1s && sample.at < storm_to) {
      EXPECT_LT(sample.bulk_factor, 1.0);
    }
    if (sample.at >= r.last_429 && !full && sample.bulk_factor == 1.0) full = sample.at;
  }
  ASSERT_TRUE(full);
  EXPECT_LE(*full - r.last_429, 8s + 100ms);
}

// When replies to most chats still get 429s after bulk was cut, Telegram throttles the bot as a
// whole: every class slows down, but never below throttle_min_factor, and recovers once the 429s
// stop.
TEST(SchedulerTest, WholeBotThrottleSlowsRepliesDownToTheFloorOnly) {
  core::ManualClock clock;
  auto o = roomy();
  o.global_rate = 30;
  o.global_burst = 1;
  Scheduler s(o);
  auto refuse_all = [&](int from, int n) {
    for (int i = 0; i < n; ++i) s.enqueue(message(from + i));
    std::vector<Job> jobs;
    while (auto j = s.next(clock.now())) jobs.push_back(*j);
    for (auto& j : jobs) (void)s.on_done(j.id, error(429, "Too Many Requests", 1), clock.now());
    return jobs.size();
  };
  ASSERT_EQ(refuse_all(1, 3), 3u);  // a flood: bulk is cut, replies are not
  EXPECT_DOUBLE_EQ(s.stats().rate_factor, 1.0);
  EXPECT_DOUBLE_EQ(s.stats().bulk_factor, 0.5);
  clock.advance(10ms);
  ASSERT_EQ(refuse_all(100, 10), 10u);  // replies to ten other chats, all refused
  EXPECT_EQ(s.stats().throttle_backoffs, 1u);
  EXPECT_DOUBLE_EQ(s.stats().rate_factor, 0.5);
  EXPECT_DOUBLE_EQ(s.stats().rate, 15.0);
  for (int round = 0; round < 5; ++round) {
    clock.advance(1100ms);
    ASSERT_GT(refuse_all(200 + round * 10, 10), 0u);
  }
  EXPECT_GE(s.stats().throttle_backoffs, 2u);
  EXPECT_DOUBLE_EQ(s.stats().rate_factor, o.throttle_min_factor);  // the floor, never lower
  // Replies still start (at the floor's rate), and the 429s stop: back to full within one step.
  clock.advance(o.flood_recovery_interval);
  (void)s.next(clock.now());
  EXPECT_DOUBLE_EQ(s.stats().rate_factor, 1.0);
}

// Replies answered with 429s that were already in flight when bulk was cut do not count as the
// bot being throttled: only calls started after the cut show whether cutting bulk helped.
TEST(SchedulerTest, RepliesStartedBeforeTheBulkCutDoNotSlowReplies) {
  core::ManualClock clock;
  Scheduler s(roomy());
  for (int i = 1; i <= 10; ++i) s.enqueue(message(i));
  std::vector<Job> jobs;
  while (auto j = s.next(clock.now())) jobs.push_back(*j);
  ASSERT_EQ(jobs.size(), 10u);
  clock.advance(5ms);
  for (auto& j : jobs) (void)s.on_done(j.id, error(429, "Too Many Requests", 1), clock.now());
  EXPECT_LT(s.stats().bulk_factor, 1.0);
  EXPECT_DOUBLE_EQ(s.stats().rate_factor, 1.0);
  EXPECT_EQ(s.stats().throttle_backoffs, 0u);
}

TEST(SchedulerTest, FewChats429DoNotBackOffGlobally) {
  core::ManualClock clock;
  Scheduler s(roomy());
  for (int i = 0; i < 5; ++i) {
    s.enqueue(message(1));
  }
  auto j = s.next(clock.now());
  (void)s.on_done(j->id, error(429, "Too Many Requests", 1), clock.now());
  EXPECT_EQ(s.stats().global_backoffs, 0u);
  EXPECT_DOUBLE_EQ(s.stats().rate_factor, 1.0);
}

std::vector<core::Duration> server_error_delays(std::uint64_t seed, int* final_code) {
  core::ManualClock clock;
  auto o = roomy();
  o.retry_base = 100ms;
  o.retry_max = 1s;
  o.max_attempts = 7;
  o.rng_seed = seed;
  Scheduler s(o);
  s.enqueue(message(1));
  std::vector<core::Duration> delays;
  for (;;) {
    auto job = s.next(clock.now());
    EXPECT_TRUE(job);
    if (!job) return delays;
    auto fin = s.on_done(job->id, error(job->attempts % 2 ? 502 : 0, "Bad Gateway"), clock.now());
    if (fin) {
      *final_code = fin->result.error.error_code;
      EXPECT_EQ(fin->job.attempts, 7);
      return delays;
    }
    EXPECT_FALSE(s.next(clock.now()));
    const auto wake = *s.next_wake(clock.now());
    delays.push_back(wake - clock.now());
    clock.advance(wake - clock.now() - 1ns);
    EXPECT_FALSE(s.next(clock.now()));
    clock.advance(1ns);
  }
}

TEST(SchedulerTest, ServerErrorsBackOffExponentiallyWithBoundedJitter) {
  int code = -2;
  auto delays = server_error_delays(1, &code);
  ASSERT_EQ(delays.size(), 6u);
  EXPECT_EQ(code, 502);  // the 7th attempt's error is reported
  const std::vector<core::Duration> caps = {100ms, 200ms, 400ms, 800ms, 1s, 1s};
  for (std::size_t i = 0; i < delays.size(); ++i) {
    EXPECT_GE(delays[i], caps[i] / 2) << i;
    EXPECT_LE(delays[i], caps[i]) << i;
  }
  int ignored = 0;
  EXPECT_EQ(server_error_delays(1, &ignored), delays);  // same seed, same jitter
  EXPECT_NE(server_error_delays(2, &ignored), delays);
}

TEST(SchedulerTest, BadRequestAndForbiddenAreFinal) {
  core::ManualClock clock;
  Scheduler s(roomy());
  s.enqueue(message(1));
  s.enqueue(message(2));
  s.enqueue(message(3));
  auto a = s.next(clock.now());
  auto b = s.next(clock.now());
  auto c = s.next(clock.now());
  auto fa = s.on_done(a->id, error(400, "Bad Request: message text is empty"), clock.now());
  auto fb = s.on_done(b->id, error(403, "Forbidden: bot was blocked by the user"), clock.now());
  auto fc =
      s.on_done(c->id, error(403, "Forbidden: bot was kicked from the group chat"), clock.now());
  ASSERT_TRUE(fa && fb && fc);
  EXPECT_EQ(fa->result.error.error_code, 400);
  EXPECT_FALSE(fa->blocked);
  EXPECT_TRUE(fb->blocked);
  EXPECT_EQ(fb->job.chat_id, 2);
  EXPECT_FALSE(fc->blocked);
  EXPECT_FALSE(s.next(clock.now()));
  EXPECT_FALSE(s.next_wake(clock.now()));
}

TEST(SchedulerTest, QueuedCallIsDroppedAtItsDeadline) {
  core::ManualClock clock;
  auto o = roomy();
  o.private_chat_rate = 1;
  o.private_chat_burst = 1;
  Scheduler s(o);
  s.enqueue(message(1));
  auto late = message(1);
  late.deadline = clock.now() + 500ms;
  const JobId late_id = s.enqueue(std::move(late));
  auto first = s.next(clock.now());
  (void)s.on_done(first->id, ok(), clock.now());
  EXPECT_FALSE(s.next(clock.now()));  // chat limit: next slot in 1 s
  EXPECT_EQ(s.next_wake(clock.now()), clock.now() + 500ms);
  clock.advance(500ms);
  auto expired = s.take_expired(clock.now());
  ASSERT_EQ(expired.size(), 1u);
  EXPECT_EQ(expired[0].id, late_id);
  EXPECT_EQ(s.queued(Priority::kInteractive), 0u);
  clock.advance(1s);
  EXPECT_FALSE(s.next(clock.now()));
}

TEST(SchedulerTest, RetryPastDeadlineIsReportedAsDeadlineExceeded) {
  core::ManualClock clock;
  Scheduler s(roomy());
  auto j = message(1);
  j.deadline = clock.now() + 3s;
  s.enqueue(std::move(j));
  auto started = s.next(clock.now());
  auto fin = s.on_done(started->id, error(429, "Too Many Requests", 5), clock.now());
  ASSERT_TRUE(fin);
  EXPECT_EQ(fin->result.error.error_code, kOutboxErrorCode);
  EXPECT_EQ(fin->result.error.description, kDeadlineExceeded);
}

TEST(SchedulerTest, PaidBroadcastFlagsBulkSendsOnly) {
  core::ManualClock clock;
  auto o = roomy();
  o.global_rate = 30;
  o.global_burst = 1;
  o.paid_broadcast_rate = 1000;
  Scheduler s(o);
  s.enqueue(message(1, Priority::kInteractive));
  s.enqueue(message(2, Priority::kBulk));
  s.enqueue(message(3, Priority::kBulk, "forwardMessage"));
  s.enqueue(message(4, Priority::kBulk, "getChat"));
  std::map<std::int64_t, bool> flagged;
  for (auto& st : run(s, clock)) {
    flagged[chat_of(st.job)] = st.job.request.params.contains("allow_paid_broadcast");
  }
  EXPECT_EQ(flagged, (std::map<std::int64_t, bool>{{1, false}, {2, true}, {3, false}, {4, false}}));
}

TEST(SchedulerTest, PaidBroadcastRunsBulkAtThePaidRate) {
  core::ManualClock clock;
  auto o = roomy();
  o.global_rate = 30;
  o.global_burst = 1;
  o.paid_broadcast_rate = 1000;
  o.bulk_reserve = 1;
  Scheduler s(o);
  for (int i = 0; i < 1000; ++i) s.enqueue(message(i + 1, Priority::kBulk));
  const TimePoint t0 = clock.now();
  auto starts = run(s, clock);
  ASSERT_EQ(starts.size(), 1000u);
  // 999 (1000 - bulk_reserve) per 1 s + guard, evenly paced: the 1000th is one window later.
  EXPECT_GE(starts.back().at - t0, 1s + o.global_window_guard);
  EXPECT_LE(starts.back().at - t0, 1s + o.global_window_guard + 1us);
  for (std::size_t i = 999; i < starts.size(); ++i) {
    EXPECT_GE(starts[i].at - starts[i - 999].at, 1s + o.global_window_guard);
  }
}

TEST(SchedulerTest, InFlightCapFollowsRateTimesLatency) {
  core::ManualClock clock;
  auto o = roomy();
  o.global_rate = 100;
  o.global_burst = 1;
  o.min_in_flight = 2;
  o.max_in_flight = 50;
  o.concurrency_headroom = 2;
  o.initial_latency = 1ms;  // 100/s x 1 ms x 2 < 2: the floor applies
  o.latency_smoothing = 1.0;
  Scheduler s(o);
  for (int i = 0; i < 100; ++i) s.enqueue(message(i + 1, Priority::kBulk));
  EXPECT_EQ(s.in_flight_limit(), 2u);
  std::vector<Job> in_flight;
  while (in_flight.size() < 3) {
    while (auto j = s.next(clock.now())) in_flight.push_back(*j);
    if (in_flight.size() >= 2) break;
    clock.advance(*s.next_wake(clock.now()) - clock.now());
  }
  EXPECT_EQ(in_flight.size(), 2u);
  clock.advance(1s);
  EXPECT_FALSE(s.next(clock.now()));  // capped, although the budget allows
  // A 100 ms answer: target = 100/s x 0.1 s x 2 = 20.
  (void)s.on_done(in_flight[0].id, ok(), in_flight[0].started_at + 100ms);
  EXPECT_EQ(s.in_flight_limit(), 20u);
  // A 10 s answer: capped at the maximum.
  (void)s.on_done(in_flight[1].id, ok(), in_flight[1].started_at + 10s);
  EXPECT_EQ(s.in_flight_limit(), 50u);
}

TEST(SchedulerTest, PausedClassKeepsItsQueue) {
  core::ManualClock clock;
  Scheduler s(roomy());
  s.enqueue(message(1, Priority::kBulk));
  s.enqueue(message(2, Priority::kNotification));
  s.pause(Priority::kBulk, true);
  auto starts = run(s, clock);
  ASSERT_EQ(starts.size(), 1u);
  EXPECT_EQ(starts[0].job.priority, Priority::kNotification);
  auto left = s.take_queued();
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0].priority, Priority::kBulk);
  EXPECT_EQ(s.queued(Priority::kBulk), 0u);
}

TEST(SchedulerTest, ChatKeys) {
  boost::json::object p;
  EXPECT_FALSE(chat_key_of(p));
  p["chat_id"] = 5;
  EXPECT_EQ(chat_key_of(p), 5);
  p["chat_id"] = "-1001234";
  EXPECT_EQ(chat_key_of(p), -1001234);
  p["chat_id"] = "@channel";
  auto key = chat_key_of(p);
  ASSERT_TRUE(key);
  EXPECT_LT(*key, -(std::int64_t{1} << 62) + 1);
  EXPECT_EQ(classify_method("sendMessage"), CallKind::kSend);
  EXPECT_EQ(classify_method("copyMessages"), CallKind::kSend);
  EXPECT_EQ(classify_method("editMessageReplyMarkup"), CallKind::kEdit);
  EXPECT_EQ(classify_method("deleteMessages"), CallKind::kEdit);
  EXPECT_EQ(classify_method("sendChatAction"), CallKind::kUnlimited);
  EXPECT_EQ(classify_method("getUpdates"), CallKind::kUnlimited);
}

}  // namespace
}  // namespace corebot::outbox
