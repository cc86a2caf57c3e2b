"""Cost of 14's per-item batched augmentation, against training the model 14 trains.

1. Crop + flip + random erase of one batch of 1024 Fashion-sized images (1x28x28), against one training step
   (forward, backward, AdamW step) of 14's `get_model4` at batch size 1024. Target: <= 10%.
2. One training epoch through `TrainLearner` with 14's augmentation callback (crop + flip), against the same epoch
   without it, for the model and batch size the notebook trains. Target: <= 1.15x.

    python bench/augment.py [--repeats 3] [--threads 1] [--n 4096]

Both are measured at the notebook's CPU width (first layer 4 channels) and at the course's width (16). Images are random
normal tensors (the cost does not depend on what they show), already on `def_device`. Each figure is the best of
`--repeats`, the two sides of a ratio alternating in the same process. On a CPU the bench uses one thread by default and
measures the process's CPU time rather than wall time, which other processes' load barely moves; on a GPU, wall time.
"""
import argparse, time
from functools import partial
import torch
import torch.nn.functional as F
from torch import nn, optim

from course_lib.conv import conv, def_device
from course_lib.init import BatchTransformCB
from course_lib.learner import DeviceCB, TrainLearner
from course_lib.datasets import DataLoaders
from course_lib.training import Dataset, get_dls
from course_lib.resnet import ResBlock, act_gr
from course_lib.augment import GlobalAvgPool, RandCrop, RandFlip, rand_crop, rand_flip, rand_erase

def get_model4(nf0):
    "14's model: a 5x5 conv, four stride-2 `ResBlock`s doubling the channels, a global average pool and a linear head."
    nfs = [nf0 * 2**i for i in range(5)]
    layers = [conv(1, nfs[0], ks=5, stride=1, act=act_gr, norm=nn.BatchNorm2d)]
    layers += [ResBlock(nfs[i], nfs[i+1], act=act_gr, norm=nn.BatchNorm2d, stride=2) for i in range(4)]
    return nn.Sequential(*layers, GlobalAvgPool(), nn.Linear(nfs[-1], 10, bias=False), nn.BatchNorm1d(10))

def _sync():
    if torch.cuda.is_available(): torch.cuda.synchronize()

def _clock(): return time.perf_counter() if torch.cuda.is_available() else time.process_time()

def _time(f):
    _sync()
    t = _clock()
    f()
    _sync()
    return _clock() - t

def best_of(fs, repeats):
    "Time each of `fs` `repeats` times, alternating; the best time of each."
    for f in fs: f()                                        # warm up
    ts = [[] for _ in fs]
    for _ in range(repeats):
        for i, f in enumerate(fs): ts[i].append(_time(f))
    return [min(t) for t in ts]

def tfm_batch(b, tfm_x): return tfm_x(b[0]), b[1]

def step_vs_aug(nf0, repeats):
    x = torch.randn(1024, 1, 28, 28, device=def_device)
    y = torch.randint(0, 10, (1024,), device=def_device)
    model = get_model4(nf0).to(def_device)
    opt = optim.AdamW(model.parameters(), 1e-3)
    def step():
        F.cross_entropy(model(x), y).backward()
        opt.step()
        opt.zero_grad()
    aug = lambda: rand_erase(rand_flip(rand_crop(x, 1)))
    t_step, t_aug = best_of([step, aug], repeats)
    print(f'nf0={nf0:2}: one step at bs 1024 {t_step*1e3:8.1f} ms; crop+flip+erase of 1024 images {t_aug*1e3:6.2f} ms '
          f'= {t_aug/t_step:6.1%} of a step (target <= 10%)')

def epoch_ratio(nf0, n, repeats, bs=128):
    x = torch.randn(n, 1, 28, 28, device=def_device)
    y = torch.randint(0, 10, (n,), device=def_device)
    dls = DataLoaders(*get_dls(Dataset(x, y), Dataset(x[:bs], y[:bs]), bs))
    augcb = BatchTransformCB(partial(tfm_batch, tfm_x=nn.Sequential(RandCrop(pad=1), RandFlip())), on_val=False)
    plain = TrainLearner(get_model4(nf0), dls, F.cross_entropy, lr=1e-2, cbs=[DeviceCB()], opt_func=optim.AdamW)
    aug = TrainLearner(get_model4(nf0), dls, F.cross_entropy, lr=1e-2, cbs=[DeviceCB(), augcb], opt_func=optim.AdamW)
    t_plain, t_aug = best_of([partial(plain.fit, 1, valid=False), partial(aug.fit, 1, valid=False)], repeats)
    print(f'nf0={nf0:2}: training epoch of {n} images at bs {bs}: {t_plain:6.2f} s plain, {t_aug:6.2f} s with crop+flip'
          f' = {t_aug/t_plain:.3f}x (target <= 1.15x)')

if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument('--threads', type=int, default=1, help='torch threads on a CPU')
    p.add_argument('--n', type=int, default=4096, help='training images per epoch')
    a = p.parse_args()
    if def_device == 'cpu': torch.set_num_threads(a.threads)
    print(f'device {def_device}, {torch.get_num_threads()} thread(s), best of {a.repeats}, '
          f"{'wall' if torch.cuda.is_available() else 'process CPU'} time")
    for nf0 in (4, 16): step_vs_aug(nf0, a.repeats)
    for nf0 in (4, 16): epoch_ratio(nf0, a.n, a.repeats)
