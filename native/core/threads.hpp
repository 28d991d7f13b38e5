// Thread-count policy for every OpenMP kernel of the core.
//
// One process-wide setting (an atomic, so it is safe to read from worker threads): OpenMP's own
// omp_set_num_threads() is per calling thread, so a value set on the JS main thread would not reach a
// libuv worker running an async fit. Kernels pass thread_count() in a num_threads() clause and only go
// parallel when the work is large enough to pay for the fork/join (parallel_worth_it).
#pragma once
#include <cstdint>

namespace stepsearch::core {

// Threads a kernel may use: setThreads(n) if called, else OMP_NUM_THREADS / omp_get_max_threads(), divided
// among the native runs in progress (see ActiveRun) so concurrent async fits do not oversubscribe the cores.
int thread_count();
// The configured count before dividing among runs.
int configured_thread_count();
// n >= 1; 0 restores the default.
void set_thread_count(int n);

// Below this many scalar multiply-adds a kernel stays serial. A fork/join costs a few microseconds on an idle
// 2-core machine, but when the cores are shared (a server, parallel test workers) every barrier waits for a
// descheduled thread and a 50k-flop evaluation became ~1000x slower (breast-cancer 569×31 logistic). 2^18
// multiply-adds is ~100 µs of serial work: parallel regions are then long enough that the barrier cost stays
// a small fraction even under contention.
constexpr std::int64_t kParallelMinWork = std::int64_t{1} << 18;

// Marks a native run (sync or async) as in progress for the lifetime of the object. While k runs are in
// progress each kernel uses max(1, configured / k) threads: 4 concurrent fits on 2 cores use 1 thread each,
// one fit uses both (issue: no oversubscription of OpenMP threads and the libuv pool).
class ActiveRun {
 public:
  ActiveRun();
  ~ActiveRun();
  ActiveRun(const ActiveRun&) = delete;
  ActiveRun& operator=(const ActiveRun&) = delete;
};
int active_runs();

inline int threads_for(std::int64_t work) {
  return work < kParallelMinWork ? 1 : thread_count();
}

}  // namespace stepsearch::core
