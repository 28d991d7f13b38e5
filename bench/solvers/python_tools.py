#!/usr/bin/env python3
"""Outside tools for Table 2 of bench/run.mjs: the solvers a Python user would reach for, on exactly our problem.

Usage (run by bench/solvers/table.mjs with the Debian interpreter /usr/bin/python3, where bench/setup installs them):
  python_tools.py --versions            -> JSON: versions of the tools and the BLAS in use
  python_tools.py DIR                   -> reads DIR/meta.json and the raw arrays bench/lib/data.mjs wrote,
                                           writes DIR/python-results.json

The problem (bench/lib/data.mjs): L2 logistic regression with the bias column already appended to X,
f(w) = (1/n) sum_i [log(1 + exp(z_i)) - b_i z_i] + (l2/2)||w||^2, z = Xw, b in {0,1}, l2 = 1/n, w0 = 0.
Each tool solves that very problem:
  - liblinear -s 0 (primal trust-region Newton), C = 1, B = -1 (the bias is our appended column, regularized):
    it minimizes (1/2)||w||^2 + C sum_i loss_i = n * f(w);
  - scikit-learn LogisticRegression(C=1, fit_intercept=False) on [X, 1], solvers lbfgs and newton-cg: it
    minimizes C sum_i loss_i + (1/2)||w||^2 = n * f(w) (sklearn 1.2 sums the loss);
  - scipy.optimize.minimize(method='L-BFGS-B') on f written in numpy (value and gradient in one call, m = 10);
  - torch.optim.LBFGS in float64 (strong Wolfe line search, history 10), f written with torch ops.
Protocol: the data are loaded and converted before the clock starts; only the solve is timed (perf_counter).
For each target tau (relative suboptimality (f - f*)/(f0 - f*) <= tau, f* given by the caller), tolerances are
tried from loose to tight (the tool's own stopping parameter, grids below) and the loosest that meets the target
is kept; its run is then repeated (meta.repeats in total; once if it took over 20 s) and the median/min/max reported. A run longer than the
per-run budget is stopped (SIGALRM) and counts as not reaching the target.
"""
import json
import os
import signal
import statistics
import sys
import time

GRIDS = {
    # tool: (parameter name shown in the report, loose -> tight)
    "liblinear": ("-e", [1e-1, 1e-2, 1e-3, 1e-4, 1e-5, 1e-6, 1e-7, 1e-8, 1e-9]),
    "sklearn-lbfgs": ("tol", [1e-2, 1e-3, 1e-4, 1e-5, 1e-6, 1e-7, 1e-8, 1e-9, 1e-10]),
    "sklearn-newton-cg": ("tol", [1e-2, 1e-3, 1e-4, 1e-5, 1e-6, 1e-7, 1e-8, 1e-9, 1e-10]),
    "scipy-lbfgsb": ("ftol = gtol", [1e-3, 1e-4, 1e-5, 1e-6, 1e-7, 1e-8, 1e-9, 1e-10, 1e-12]),
    "torch-lbfgs": ("tolerance_grad (tolerance_change = 1e-3 x)", [1e-2, 1e-3, 1e-4, 1e-5, 1e-6, 1e-7, 1e-8, 1e-9, 1e-10]),
}
ALL_TOOLS = list(GRIDS)


class Timeout(Exception):
    pass


def _alarm(signum, frame):
    raise Timeout()


def versions():
    out = {"python": sys.version.split()[0], "executable": sys.executable}
    for name in ("numpy", "scipy", "sklearn", "torch"):
        try:
            out[name] = __import__(name).__version__
        except Exception as e:  # noqa: BLE001 - any import failure means "skipped"
            out[name] = None
            out[name + "Error"] = f"{type(e).__name__}: {e}"
    try:
        _patch_scipy_for_liblinear()
        import liblinear  # noqa: F401

        import liblinearutil  # noqa: F401

        v = os.popen("dpkg-query -W -f='${Version}' python3-liblinear 2>/dev/null").read().strip()
        out["liblinear"] = v or "installed"
    except Exception as e:  # noqa: BLE001
        out["liblinear"] = None
        out["liblinearError"] = f"{type(e).__name__}: {e}"
    try:
        from threadpoolctl import threadpool_info

        out["blas"] = [
            {k: p.get(k) for k in ("internal_api", "num_threads", "version", "filepath")} for p in threadpool_info()
        ]
    except Exception:  # noqa: BLE001
        out["blas"] = None
    return out


