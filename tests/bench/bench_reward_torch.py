#!/usr/bin/python3
"""The PyTorch peer of bench-reward: the same reward-model refit on the same data.

Reads the problem bench-reward wrote (argv[1]): a header of int32 N, D, then works as
float32 (N, D), then for each size an int32 P followed by int32 pairs (P, 2) (winner,
loser). For each size it fits what engine/atl-reward.c fits: standardise the works the
pairs mention, 5 linear heads, each on a bootstrap resample of the pairs, minimising the
mean BT negative log-likelihood + 0.1/2 * |w|^2 with full-batch torch.optim.LBFGS
(history 8, strong-Wolfe line search, max 300 iterations, tolerance_grad 1e-4), scored at
the work level as the C code does. Also times full-batch Adam (lr 0.05, 300 steps), the
prototype's kind of fit. Prints one line per size:
  torch <P> <lbfgs_ms_median> <adam_ms_median> <lbfgs_iterations>
OMP_WAIT_POLICY=PASSIVE is set before torch loads; OPENBLAS_CORETYPE is left as the
environment has it.
"""
import os
import statistics
import struct
import sys
import time

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

torch.set_num_threads(2)

HEADS, L2, RUNS = 5, 0.1, 5


def read_problem(path):
    with open(path, "rb") as f:
        n, d = struct.unpack("<ii", f.read(8))
        works = np.frombuffer(f.read(4 * n * d), dtype="<f4").reshape(n, d)
        sizes = []
        while True:
            head = f.read(4)
            if not head:
                break
            (p,) = struct.unpack("<i", head)
            pairs = np.frombuffer(f.read(8 * p), dtype="<i4").reshape(p, 2)
            sizes.append(pairs)
    return torch.from_numpy(works.copy()), sizes


def standardise(works, pairs):
    used = torch.unique(pairs.flatten())
    x = works[used]
    mean = x.mean(0)
    std = x.std(0, unbiased=False).clamp_min(1e-3)
    remap = torch.full((works.shape[0],), -1, dtype=torch.long)
    remap[used] = torch.arange(used.numel())
    return (x - mean) / std, remap[pairs]


def fit_lbfgs(x, pairs, gen):
    iters = 0
    heads = []
    for _ in range(HEADS):
        idx = torch.randint(0, pairs.shape[0], (pairs.shape[0],), generator=gen)
        counts = torch.bincount(idx, minlength=pairs.shape[0]).float()
        coef = counts / counts.sum()
        w = torch.zeros(x.shape[1], requires_grad=True)
        opt = torch.optim.LBFGS([w], lr=1, max_iter=300, history_size=8,
                                tolerance_grad=1e-4, tolerance_change=1e-9,
                                line_search_fn="strong_wolfe")

        def closure():
            opt.zero_grad()
            r = x @ w
            loss = (coef * F.softplus(r[pairs[:, 1]] - r[pairs[:, 0]])).sum() \
                + 0.5 * L2 * (w * w).sum()
            loss.backward()
            return loss

        opt.step(closure)
        iters += opt.state[opt._params[0]]["n_iter"]
        heads.append(w.detach())
    return torch.stack(heads), iters


def fit_adam(x, pairs, gen, steps=300):
    heads = []
    for _ in range(HEADS):
        idx = torch.randint(0, pairs.shape[0], (pairs.shape[0],), generator=gen)
        counts = torch.bincount(idx, minlength=pairs.shape[0]).float()
        coef = counts / counts.sum()
        w = torch.zeros(x.shape[1], requires_grad=True)
        opt = torch.optim.Adam([w], lr=0.05)
        for _ in range(steps):
            opt.zero_grad()
            r = x @ w
            loss = (coef * F.softplus(r[pairs[:, 1]] - r[pairs[:, 0]])).sum() \
                + 0.5 * L2 * (w * w).sum()
            loss.backward()
            opt.step()
        heads.append(w.detach())
    return torch.stack(heads)


def timed(fn):
    times = []
    out = None
    for _ in range(RUNS + 1):  # the first run warms up
        t0 = time.perf_counter()
        out = fn()
        times.append((time.perf_counter() - t0) * 1e3)
    return statistics.median(times[1:]), out


def main():
    works, sizes = read_problem(sys.argv[1])
    for pairs_np in sizes:
        pairs = torch.from_numpy(pairs_np.astype(np.int64))
        gen = torch.Generator().manual_seed(0)

        def lbfgs():
            x, p = standardise(works, pairs)
            return fit_lbfgs(x, p, gen)

        def adam():
            x, p = standardise(works, pairs)
            return fit_adam(x, p, gen)

        ms_lbfgs, (_, iters) = timed(lbfgs)
        ms_adam, _ = timed(adam)
        print(f"torch {pairs.shape[0]} {ms_lbfgs:.3f} {ms_adam:.3f} {iters}", flush=True)


if __name__ == "__main__":
    main()
