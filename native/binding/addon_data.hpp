// Per-environment data of the addon (context-aware: worker threads each load their own instance, so nothing
// here may be a global). node-addon-api offers one instance-data slot per env; this struct is that slot.
// Bindings that need to construct their classes from C++ keep the constructors here (add a field).
#pragma once
#include <napi.h>

namespace stepsearch::binding {

struct AddonData {
  Napi::FunctionReference linear_objective;  // objective_wrap.cc: LinearObjective
  Napi::FunctionReference line;              // objective_wrap.cc: Line
};

// The env's AddonData, created on first use and deleted by node-addon-api when the env is torn down.
inline AddonData& GetAddonData(Napi::Env env) {
  AddonData* data = env.GetInstanceData<AddonData>();
  if (data == nullptr) {
    data = new AddonData();
    env.SetInstanceData<AddonData>(data);
  }
  return *data;
}

}  // namespace stepsearch::binding