def load(folder, meta):
    import numpy as np
    from scipy import sparse

    y = np.fromfile(os.path.join(folder, "y.f64"), dtype="<f8")
    n, d = meta["rows"], meta["cols"]
    if meta["kind"] == "dense":
        X = np.fromfile(os.path.join(folder, "X.f64"), dtype="<f8").reshape(n, d)
    else:
        indptr = np.fromfile(os.path.join(folder, "indptr.i32"), dtype="<i4")
        indices = np.fromfile(os.path.join(folder, "indices.i32"), dtype="<i4")
        values = np.fromfile(os.path.join(folder, "values.f64"), dtype="<f8")
        X = sparse.csr_matrix((values, indices, indptr), shape=(n, d))
    return X, y


def objective(X, b, l2):
    """Our f and its gradient in numpy (stable: logaddexp, expit)."""
    import numpy as np
    from scipy.special import expit

    n = X.shape[0]

    def f(w):
        z = X @ w
        return float(np.sum(np.logaddexp(0.0, z) - b * z) / n + 0.5 * l2 * (w @ w))

    def fg(w):
        z = X @ w
        loss = np.sum(np.logaddexp(0.0, z) - b * z) / n + 0.5 * l2 * (w @ w)
        g = X.T @ (expit(z) - b) / n + l2 * w
        return float(loss), g

    return f, fg


def _patch_scipy_for_liblinear():
    """Debian's python3-liblinear 2.3.0 calls numpy functions through the scipy namespace (scipy.ndarray,
    scipy.ctypeslib, ...), which scipy >= 1.x no longer re-exports; without them every ndarray/scipy.sparse input
    fails. Put the numpy names back (the values are numpy's own, so liblinear runs unchanged)."""
    import numpy
    import scipy

    for name in ("arange", "asarray", "ascontiguousarray", "ctypeslib", "empty", "errstate", "frombuffer", "ndarray", "where"):
        if not hasattr(scipy, name):
            setattr(scipy, name, getattr(numpy, name))


