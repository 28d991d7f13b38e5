// The seeded random stream of the stochastic driver (spec §4.4), bit-for-bit identical to lib/stochastic/prng.ts:
// xoshiro128** seeded by SplitMix32 (lo word, then hi word of a seed ≤ 2^53 − 1), unbiased bounded draws by
// rejection (t = (2^32 − bound) mod bound; draw r until r ≥ t; return r mod bound), Fisher–Yates shuffles
// from the identity, and the per-epoch mini-batch sampler. Only 32-bit unsigned arithmetic, so JavaScript
// (Math.imul, >>> 0) reproduces every word.
#pragma once
#include <algorithm>
#include <cstdint>
#include <vector>

namespace stepsearch::core {

class Xoshiro128 {
 public:
  // seed: an integer in [0, 2^53 − 1] (validated by the caller).
  explicit Xoshiro128(std::uint64_t seed) {
    const std::uint32_t lo = static_cast<std::uint32_t>(seed & 0xFFFFFFFFu);
    const std::uint32_t hi = static_cast<std::uint32_t>(seed >> 32);
    std::uint32_t counter = lo;
    counter += 0x9E3779B9u;
    s_[0] = mix32(counter);
    counter += 0x9E3779B9u;
    s_[1] = mix32(counter);
    counter ^= hi;
    counter += 0x9E3779B9u;
    s_[2] = mix32(counter);
    counter += 0x9E3779B9u;
    s_[3] = mix32(counter);
    if ((s_[0] | s_[1] | s_[2] | s_[3]) == 0) s_[0] = 1;
  }

  std::uint32_t next() {
    const std::uint32_t result = rotl(s_[1] * 5u, 7) * 9u;
    const std::uint32_t t = s_[1] << 9;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 11);
    return result;
  }

  // Unbiased integer in [0, bound), 1 ≤ bound ≤ 2^32 − 1.
  std::uint32_t below(std::uint32_t bound) {
    const std::uint32_t threshold = static_cast<std::uint32_t>(0u - bound) % bound;  // (2^32 − bound) mod bound
    std::uint32_t r = next();
    while (r < threshold) r = next();
    return r % bound;
  }

 private:
  static std::uint32_t rotl(std::uint32_t x, int k) { return (x << k) | (x >> (32 - k)); }
  static std::uint32_t mix32(std::uint32_t z) {
    z ^= z >> 16;
    z *= 0x21F0AAADu;
    z ^= z >> 15;
    z *= 0x735A2D97u;
    z ^= z >> 15;
    return z;
  }
  std::uint32_t s_[4];
};

// A uniformly random permutation of 0..perm.size()−1 (Fisher–Yates from the identity).
inline void shuffle_identity(Xoshiro128& rng, std::vector<std::int32_t>& perm) {
  const std::size_t n = perm.size();
  for (std::size_t i = 0; i < n; ++i) perm[i] = static_cast<std::int32_t>(i);
  for (std::size_t i = n; i-- > 1;) {
    const std::size_t j = rng.below(static_cast<std::uint32_t>(i + 1));
    std::swap(perm[i], perm[j]);
  }
}

// Mini-batches of one epoch (mirrors EpochSampler in lib/stochastic/prng.ts): a fresh permutation per epoch
// cut into ⌈n/batch_size⌉ slices (the last possibly smaller); with `independent`, a second permutation drawn
// right after the first gives the line-search batches.
class EpochSampler {
 public:
  EpochSampler(std::int64_t num_samples, std::int64_t batch_size, std::uint64_t seed, bool independent)
      : rng_(seed), n_(num_samples), batch_size_(batch_size), perm_(static_cast<std::size_t>(num_samples)) {
    if (independent) search_perm_.resize(static_cast<std::size_t>(num_samples));
  }

  std::int64_t batches_per_epoch() const { return (n_ + batch_size_ - 1) / batch_size_; }

  void start_epoch() {
    shuffle_identity(rng_, perm_);
    if (!search_perm_.empty()) shuffle_identity(rng_, search_perm_);
  }

  // Rows of batch k: pointer into the epoch's permutation (valid until the next start_epoch) and count.
  const std::int32_t* batch(std::int64_t k) const { return perm_.data() + k * batch_size_; }
  const std::int32_t* search_batch(std::int64_t k) const {
    return search_perm_.empty() ? batch(k) : search_perm_.data() + k * batch_size_;
  }
  std::int64_t batch_count(std::int64_t k) const { return std::min(batch_size_, n_ - k * batch_size_); }

 private:
  Xoshiro128 rng_;
  std::int64_t n_;
  std::int64_t batch_size_;
  std::vector<std::int32_t> perm_;
  std::vector<std::int32_t> search_perm_;
};

}  // namespace stepsearch::core
