#include "sandbox/feed.hpp"

#include <utility>
#include <vector>

namespace corebot::sandbox {
namespace json = boost::json;

std::int64_t Feed::add(const std::string& key, boost::json::object entry) {
  const std::int64_t seq = next_seq_++;
  // "seq" is added when an entry is read: adding it here grew (rehashed) every entry once.
  entries_.push_back(Entry{key, std::move(entry)});
  while (entries_.size() > capacity_) {
    entries_.pop_front();
    ++first_seq_;
  }
  std::vector<std::function<void()>> woken;
  for (auto it = waiters_.begin(); it != waiters_.end();) {
    if (it->second.key == key) {
      woken.push_back(std::move(it->second.wake));
      it = waiters_.erase(it);
    } else {
      ++it;
    }
  }
  for (auto& wake : woken) wake();
  return seq;
}

boost::json::array Feed::since(
    const std::string& key, std::int64_t since,
    const std::function<bool(const boost::json::object&)>& filter) const {
  boost::json::array out;
  std::size_t start = 0;
  if (since >= first_seq_) start = static_cast<std::size_t>(since - first_seq_ + 1);
  for (std::size_t i = start; i < entries_.size(); ++i) {
    const Entry& e = entries_[i];
    if (e.key != key || (filter && !filter(e.body))) continue;
    json::object copy;
    copy.reserve(e.body.size() + 1);
    for (const auto& field : e.body) copy.emplace(field.key(), field.value());
    copy.emplace("seq", first_seq_ + static_cast<std::int64_t>(i));
    out.emplace_back(std::move(copy));
  }
  return out;
}

Feed::WaiterId Feed::wait(const std::string& key, std::function<void()> wake) {
  const WaiterId id = next_waiter_++;
  waiters_.emplace(id, Waiter{key, std::move(wake)});
  return id;
}

void Feed::cancel(WaiterId id) { waiters_.erase(id); }

void Feed::wake_all() {
  auto waiters = std::exchange(waiters_, {});
  for (auto& [id, waiter] : waiters) waiter.wake();
}

}  // namespace corebot::sandbox
