"""Benchmark course_lib's DataLoader against PyTorch's and against a bare loop with no loader.

Usage: python bench/dataloader.py [--reps 7] [--bs 50] [--no-cli]

Data: 50,000 x 784 float32 inputs and int64 labels in memory (random: only the shapes matter for timing), bs 50 (--bs).
  (1) one shuffled training epoch of the 04 model (784-50-10 MLP, SGD lr 0.5), fed by:
      - bare: no loader; `perm = torch.randperm(n)`, then for each batch `idx = perm[i:i+bs]` and
        `x.index_select(0, idx), y.index_select(0, idx)` (the fastest way we know to gather rows; `x[idx]`, also shown,
        gives the same rows more slowly)
      - course_lib: `DataLoader(Dataset(x, y), batch_size=50, shuffle=True)`
      - PyTorch: `torch.utils.data.DataLoader(TensorDataset(x, y), batch_size=50, shuffle=True)`
      Targets: course_lib <= 0.75x PyTorch's time, and within 10% of the bare loop.
  (2) one shuffled epoch of iteration only (no training): course_lib >= 3x faster than PyTorch. Also shown, for
      information: course_lib with `num_workers=2` (PyTorch's worker processes, start-up included), which only pays
      off for slow datasets.
  (3) `course_lib_train --epochs 3` at MNIST size (50,000 training images): wall time of the whole command, and the
      seconds of each epoch from its table.
Each figure is the best of `--reps` runs; the loaders take turns within each repeat, so they see the same load.
"""
import argparse, os, re, shutil, subprocess, sys, time
import torch
from torch import nn
import torch.nn.functional as F
import torch.utils.data as tud
from course_lib.training import DataLoader, Dataset

N, M, BS, LR = 50_000, 784, 50, 0.5

def bare_loop(x, y, bs, index=True):
    "Shuffled batches with no loader at all: slices of one permutation, rows gathered with index_select (or x[idx])."
    perm = torch.randperm(len(x))
    for i in range(0, len(x), bs):
        idx = perm[i:i+bs]
        yield (x.index_select(0, idx), y.index_select(0, idx)) if index else (x[idx], y[idx])

def train_epoch(batches, model, opt):
    for xb, yb in batches:
        loss = F.cross_entropy(model(xb), yb)
        loss.backward()
        opt.step()
        opt.zero_grad()

def iterate(batches):
    for xb, yb in batches: pass

def timed(f):
    start = time.perf_counter()
    f()
    return time.perf_counter() - start

def bench_loaders(x, y, reps, train):
    "Best time of each loader over `reps` rounds, the loaders taking turns within each round."
    feeds = {'bare (index_select)': lambda: bare_loop(x, y, BS),
             'bare (x[idx])': lambda: bare_loop(x, y, BS, index=False),
             'course_lib': lambda: DataLoader(Dataset(x, y), batch_size=BS, shuffle=True),
             'PyTorch': lambda: tud.DataLoader(tud.TensorDataset(x, y), batch_size=BS, shuffle=True)}
    if not train:   # for information: worker processes only pay off when fetching is slow, which it is not here
        feeds['course_lib, 2 workers'] = lambda: DataLoader(Dataset(x, y), batch_size=BS, shuffle=True, num_workers=2)
    best = {k: float('inf') for k in feeds}
    for r in range(reps):
        for k, feed in feeds.items():
            torch.manual_seed(r)
            if train:
                model = nn.Sequential(nn.Linear(M, 50), nn.ReLU(), nn.Linear(50, 10))
                opt = torch.optim.SGD(model.parameters(), lr=LR)
                t = timed(lambda: train_epoch(feed(), model, opt))
            else: t = timed(lambda: iterate(feed()))
            best[k] = min(best[k], t)
    return best

def show(title, best):
    print(f'\n{title}')
    for k, t in best.items(): print(f'  {k:<22}{t*1e3:9.1f} ms')

def bench_cli(reps):
    "Best wall time of `course_lib_train --epochs 3`, and the per-epoch seconds of that run's table."
    cli = shutil.which('course_lib_train')
    cmd = [cli] if cli else [sys.executable, '-c', 'from course_lib.cli import train_cli; train_cli()']
    best = None
    for _ in range(reps):
        start = time.perf_counter()
        r = subprocess.run(cmd + ['--epochs', '3', '--device', 'cpu'], capture_output=True, text=True)
        wall = time.perf_counter() - start
        if r.returncode != 0: sys.exit(f'course_lib_train failed ({r.returncode}):\n{r.stderr}')
        if best is None or wall < best[0]: best = (wall, r.stdout, r.stderr)
    wall, out, err = best
    rows = [l.split() for l in out.splitlines() if re.match(r'^\d+\s+\d', l)]
    epochs = [float(r[-1]) for r in rows]
    done = next(l for l in out.splitlines() if l.startswith('Done in'))
    print(f'\n(3) course_lib_train --epochs 3 (best of {reps}): {wall:.1f} s wall for the whole command '
          f'(start-up and data loading included)')
    print(f'  epochs: {", ".join(f"{s:.1f} s" for s in epochs)}; training total: {sum(epochs):.1f} s; {done}')
    if 'note:' in err: print('  data: ' + next(l for l in err.splitlines() if 'note:' in l)[:110] + '...')

if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--reps', type=int, default=7, help='repeats per measurement (the best is kept)')
    p.add_argument('--cli_reps', type=int, default=2, help='repeats of the course_lib_train run')
    p.add_argument('--bs', type=int, default=BS, help='batch size of (1) and (2)')
    p.add_argument('--no-cli', action='store_true', help='skip (3)')
    a = p.parse_args()
    BS = a.bs
    torch.manual_seed(0)
    x, y = torch.rand(N, M), torch.randint(0, 10, (N,))
    print(f'torch {torch.__version__}, {torch.get_num_threads()} threads, {os.cpu_count()} CPUs; '
          f'{N:,}x{M} float32, bs {BS}; best of {a.reps}')
    tr = bench_loaders(x, y, a.reps, train=True)
    show('(1) one shuffled training epoch of the 784-50-10 model', tr)
    it = bench_loaders(x, y, a.reps, train=False)
    show('(2) one shuffled epoch, iteration only', it)
    r1, r1b = tr['course_lib'] / tr['PyTorch'], tr['course_lib'] / tr['bare (index_select)']
    r2 = it['PyTorch'] / it['course_lib']
    print('\nRatios')
    print(f'  (1) course_lib / PyTorch, training epoch:  {r1:.2f}x   (target <= 0.75)  {"ok" if r1 <= 0.75 else "MISSED"}')
    print(f'  (1) course_lib / bare loop, training epoch: {r1b:.2f}x   (target <= 1.10)  {"ok" if r1b <= 1.10 else "MISSED"}')
    print(f'  (2) PyTorch / course_lib, iteration only:  {r2:.1f}x   (target >= 3)     {"ok" if r2 >= 3 else "MISSED"}')
    rw = it['course_lib, 2 workers'] / it['course_lib']
    print(f'  (2) course_lib, 2 workers / in-process:    {rw:.0f}x     (for information: why it warns about workers)')
    if not a.no_cli: bench_cli(a.cli_reps)
