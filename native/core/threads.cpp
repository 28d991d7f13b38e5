#include "core/threads.hpp"

#include <omp.h>

#include <atomic>

namespace stepsearch::core {

namespace {
std::atomic<int> g_threads{0};  // 0 = use the OpenMP default
std::atomic<int> g_active_runs{0};
}

int configured_thread_count() {
  int n = g_threads.load(std::memory_order_relaxed);
  return n > 0 ? n : omp_get_max_threads();
}

int thread_count() {
  const int runs = g_active_runs.load(std::memory_order_relaxed);
  const int n = configured_thread_count();
  return runs > 1 ? (n / runs > 1 ? n / runs : 1) : n;
}

ActiveRun::ActiveRun() { g_active_runs.fetch_add(1, std::memory_order_relaxed); }
ActiveRun::~ActiveRun() { g_active_runs.fetch_sub(1, std::memory_order_relaxed); }
int active_runs() { return g_active_runs.load(std::memory_order_relaxed); }

void set_thread_count(int n) { g_threads.store(n > 0 ? n : 0, std::memory_order_relaxed); }

}  // namespace stepsearch::core
