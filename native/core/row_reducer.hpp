// Deterministic row-parallel reductions for the linear models.
//
// Rows [0, m) are split into one contiguous block per thread. Each thread adds its rows' contributions into
// its own vector accumulator (allocated once, grown only when the thread count or width grows) and returns
// its scalar partial sums; the accumulators are then summed in thread order (parallel over columns) and the
// scalar parts in thread order. For a given thread count the result is therefore bit-for-bit reproducible,
// whatever the scheduling. Eigen's GEMV is not used: it would make two passes (X·w, then Xᵀr) and is serial.
#pragma once
#include <omp.h>

#include <algorithm>
#include <cstdint>
#include <vector>

#include "core/objective.hpp"
#include "core/stable_math.hpp"

namespace stepsearch::core {

// The scalar results of one block: a loss sum, and a second sum some kernels need (the line slope).
struct PartialSums {
  CompensatedSum first;
  CompensatedSum second;
  void add(const PartialSums& o) {
    first.add(o.first);
    second.add(o.second);
  }
};

class RowReducer {
 public:
  // body(begin, end, tid, acc) handles rows [begin, end): it adds its vector contribution into acc (`width`
  // doubles, zeroed on entry; null when width is 0) and returns its scalar sums. It must not throw (it runs
  // inside an OpenMP region) and may use tid to pick per-thread scratch sized for `threads`.
  // Writes the summed vector to out (when width > 0) and returns the summed scalars.
  // With one thread the block accumulates straight into out (no copy).
  template <class Body>
  PartialSums run(Index m, int threads, Index width, double* out, Body&& body) {
    if (threads <= 1 || m < 2) {
      if (width > 0) std::fill(out, out + width, 0.0);
      return body(Index{0}, m, 0, out);
    }
    // Each thread's accumulator starts on its own 64-byte cache line: with a shared line at the boundary,
    // every row update would bounce that line between cores (measured: dense d = 200 ran no faster on two
    // threads than on one).
    const std::size_t stride = (static_cast<std::size_t>(width) + kLineDoubles - 1) / kLineDoubles * kLineDoubles;
    const std::size_t need = static_cast<std::size_t>(threads) * stride + kLineDoubles;
    if (buffers_.size() < need) buffers_.resize(need);
    if (partial_.size() < static_cast<std::size_t>(threads)) partial_.resize(threads);
    const std::size_t misalign = (reinterpret_cast<std::uintptr_t>(buffers_.data()) / sizeof(double)) % kLineDoubles;
    double* bufs = buffers_.data() + (misalign == 0 ? 0 : kLineDoubles - misalign);
    PartialSums* partial = partial_.data();
    int used = 1;
#pragma omp parallel num_threads(threads)
    {
      const int nt = omp_get_num_threads();
      const int tid = omp_get_thread_num();
      double* acc = width > 0 ? bufs + static_cast<std::size_t>(tid) * stride : nullptr;
      if (width > 0) std::fill(acc, acc + width, 0.0);
      partial[tid] = body(m * tid / nt, m * (tid + 1) / nt, tid, acc);
      if (tid == 0) used = nt;
      if (width > 0) {
#pragma omp barrier
#pragma omp for schedule(static)
        for (Index j = 0; j < width; ++j) {
          double s = bufs[j];
          for (int t = 1; t < nt; ++t) s += bufs[static_cast<std::size_t>(t) * stride + j];
          out[j] = s;
        }
      }
    }
    PartialSums total;
    for (int t = 0; t < used; ++t) total.add(partial[t]);
    return total;
  }

 private:
  static constexpr std::size_t kLineDoubles = 64 / sizeof(double);
  std::vector<double> buffers_;  // threads × stride (+ alignment slack): per-thread vector accumulators
  std::vector<PartialSums> partial_;
};

}  // namespace stepsearch::core
