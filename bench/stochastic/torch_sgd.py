#!/usr/bin/env python3
"""Time per epoch of torch.optim.SGD on a problem written by bench/lib/data.mjs writeProblem (bench/stochastic/run.mjs).

Usage: torch_sgd.py FOLDER   (FOLDER holds meta.json, X.f64 or indptr/indices/values, y.f64)
meta.json: rows, cols, kind ('dense' | 'csr'), loss ('logistic' | 'least-squares'), learningRate, batchSize,
epochs, repeats, threads, seed.
Prints one JSON object: {"msPerEpoch": best over repeats, "samples": [...], "finalLoss", "threads", "torch"}.

The loop is what a torch user writes for this model, float64 throughout, as the torch docs show for SGD:
a fresh permutation per epoch (torch.randperm), for every batch of `batchSize` rows: gather the rows, logits
z = X_B w, the mean batch loss (binary_cross_entropy_with_logits = our logistic loss with labels 0/1, or
½·mean (z − y)² for least squares), zero_grad, backward, step. CSR data stays in scipy (row slicing in C) and
each batch goes to torch as a sparse COO tensor multiplied by torch.sparse.mm, since torch has no fast row
gather of a sparse tensor; that conversion is part of what a torch user pays and is included.
"""
import json
import os
import sys
import time


def main(folder):
    import numpy as np
    import torch
    from scipy import sparse

    with open(os.path.join(folder, "meta.json")) as fh:
        meta = json.load(fh)
    n, d = meta["rows"], meta["cols"]
    torch.set_num_threads(int(meta["threads"]))
    torch.manual_seed(int(meta["seed"]))
    y = torch.from_numpy(np.fromfile(os.path.join(folder, "y.f64"), dtype="<f8"))
    dense = meta["kind"] == "dense"
    if dense:
        X = torch.from_numpy(np.fromfile(os.path.join(folder, "X.f64"), dtype="<f8").reshape(n, d))
    else:
        indptr = np.fromfile(os.path.join(folder, "indptr.i32"), dtype="<i4")
        indices = np.fromfile(os.path.join(folder, "indices.i32"), dtype="<i4")
        values = np.fromfile(os.path.join(folder, "values.f64"), dtype="<f8")
        Xs = sparse.csr_matrix((values, indices, indptr), shape=(n, d))

    logistic = meta["loss"] == "logistic"
    bs = int(meta["batchSize"])

    def batch_logits(w, idx):
        if dense:
            return X[idx] @ w
        rows = Xs[idx.numpy()].tocoo()
        xb = torch.sparse_coo_tensor(np.vstack([rows.row, rows.col]), rows.data, size=rows.shape, dtype=torch.float64)
        return torch.sparse.mm(xb, w.unsqueeze(1)).squeeze(1)

    def batch_loss(z, yb):
        if logistic:
            return torch.nn.functional.binary_cross_entropy_with_logits(z, yb)
        return 0.5 * torch.mean((z - yb) ** 2)

    samples = []
    final = None
    for _ in range(int(meta["repeats"])):
        w = torch.zeros(d, dtype=torch.float64, requires_grad=True)
        opt = torch.optim.SGD([w], lr=float(meta["learningRate"]))
        t0 = time.perf_counter()
        for _epoch in range(int(meta["epochs"])):
            perm = torch.randperm(n)
            for k in range(0, n, bs):
                idx = perm[k:k + bs]
                loss = batch_loss(batch_logits(w, idx), y[idx])
                opt.zero_grad()
                loss.backward()
                opt.step()
        samples.append((time.perf_counter() - t0) * 1000 / int(meta["epochs"]))
        with torch.no_grad():
            z = X @ w if dense else torch.from_numpy(Xs @ w.detach().numpy())
            final = float(batch_loss(z, y))
    print(json.dumps({"msPerEpoch": min(samples), "samples": samples, "finalLoss": final,
                      "threads": torch.get_num_threads(), "torch": torch.__version__}))


if __name__ == "__main__":
    main(sys.argv[1])
