// Softmax models over dense and CSR data (constructed through make_linear_objective, linear_model.cpp).
#include "core/softmax.hpp"

namespace stepsearch::core {

template class SoftmaxModel<DenseView>;
template class SoftmaxModel<CsrView>;

}  // namespace stepsearch::core
