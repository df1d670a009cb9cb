#include "core/clock.hpp"

namespace corebot::core {

SystemClock& SystemClock::instance() {
  static SystemClock clock;
  return clock;
}

}  // namespace corebot::core
