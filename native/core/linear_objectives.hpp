// Factories for the built-in data objectives (design.md §3; team rules "Objective definitions").
//
// The returned objectives borrow X and y: the arrays must outlive the objective and every view or line made
// from it, and must not change meanwhile (the N-API binding holds references to the JS arrays for that).
// Inputs are assumed validated (binding: convert.hpp / objective_wrap.cc): finite data, CSR indices sorted and
// in range, labels valid for the loss, l2 finite and ≥ 0, classes ≥ 2 for softmax.
#pragma once
#include <memory>

#include "core/data_matrix.hpp"
#include "core/objective.hpp"

namespace stepsearch::core {

enum class LossKind {
  kLogistic,      // labels b ∈ {0, 1}
  kLeastSquares,  // real targets
  kSoftmax,       // labels 0..classes−1 (as doubles), parameters feature-major W[j*K + k]
};

// classes is used by kSoftmax only.
std::unique_ptr<Objective> make_linear_objective(LossKind loss, const DenseView& X, const double* y, double l2,
                                                 Index classes);
std::unique_ptr<Objective> make_linear_objective(LossKind loss, const CsrView& X, const double* y, double l2,
                                                 Index classes);

}  // namespace stepsearch::core
