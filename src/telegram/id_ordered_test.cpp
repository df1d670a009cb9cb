// IdOrdered: the long poller's map of received updates, kept in a deque in id order.
#include "telegram/id_ordered.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace corebot::telegram {
namespace {

std::vector<std::int64_t> ids(IdOrdered<std::string>& m) {
  std::vector<std::int64_t> out;
  for (auto& [id, v] : m) out.push_back(id);
  return out;
}

TEST(IdOrderedTest, KeepsIdsInOrderWhetherTheyArriveInOrderOrNot) {
  IdOrdered<std::string> m;
  m.emplace(10, "a");
  m.emplace(12, "c");
  m.emplace(11, "b");  // out of order: inserted in place
  m.emplace(5, "z");
  EXPECT_EQ(ids(m), (std::vector<std::int64_t>{5, 10, 11, 12}));
  ASSERT_NE(m.find(11), m.end());
  EXPECT_EQ(m.find(11)->second, "b");
  EXPECT_EQ(m.find(7), m.end());
  EXPECT_FALSE(m.contains(13));
  EXPECT_EQ(m.lower_bound(6)->first, 10);
  EXPECT_EQ(m.lower_bound(0)->first, 5);
  EXPECT_EQ(m.lower_bound(13), m.end());
}

TEST(IdOrderedTest, ErasesFromTheFrontAndKeepsReferencesToTheRest) {
  IdOrdered<std::string> m;
  for (std::int64_t id = 1; id <= 100; ++id) m.emplace(id, std::to_string(id));
  std::string& kept = m.find(60)->second;
  m.erase_front(m.lower_bound(51));
  for (std::int64_t id = 101; id <= 200; ++id) m.emplace(id, std::to_string(id));
  EXPECT_EQ(m.size(), 150u);
  EXPECT_EQ(m.begin()->first, 51);
  EXPECT_EQ(kept, "60");
  m.erase_front(m.end());
  EXPECT_TRUE(m.empty());
}

}  // namespace
}  // namespace corebot::telegram
