// Must NOT compile: a module reaching into the engine (src/core/log.hpp). The boundary test builds
// this target and expects the compiler to say the header does not exist for a module.
#include "core/log.hpp"
#include "corebot/module.hpp"

void boundary_probe() { COREBOT_LOG_INFO("a module logging through the engine's own logger"); }
