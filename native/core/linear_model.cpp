// The four binary linear models (logistic / least squares × dense / CSR) and the objective factory.
#include "core/linear_model.hpp"

#include "core/linear_objectives.hpp"
#include "core/losses.hpp"
#include "core/softmax.hpp"

namespace stepsearch::core {

template class LinearModel<DenseView, LogisticLoss>;
template class LinearModel<CsrView, LogisticLoss>;
template class LinearModel<DenseView, SquaredLoss>;
template class LinearModel<CsrView, SquaredLoss>;

namespace {
template <class Matrix>
std::unique_ptr<Objective> make_for(LossKind loss, const Matrix& X, const double* y, double l2, Index classes) {
  switch (loss) {
    case LossKind::kLogistic:
      return std::make_unique<LinearModel<Matrix, LogisticLoss>>(X, y, l2);
    case LossKind::kLeastSquares:
      return std::make_unique<LinearModel<Matrix, SquaredLoss>>(X, y, l2);
    case LossKind::kSoftmax:
      return std::make_unique<SoftmaxModel<Matrix>>(X, y, classes, l2);
  }
  return nullptr;
}
}  // namespace

std::unique_ptr<Objective> make_linear_objective(LossKind loss, const DenseView& X, const double* y, double l2,
                                                 Index classes) {
  return make_for(loss, X, y, l2, classes);
}
std::unique_ptr<Objective> make_linear_objective(LossKind loss, const CsrView& X, const double* y, double l2,
                                                 Index classes) {
  return make_for(loss, X, y, l2, classes);
}

}  // namespace stepsearch::core
