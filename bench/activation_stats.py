"""What `ActivationStats` costs: a training epoch of 10_activations' CNN with and without it on every conv layer.

Trains the five-conv CNN of `nbs/10_activations.ipynb` for one training epoch (Fashion-MNIST, offline its synthetic
stand-in; 12,000 images at bs 256 unless `--n`/`--bs` say otherwise) with `TrainCB` and `DeviceCB`, once bare and once
with `ActivationStats(fc.risinstance(nn.Conv2d))`, alternating, and keeps the best of `--repeats` (3) for each. Prints
both times and their ratio; the target is a ratio of at most 1.3. Also times gathering the statistics afterwards
(`get_hist` and `get_min` for every layer). Runs on `def_device` (a GPU if there is one; `--device cpu` to force).
On the CPU it times the process's CPU time, which other processes on a shared machine disturb less than the wall clock
(the wall-clock times are printed too); on a GPU, wall-clock time with the device synchronised.

On a CPU it uses one torch thread by default, as the README's test command does: the CPU time of two-thread kernels
includes their threads waiting on each other, which the conv layers pay and the statistics don't, so the ratio then
mixes in how well the convs parallelise (`--threads 0` for torch's default; 1.38x here on 2 cores, against 1.25x).

Run: `python bench/activation_stats.py [--n 12000] [--bs 256] [--repeats 3] [--device cpu] [--threads 1]`
"""
import argparse, os, time, warnings
import torch, torch.nn.functional as F
from torch import nn
import fastcore.all as fc
from course_lib.data import load_fashion_mnist
from course_lib.training import Dataset, get_dls
from course_lib.datasets import DataLoaders
from course_lib.conv import conv, def_device
from course_lib.learner import Learner, TrainCB, DeviceCB
from course_lib.activations import ActivationStats, set_seed, get_hist, get_min

TARGET = 1.3

def cnn():
    "The CNN of 10_activations: five stride-2 convs, the first 5x5."
    return nn.Sequential(conv(1, 8, ks=5), conv(8, 16), conv(16, 32), conv(32, 64), conv(64, 10, act=None),
                         nn.Flatten())

def sync(device):
    if str(device).startswith('cuda'): torch.cuda.synchronize()

def epoch_time(dls, device, stats:bool):
    "Seconds for one training epoch of a freshly seeded CNN; with `stats`, `ActivationStats` on every conv."
    set_seed(1)
    cbs = [TrainCB(), DeviceCB(device)]
    astats = ActivationStats(fc.risinstance(nn.Conv2d)) if stats else None
    if stats: cbs.append(astats)
    learn = Learner(cnn(), dls, F.cross_entropy, lr=0.1, cbs=cbs)
    clock = time.perf_counter if str(device).startswith('cuda') else time.process_time
    sync(device)
    t0, w0 = clock(), time.perf_counter()
    learn.fit(1, valid=False)
    sync(device)
    return clock() - t0, time.perf_counter() - w0, astats

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--n', type=int, default=12_000, help='training images')
    p.add_argument('--bs', type=int, default=256, help='batch size')
    p.add_argument('--repeats', type=int, default=5, help='epochs timed for each variant; the best counts')
    p.add_argument('--device', default=None, help='e.g. cpu or cuda (default: course_lib.conv.def_device)')
    p.add_argument('--threads', type=int, default=1, help="torch CPU threads (0: torch's default), as the tests run")
    a = p.parse_args()
    if a.threads: torch.set_num_threads(a.threads)
    device = a.device or def_device
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')   # offline: the synthetic stand-in
        (x, y), _, _ = load_fashion_mnist()
    x, y = x[:a.n].view(-1, 1, 28, 28).to(device), y[:a.n].to(device)
    dls = DataLoaders(*get_dls(Dataset(x, y), Dataset(x[:a.bs], y[:a.bs]), a.bs))
    print(f'device {device}, torch threads {torch.get_num_threads()}, {os.cpu_count()} cores, '
          f'load average before: {os.getloadavg()[0]:.1f}')
    print(f'{len(x)} images, bs {a.bs}: {len(dls.train)} batches per epoch')
    epoch_time(dls, device, True)   # warm-up (first-call allocations, kernels)
    bare, with_stats, bare_wall, with_wall = [], [], [], []
    for _ in range(a.repeats):
        t, w, _ = epoch_time(dls, device, False)
        bare.append(t); bare_wall.append(w)
        t, w, astats = epoch_time(dls, device, True)
        with_stats.append(t); with_wall.append(w)
    sync(device)
    t0 = time.perf_counter()
    for h in astats: get_hist(h), get_min(h)
    gather = time.perf_counter() - t0
    b, w = min(bare), min(with_stats)
    kind = 'wall-clock' if str(device).startswith('cuda') else 'CPU'
    print(f'{kind} time of an epoch, best of {a.repeats} (all of them in brackets):')
    print(f'  without ActivationStats: {b*1000:8.1f} ms   ({", ".join(f"{t*1000:.0f}" for t in bare)})')
    print(f'  with ActivationStats:    {w*1000:8.1f} ms   ({", ".join(f"{t*1000:.0f}" for t in with_stats)})')
    if kind == 'CPU': print(f'wall-clock, best of {a.repeats}: {min(bare_wall)*1000:.1f} ms without, '
                            f'{min(with_wall)*1000:.1f} ms with: {min(with_wall)/min(bare_wall):.2f}x')
    print(f'gathering the statistics of {len(astats)} layers afterwards: {gather*1000:.1f} ms')
    print(f'load average after: {os.getloadavg()[0]:.1f}')
    print(f'ratio {w/b:.2f}x (target <= {TARGET}x): {"PASS" if w/b <= TARGET else "FAIL"}')

if __name__ == '__main__': main()