def make_tools(X, y, l2, threads, max_iter):
    """tool name -> solve(tol) returning (w, info dict). Setup that is not part of the solve happens here."""
    import numpy as np

    tools = {}
    n, d = X.shape
    dense = isinstance(X, np.ndarray)

    try:
        _patch_scipy_for_liblinear()
        import liblinear
        import liblinearutil
        from scipy import sparse

        # csr_to_problem is the vectorized path (a dense ndarray would be converted row by row in Python).
        prob = liblinear.problem(y, sparse.csr_matrix(X) if dense else X)

        def solve_liblinear(tol):
            # C = 1/(l2 n) (= 1 for l2 = 1/n): (1/2)||w||^2 + C sum(loss) = C n f(w).
            param = liblinear.parameter(f"-s 0 -c {1.0 / (l2 * n):.17g} -B -1 -e {tol:g} -q")
            t0 = time.perf_counter()
            model = liblinearutil.train(prob, param)
            t = time.perf_counter() - t0
            w = np.array([model.w[j] for j in range(d)])
            # liblinear's first label is its positive class: turn w around when that label is 0.
            if model.get_labels()[0] != 1:
                w = -w
            return w, {"seconds": t, "threads": 1}

        tools["liblinear"] = solve_liblinear
    except Exception as e:  # noqa: BLE001
        tools["liblinear"] = f"liblinear unavailable: {type(e).__name__}: {e}"

    try:
        import warnings

        from sklearn.exceptions import ConvergenceWarning
        from sklearn.linear_model import LogisticRegression

        def sk(solver):
            def solve(tol):
                # C = 1 makes sklearn's C*sum(loss) + 1/2||w||^2 equal to n * f(w) with l2 = 1/n.
                clf = LogisticRegression(C=1.0 / (l2 * n), fit_intercept=False, solver=solver, tol=tol, max_iter=max_iter)
                with warnings.catch_warnings(record=True) as caught:
                    warnings.simplefilter("always", ConvergenceWarning)
                    t0 = time.perf_counter()
                    clf.fit(X, y)
                    t = time.perf_counter() - t0
                warned = any(issubclass(c.category, ConvergenceWarning) for c in caught)
                return clf.coef_[0].copy(), {
                    "seconds": t, "threads": threads,
                    "iterations": int(clf.n_iter_[0]),
                    "message": "ConvergenceWarning (max_iter or line search)" if warned else "",
                }

            return solve

        tools["sklearn-lbfgs"] = sk("lbfgs")
        tools["sklearn-newton-cg"] = sk("newton-cg")
    except Exception as e:  # noqa: BLE001
        tools["sklearn-lbfgs"] = tools["sklearn-newton-cg"] = f"scikit-learn unavailable: {type(e).__name__}: {e}"

    try:
        from scipy.optimize import minimize

        _, fg = objective(X, y, l2)

        def solve_scipy(tol):
            w0 = np.zeros(d)
            t0 = time.perf_counter()
            r = minimize(fg, w0, jac=True, method="L-BFGS-B",
                         options={"maxiter": max_iter, "maxfun": 20 * max_iter, "ftol": tol, "gtol": tol, "maxcor": 10})
            t = time.perf_counter() - t0
            msg = r.message.decode() if isinstance(r.message, bytes) else str(r.message)
            return r.x, {"seconds": t, "threads": threads, "iterations": int(r.nit), "calls": int(r.nfev), "message": msg}

        tools["scipy-lbfgsb"] = solve_scipy
    except Exception as e:  # noqa: BLE001
        tools["scipy-lbfgsb"] = f"scipy unavailable: {type(e).__name__}: {e}"

    try:
        import torch

        torch.set_num_threads(threads)
        if dense:
            Xt = torch.from_numpy(np.ascontiguousarray(X))
        else:
            coo = X.tocoo()
            Xt = torch.sparse_coo_tensor(np.vstack([coo.row, coo.col]), coo.data, size=X.shape, dtype=torch.float64).coalesce()
        bt = torch.from_numpy(y)

        def solve_torch(tol):
            w = torch.zeros(d, dtype=torch.float64, requires_grad=True)
            opt = torch.optim.LBFGS([w], lr=1, max_iter=max_iter, max_eval=int(max_iter * 1.25), tolerance_grad=tol,
                                    tolerance_change=1e-3 * tol, history_size=10, line_search_fn="strong_wolfe")
            calls = [0]

            def closure():
                opt.zero_grad()
                z = torch.sparse.mm(Xt, w.unsqueeze(1)).squeeze(1) if not dense else Xt @ w
                loss = (torch.nn.functional.softplus(z) - bt * z).mean() + 0.5 * l2 * torch.dot(w, w)
                loss.backward()
                calls[0] += 1
                return loss

            t0 = time.perf_counter()
            opt.step(closure)
            t = time.perf_counter() - t0
            state = opt.state[opt._params[0]]
            return w.detach().numpy().copy(), {"seconds": t, "calls": calls[0], "iterations": int(state.get("n_iter", 0)),
                                               "threads": threads}

        tools["torch-lbfgs"] = solve_torch
    except Exception as e:  # noqa: BLE001
        tools["torch-lbfgs"] = f"torch unavailable: {type(e).__name__}: {e}"
    return tools


