#include "core/threads.hpp"

#include <omp.h>

#include <atomic>

namespace stepsearch::core {

namespace {
std::atomic<int> g_threads{0};  // 0 = use the OpenMP default
}

int thread_count() {
  int n = g_threads.load(std::memory_order_relaxed);
  return n > 0 ? n : omp_get_max_threads();
}

void set_thread_count(int n) { g_threads.store(n > 0 ? n : 0, std::memory_order_relaxed); }

}  // namespace stepsearch::core
