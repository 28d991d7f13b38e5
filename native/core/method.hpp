// The contract between the driver (core/driver.cpp) and a deterministic method; mirrors
// lib/optimizers/method.ts. A method owns its state and the current accepted point (x, f, ∇f); the driver
// owns the loop, the counters and every stopping rule except the method's own failures.
#pragma once
#include <Eigen/Core>
#include <memory>
#include <string>

#include "core/counted_objective.hpp"
#include "core/result.hpp"
#include "core/settings.hpp"

namespace stepsearch::core {

using Vector = Eigen::VectorXd;

struct StepOutcome {
  bool accepted = false;
  double step_size = 0;
  Status stop = Status::kRunning;  // kRunning: carry on
  std::string message;

  static StepOutcome stopped(Status s, std::string why) {
    StepOutcome o;
    o.stop = s;
    o.message = std::move(why);
    return o;
  }
};

class Method {
 public:
  // x0, f0 and g0 were evaluated (and counted) by the driver.
  Method(CountedObjective& oracle, const Vector& x0, double f0, const Vector& g0)
      : oracle_(oracle), x_(x0), fun_(f0), grad_(g0) {}
  virtual ~Method() = default;

  // One iteration; every inner loop has a documented cap.
  virtual StepOutcome step() = 0;

  const Vector& x() const { return x_; }
  double fun() const { return fun_; }
  const Vector& grad() const { return grad_; }

 protected:
  CountedObjective& oracle_;
  Vector x_;
  double fun_;
  Vector grad_;
};

// Builds a method by name; throws std::invalid_argument for an unknown name (the TS side validated it).
std::unique_ptr<Method> make_method(const std::string& name, CountedObjective& oracle, const Vector& x0, double f0,
                                    const Vector& g0, const Settings& settings);

// Whether make_method knows the name.
bool native_method_exists(const std::string& name);

}  // namespace stepsearch::core