def run(folder):
    with open(os.path.join(folder, "meta.json")) as fh:
        meta = json.load(fh)
    threads = int(meta.get("threads", 1))
    import numpy as np  # noqa: F401  (after OMP/OPENBLAS_NUM_THREADS were set by the caller)

    X, y = load(folder, meta)
    l2, f_star, f0 = meta["l2"], meta["fStar"], meta["f0"]
    f, _ = objective(X, y, l2)
    repeats = int(meta.get("repeats", 1))
    run_budget = float(meta.get("runBudgetSeconds", 60))
    tool_budget = float(meta.get("toolBudgetSeconds", 300))
    wanted = meta.get("tools", ALL_TOOLS)
    tools = make_tools(X, y, l2, threads, int(meta.get("maxIter", 10000)))
    signal.signal(signal.SIGALRM, _alarm)
    results = {}
    for name in wanted:
        solve = tools.get(name)
        if solve is None or isinstance(solve, str):
            results[name] = {"skipped": solve or f"unknown tool {name}"}
            print(f"[python] {meta['name']}: {name} skipped: {results[name]['skipped']}", file=sys.stderr)
            continue
        param, grid = GRIDS[name]
        entry = {"parameter": param, "grid": grid, "targets": {}, "tried": []}
        spent = 0.0
        start = 0
        best_gap = float("inf")

        first_runs = {}  # tol -> (gap, info): the first run at a tolerance serves every target that tries it

        def attempt(tol, reuse=True):
            nonlocal spent, best_gap
            if reuse and tol in first_runs:
                return first_runs[tol]
            signal.setitimer(signal.ITIMER_REAL, max(0.01, min(run_budget, tool_budget - spent)))
            try:
                w, info = solve(tol)
            except Timeout:
                info = {"seconds": None, "timeout": True}
                w = None
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
            spent += info["seconds"] if info.get("seconds") is not None else run_budget
            gap = (f(w) - f_star) / (f0 - f_star) if w is not None else None
            if gap is not None and gap < best_gap:
                best_gap = gap
            entry["tried"].append({"tol": tol, "gap": gap, **{k: v for k, v in info.items() if k != "threads"}})
            if "threads" in info:
                entry["threads"] = info["threads"]
            first_runs.setdefault(tol, (gap, info))
            return gap, info

        for tau in meta["targets"]:
            found = None
            k = start
            while k < len(grid) and spent < tool_budget:
                gap, info = attempt(grid[k])
                if gap is not None and gap <= tau:
                    found = (k, gap, info)
                    break
                if info.get("timeout"):
                    break  # tighter tolerances only take longer
                k += 1
            if found is None:
                entry["targets"][str(tau)] = {"reached": False}
                start = len(grid)
                continue
            k, gap, info = found
            start = k
            secs = [info["seconds"]]
            # A run longer than 20 s is timed once (as on the JS side): its noise is small next to its length.
            for _ in range(repeats - 1 if info["seconds"] <= 20 else 0):
                g2, i2 = attempt(grid[k], reuse=False)
                if i2.get("seconds") is not None:
                    secs.append(i2["seconds"])
            secs.sort()
            entry["targets"][str(tau)] = {
                "reached": True, "tol": grid[k], "gap": gap,
                "medianMs": 1000 * statistics.median(secs),
                "minMs": 1000 * secs[0], "maxMs": 1000 * secs[-1], "samples": len(secs),
                "iterations": info.get("iterations"), "calls": info.get("calls"), "message": info.get("message", ""),
            }
        entry["bestGap"] = best_gap if best_gap != float("inf") else None
        entry["secondsSpent"] = spent
        last = entry["tried"][-1] if entry["tried"] else {}
        entry["lastMessage"] = "timeout (run budget)" if last.get("timeout") else last.get("message", "")
        results[name] = entry
        print(f"[python] {meta['name']}: {name} done in {spent:.1f} s", file=sys.stderr)
    with open(os.path.join(folder, "python-results.json"), "w") as fh:
        json.dump({"versions": versions(), "results": results}, fh)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--versions":
        print(json.dumps(versions()))
    elif len(sys.argv) > 1:
        run(sys.argv[1])
    else:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
