#include "core/line_search.hpp"

#include <algorithm>
#include <cmath>

namespace stepsearch::core {

namespace {

constexpr double kXtrapl = 1.1;
constexpr double kXtrapu = 4.0;
constexpr double kP5 = 0.5;
constexpr double kP66 = 0.66;

// dcstep's dx/|dx|, 0 at dx = 0.
double sign_of(double v) { return v > 0 ? 1.0 : (v < 0 ? -1.0 : 0.0); }

struct StepState {
  double stx, fx, dx;
  double sty, fy, dy;
  bool brackt;
};

double max3(double a, double b, double c) { return std::max(std::max(a, b), c); }

// Moré–Thuente's safeguarded step (dcstep); line for line with dcstep in line_search.ts.
double dcstep(StepState& s, double stp, double fp, double dp, double stpmin, double stpmax) {
  const double stx = s.stx, fx = s.fx, dx = s.dx, sty = s.sty, fy = s.fy, dy = s.dy;
  const double sgnd = dp * sign_of(dx);
  double stpf;
  if (fp > fx) {
    // Case 1: higher value; bracketed.
    const double theta = (3 * (fx - fp)) / (stp - stx) + dx + dp;
    const double sc = max3(std::abs(theta), std::abs(dx), std::abs(dp));
    double gamma = sc * std::sqrt((theta / sc) * (theta / sc) - (dx / sc) * (dp / sc));
    if (stp < stx) gamma = -gamma;
    const double p = gamma - dx + theta;
    const double q = gamma - dx + gamma + dp;
    const double r = p / q;
    const double stpc = stx + r * (stp - stx);
    const double stpq = stx + (dx / ((fx - fp) / (stp - stx) + dx) / 2) * (stp - stx);
    if (std::abs(stpc - stx) < std::abs(stpq - stx))
      stpf = stpc;
    else
      stpf = stpc + (stpq - stpc) / 2;
    s.brackt = true;
  } else if (sgnd < 0) {
    // Case 2: lower value, derivatives of opposite sign; bracketed.
    const double theta = (3 * (fx - fp)) / (stp - stx) + dx + dp;
    const double sc = max3(std::abs(theta), std::abs(dx), std::abs(dp));
    double gamma = sc * std::sqrt((theta / sc) * (theta / sc) - (dx / sc) * (dp / sc));
    if (stp > stx) gamma = -gamma;
    const double p = gamma - dp + theta;
    const double q = gamma - dp + gamma + dx;
    const double r = p / q;
    const double stpc = stp + r * (stx - stp);
    const double stpq = stp + (dp / (dp - dx)) * (stx - stp);
    if (std::abs(stpc - stp) > std::abs(stpq - stp))
      stpf = stpc;
    else
      stpf = stpq;
    s.brackt = true;
  } else if (std::abs(dp) < std::abs(dx)) {
    // Case 3: lower value, same-sign derivative decreasing in magnitude.
    const double theta = (3 * (fx - fp)) / (stp - stx) + dx + dp;
    const double sc = max3(std::abs(theta), std::abs(dx), std::abs(dp));
    double gamma = sc * std::sqrt(std::max(0.0, (theta / sc) * (theta / sc) - (dx / sc) * (dp / sc)));
    if (stp > stx) gamma = -gamma;
    const double p = gamma - dp + theta;
    const double q = gamma + (dx - dp) + gamma;
    const double r = p / q;
    double stpc;
    if (r < 0 && gamma != 0)
      stpc = stp + r * (stx - stp);
    else if (stp > stx)
      stpc = stpmax;
    else
      stpc = stpmin;
    const double stpq = stp + (dp / (dp - dx)) * (stx - stp);
    if (s.brackt) {
      stpf = std::abs(stpc - stp) < std::abs(stpq - stp) ? stpc : stpq;
      if (stp > stx)
        stpf = std::min(stp + kP66 * (sty - stp), stpf);
      else
        stpf = std::max(stp + kP66 * (sty - stp), stpf);
    } else {
      stpf = std::abs(stpc - stp) > std::abs(stpq - stp) ? stpc : stpq;
      stpf = std::min(stpmax, stpf);
      stpf = std::max(stpmin, stpf);
    }
  } else {
    // Case 4: lower value, same-sign derivative not decreasing.
    if (s.brackt) {
      const double theta = (3 * (fp - fy)) / (sty - stp) + dy + dp;
      const double sc = max3(std::abs(theta), std::abs(dy), std::abs(dp));
      double gamma = sc * std::sqrt((theta / sc) * (theta / sc) - (dy / sc) * (dp / sc));
      if (stp > sty) gamma = -gamma;
      const double p = gamma - dp + theta;
      const double q = gamma - dp + gamma + dy;
      const double r = p / q;
      stpf = stp + r * (sty - stp);
    } else if (stp > stx) {
      stpf = stpmax;
    } else {
      stpf = stpmin;
    }
  }
  if (fp > fx) {
    s.sty = stp;
    s.fy = fp;
    s.dy = dp;
  } else {
    if (sgnd < 0) {
      s.sty = stx;
      s.fy = fx;
      s.dy = dx;
    }
    s.stx = stp;
    s.fx = fp;
    s.dx = dp;
  }
  return stpf;
}

}  // namespace

MoreThuenteResult more_thuente(Line& line, double f0, double g0, double t0, const MoreThuenteParams& p) {
  MoreThuenteResult res;
  const LinePoint origin{0, f0, g0};
  if (!(g0 < 0) || !std::isfinite(f0)) {
    res.outcome = MoreThuenteOutcome::kNotDescent;
    res.message = "not a descent direction (phi'(0) >= 0)";
    res.last = origin;
    res.best = origin;
    return res;
  }
  const double stpmin = p.step_min;
  double stpmax = p.step_max;
  double stp = std::min(std::max(t0, stpmin), stpmax);
  const double finit = f0;
  const double ginit = g0;
  const double gtest = p.c1 * ginit;
  int stage = 1;
  double width = stpmax - stpmin;
  double width1 = width / kP5;
  StepState s{0, finit, ginit, 0, finit, ginit, false};
  double stmin = 0;
  double stmax = stp + kXtrapu * stp;
  res.last = origin;
  res.outcome = MoreThuenteOutcome::kMaxTrials;
  res.message = "no strong Wolfe step in " + std::to_string(p.max_trials) + " trials (maxLineSearchSteps)";
  int trials = 0;
  while (trials < p.max_trials) {
    double g = 0;
    const double f = line.value_and_slope(stp, &g);
    ++trials;
    res.last = LinePoint{stp, f, g};
    if (!std::isfinite(f) || !std::isfinite(g)) {
      // Failed trial (spec §0): halve back towards the best step and stay below the midpoint from now on.
      res.last_sufficient = false;
      const double mid = s.stx + kP5 * (stp - s.stx);
      if (stp > s.stx) stpmax = std::min(stpmax, mid);
      stp = mid;
      continue;
    }
    const double ftest = finit + stp * gtest;
    res.last_sufficient = f <= ftest;
    if (stage == 1 && f <= ftest && g >= 0) stage = 2;
    const char* warning = nullptr;
    if (s.brackt && (stp <= stmin || stp >= stmax)) warning = "rounding errors prevent progress";
    if (s.brackt && stmax - stmin <= p.xtol * stmax) warning = "the bracketing interval is below xtol";
    if (stp == stpmax && f <= ftest && g <= gtest) warning = "the step reached its upper bound";
    if (stp == stpmin && (f > ftest || g >= gtest)) warning = "the step reached its lower bound";
    if (f <= ftest && std::abs(g) <= p.c2 * -ginit) {
      res.outcome = MoreThuenteOutcome::kConverged;
      res.message = "strong Wolfe conditions hold";
      break;
    }
    if (warning != nullptr) {
      res.outcome = MoreThuenteOutcome::kWarning;
      res.message = warning;
      break;
    }
    if (stage == 1 && f <= s.fx && f > ftest) {
      // Stage 1: the modified function ψ(t) = φ(t) − φ(0) − t·c1·φ'(0).
      StepState m{s.stx, s.fx - s.stx * gtest, s.dx - gtest, s.sty, s.fy - s.sty * gtest, s.dy - gtest, s.brackt};
      stp = dcstep(m, stp, f - stp * gtest, g - gtest, stmin, stmax);
      s.brackt = m.brackt;
      s.stx = m.stx;
      s.fx = m.fx + m.stx * gtest;
      s.dx = m.dx + gtest;
      s.sty = m.sty;
      s.fy = m.fy + m.sty * gtest;
      s.dy = m.dy + gtest;
    } else {
      stp = dcstep(s, stp, f, g, stmin, stmax);
    }
    if (s.brackt) {
      if (std::abs(s.sty - s.stx) >= kP66 * width1) stp = s.stx + kP5 * (s.sty - s.stx);
      width1 = width;
      width = std::abs(s.sty - s.stx);
    }
    if (s.brackt) {
      stmin = std::min(s.stx, s.sty);
      stmax = std::max(s.stx, s.sty);
    } else {
      stmin = stp + kXtrapl * (stp - s.stx);
      stmax = stp + kXtrapu * (stp - s.stx);
    }
    stp = std::max(stp, stpmin);
    stp = std::min(stp, stpmax);
    if ((s.brackt && (stp <= stmin || stp >= stmax)) || (s.brackt && stmax - stmin <= p.xtol * stmax)) stp = s.stx;
  }
  res.trials = trials;
  res.best = LinePoint{s.stx, s.fx, s.dx};
  res.best_sufficient = s.stx > 0 && s.fx <= finit + s.stx * gtest;
  return res;
}

BacktrackingResult backtracking_armijo(Line& line, double f0, double slope0, const BacktrackingParams& p) {
  BacktrackingResult res;
  double t = p.t0;
  res.value = f0;
  if (!(slope0 < 0)) return res;
  for (int trials = 1; trials <= p.max_trials; ++trials) {
    const double value = line.value(t);
    res.step = t;
    res.value = value;
    res.trials = trials;
    if (std::isfinite(value) && value - f0 <= p.c1 * t * slope0) {
      res.ok = true;
      return res;
    }
    if (trials < p.max_trials) t *= p.shrink;
  }
  return res;
}

}  // namespace stepsearch::core
