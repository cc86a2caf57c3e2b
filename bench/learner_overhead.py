"""Learner overhead: one epoch through `Learner` (TrainCB, DeviceCB, MetricsCB) vs the plain `fit` of 04.

Also shown, for information: the Learner without MetricsCB, i.e. the loop and its callbacks alone. (The plain `fit`
computes accuracy on the validation batches only; MetricsCB computes it on the training batches too.)

Both train the same model from the same starting weights, on the same data and the same loaders, for one epoch
(a training pass and a validation pass). Runs alternate in the same process, `--repeats` pairs; the ratio is the median
of the pairs' ratios (each pair ran back to back, so under similar load), with the ratio of the best times beside it.
Targets: Learner / plain <= 1.05 on the MLP, <= 1.02 on the CNN.

    python bench/learner_overhead.py [--repeats 21] [--n 10000] [--bs 256] [--threads 1]

Data: Fashion-MNIST (offline: course_lib's synthetic stand-in), `demo_size(n)` training items, sent to `def_device`
beforehand so that neither loop pays for copying it. Two models: the CNN of 09's worked example, and a
small MLP, where the loop's own cost weighs most. On a CPU the bench uses one thread by default and measures the
process's CPU time rather than wall time: on a shared machine, other processes' load (and two-thread kernels waiting on
each other) swing wall times far more than the loops differ. On a GPU it measures wall time.
"""
import argparse, contextlib, copy, io, statistics, time, warnings
import torch
import torch.nn.functional as F
from torch import nn, optim

from course_lib.conv import conv, def_device
from course_lib.data import demo_size, load_fashion_mnist
from course_lib.datasets import DataLoaders
from course_lib.learner import Accuracy, DeviceCB, Learner, MetricsCB, TrainCB
from course_lib.training import Dataset, get_dls
from course_lib.training import fit as plain_fit

def get_cnn():
    return nn.Sequential(conv(1, 8), conv(8, 16), conv(16, 32), conv(32, 64), conv(64, 10, act=None), nn.Flatten())

def get_mlp():
    return nn.Sequential(nn.Flatten(), nn.Linear(784, 50), nn.ReLU(), nn.Linear(50, 10))

def _sync():
    if torch.cuda.is_available(): torch.cuda.synchronize()

def _clock():
    "CPU time of this process on a CPU-only machine (load from other processes barely moves it), else wall time."
    return time.perf_counter() if torch.cuda.is_available() else time.process_time()

def _time(f):
    _sync()
    t = _clock()
    with contextlib.redirect_stdout(io.StringIO()): f()   # both loops print once per epoch
    _sync()
    return _clock() - t

def bench(name, get_model, dls, lr, repeats):
    torch.manual_seed(0)
    model = get_model().to(def_device)
    init = copy.deepcopy(model.state_dict())

    def plain():
        model.load_state_dict(init)
        plain_fit(1, model, F.cross_entropy, optim.SGD(model.parameters(), lr), dls.train, dls.valid, log=print)

    def learner(*cbs):
        def _f():
            model.load_state_dict(init)
            Learner(model, dls, F.cross_entropy, lr, cbs=[TrainCB(), DeviceCB(), *cbs]).fit(1)
        return _f

    runs = {'plain fit': plain, 'Learner': learner(MetricsCB(Accuracy())), 'no metrics': learner()}
    for f in runs.values(): _time(f)            # warm up (allocator, kernels, caches)
    times = {k: [] for k in runs}
    for _ in range(repeats):                    # alternate, so drifts in machine load hit all alike
        for k, f in runs.items(): times[k].append(_time(f))
    nb = len(dls.train) + len(dls.valid)
    print(f'{name} ({len(dls.train)}+{len(dls.valid)} batches, best of {repeats}):')
    for k, ts in times.items():
        ratio = statistics.median(b / a for a, b in zip(times['plain fit'], ts))   # pairs ran back to back
        best = min(ts) / min(times['plain fit'])
        print(f'  {k:>10}: {min(ts)*1000:7.1f} ms   ratio {ratio:.3f} (median of pairs; of bests {best:.3f}, '
              f'{(min(ts) - min(times["plain fit"]))/nb*1e6:+.0f} us per batch)')
    return statistics.median(b / a for a, b in zip(times['plain fit'], times['Learner']))

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--repeats', type=int, default=21)
    ap.add_argument('--n', type=int, default=10_000, help='training items on a CPU (demo_size); all on a GPU')
    ap.add_argument('--bs', type=int, default=256)
    ap.add_argument('--threads', type=int, default=1, help='torch CPU threads (0: leave torch\'s default)')
    a = ap.parse_args()
    if a.threads: torch.set_num_threads(a.threads)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')         # the offline stand-in's warning
        (x_trn, y_trn), (x_val, y_val), _ = load_fashion_mnist()
    n_trn, n_val = demo_size(a.n), demo_size(a.n // 5)
    x_trn, y_trn = x_trn[:n_trn].view(-1, 1, 28, 28).to(def_device), y_trn[:n_trn].to(def_device)
    x_val, y_val = x_val[:n_val].view(-1, 1, 28, 28).to(def_device), y_val[:n_val].to(def_device)
    dls = DataLoaders(*get_dls(Dataset(x_trn, y_trn), Dataset(x_val, y_val), a.bs))
    print(f'device {def_device}, torch threads {torch.get_num_threads()}, {len(x_trn)} training / {len(x_val)} '
          f'validation items, batch size {a.bs}')
    for name, get_model, target in (('CNN', get_cnn, 1.02), ('MLP', get_mlp, 1.05)):
        r = bench(name, get_model, dls, 0.1, a.repeats)
        print(f'      Learner overhead on the {name}: {r:.3f}x the plain fit (target <= {target}): '
              f'{"OK" if r <= target else "OVER"}')

if __name__ == '__main__': main()
