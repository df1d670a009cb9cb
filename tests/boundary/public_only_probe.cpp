// Must compile: a module that uses every public header (the control case of the boundary test:
// if this fails, the failure of engine_header_probe.cpp proves nothing).
#include "corebot/clock.hpp"
#include "corebot/content.hpp"
#include "corebot/context.hpp"
#include "corebot/jobs.hpp"
#include "corebot/module.hpp"
#include "corebot/module_factory.hpp"
#include "corebot/registry.hpp"
#include "corebot/run.hpp"
#include "corebot/sender.hpp"
#include "corebot/services.hpp"
#include "corebot/settings.hpp"
#include "corebot/store.hpp"
#include "corebot/timers.hpp"
#include "corebot/users.hpp"

class ProbeModule final : public corebot::Module {
 public:
  corebot::ModuleInfo info() const override { return {.name = "probe"}; }
  corebot::Handled on_update(corebot::Context&) override { return corebot::Handled::kStop; }
};

corebot::ModuleFactory probe_factory() {
  return {"probe", [] { return std::make_unique<ProbeModule>(); }, corebot::ModuleDefault::kOff};
}
