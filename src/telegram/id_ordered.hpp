// A map from update id to T for the long poller's received updates: ids arrive in ascending order
// and leave from the front, so a sorted deque does what std::map would without a heap node per
// update (the poller's hot path). An id that arrives out of order is still inserted in place.
// References stay valid across emplace at the back and erase at the front; iterators do not.
#pragma once

#include <algorithm>
#include <cstdint>
#include <deque>
#include <utility>

namespace corebot::telegram {

template <typename T>
class IdOrdered {
 public:
  using value_type = std::pair<std::int64_t, T>;
  using iterator = typename std::deque<value_type>::iterator;

  [[nodiscard]] iterator begin() { return items_.begin(); }
  [[nodiscard]] iterator end() { return items_.end(); }
  [[nodiscard]] std::size_t size() const { return items_.size(); }
  [[nodiscard]] bool empty() const { return items_.empty(); }

  // The first entry with an id not below `id`.
  [[nodiscard]] iterator lower_bound(std::int64_t id) {
    if (items_.empty() || items_.front().first >= id) return items_.begin();
    return std::lower_bound(items_.begin(), items_.end(), id,
                            [](const value_type& v, std::int64_t k) { return v.first < k; });
  }
  [[nodiscard]] iterator find(std::int64_t id) {
    auto it = lower_bound(id);
    return it != items_.end() && it->first == id ? it : items_.end();
  }
  [[nodiscard]] bool contains(std::int64_t id) { return find(id) != items_.end(); }
  // Adds `id` (it must not be present yet).
  void emplace(std::int64_t id, T value) {
    if (items_.empty() || items_.back().first < id) {
      items_.emplace_back(id, std::move(value));
    } else {
      items_.emplace(lower_bound(id), id, std::move(value));
    }
  }
  // Removes the entries before `until` (an iterator from lower_bound).
  void erase_front(iterator until) { items_.erase(items_.begin(), until); }

 private:
  std::deque<value_type> items_;
};

}  // namespace corebot::telegram
