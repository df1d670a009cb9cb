// Where the long poller parks updates that take long to handle (telegram::UpdateInbox), in the
// store collection "engine.inbox": one document per update, {_id: "<update_id>", update_id,
// update, parked_ms}. Parked updates were confirmed to Telegram, so this collection is the only
// copy until they are handled; the next start hands them over again (telegram/long_poller.hpp).
// Loop thread for every call and callback.
#pragma once

#include "core/clock.hpp"
#include "corebot/store.hpp"
#include "telegram/update_source.hpp"

namespace corebot::app {

class StoreUpdateInbox final : public telegram::UpdateInbox {
 public:
  static constexpr const char* kCollection = "engine.inbox";

  StoreUpdateInbox(AsyncStore& store, const core::Clock& clock) : store_(store), clock_(clock) {}

  void park(std::vector<boost::json::value> updates, std::function<void(bool ok)> done) override;
  void unpark(std::int64_t update_id) override;
  void load(std::function<void(std::vector<boost::json::value>)> done) override;

 private:
  AsyncStore& store_;
  const core::Clock& clock_;
};

}  // namespace corebot::app
