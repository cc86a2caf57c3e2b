"""A DDPM training epoch: course_lib's `Learner` with `DDPMCB` against a plain PyTorch loop doing the same noising and MSE.

Usage: python bench/ddpm_epoch.py [--n 1024] [--bs 32] [--course] [--threads 1] [--repeats 3]
       python bench/ddpm_epoch.py --n 60000 --bs 512 --course    # the course's epoch, on a GPU

Both train the same U-Net (the demo size by default; `--course`: the course's (32, 64, 128, 256)) from the same
weights, with AdamW, on the same images (the synthetic stand-in's shapes: random images, the cost is the same), on
`def_device`. The plain loop slices shuffled batches from the tensor, calls `noisify`, the model, `F.mse_loss`,
`backward`, `step` and `zero_grad`. The Learner runs course_lib's `DataLoader`, `DeviceCB`, `DDPMCB` and `TrainCB`.
Each is timed `--repeats` times, interleaved, and the best epoch is kept. Target (issue 18): <= 1.05x the plain loop.
"""
import argparse, time
from functools import partial
import torch
from _common import sync, unet_args
import torch.nn.functional as F
from torch import optim
from torch.utils.data import TensorDataset
from course_lib.conv import def_device
from course_lib.training import get_dls
from course_lib.datasets import DataLoaders
from course_lib.learner import Learner, TrainCB, DeviceCB
from course_lib.ddpm import UNet, DEMO_UNET, COURSE_UNET, DDPMCB, linear_sched, noisify, init_ddpm

def make_model(cfg):
    torch.manual_seed(0)
    return init_ddpm(UNet(in_channels=1, out_channels=1, **cfg)).to(def_device)

def learner_epoch(model, x, bs, abar):
    dls = DataLoaders(*get_dls(TensorDataset(x), TensorDataset(x[:bs]), bs))
    cbs = [DeviceCB(), DDPMCB(sched=linear_sched(betamax=0.01)), TrainCB()]
    Learner(model, dls, F.mse_loss, lr=1e-3, cbs=cbs, opt_func=partial(optim.AdamW, eps=1e-5)).fit(1, valid=False)

def plain_epoch(model, x, bs, abar):
    opt = optim.AdamW(model.parameters(), lr=1e-3, eps=1e-5)
    model.train()
    for idx in torch.randperm(len(x)).split(bs):
        (xt, t), eps = noisify(x[idx].to(def_device), abar)
        loss = F.mse_loss(model((xt, t)), eps)
        loss.backward()
        opt.step()
        opt.zero_grad()

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--n', type=int, default=1024, help='images per epoch')
    ap.add_argument('--bs', type=int, default=32)
    unet_args(ap)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    cfg = COURSE_UNET if a.course else DEMO_UNET
    x = torch.rand(a.n, 1, 32, 32) - 0.5
    abar = linear_sched(betamax=0.01).abar
    fs = {'Learner + DDPMCB': learner_epoch, 'plain loop': plain_epoch}
    best = {k: float('inf') for k in fs}
    for f in fs.values(): f(make_model(cfg), x[:2*a.bs], a.bs, abar)   # warm-up
    for _ in range(a.repeats):
        for k, f in fs.items():
            model = make_model(cfg)
            sync(); t0 = time.perf_counter()
            f(model, x, a.bs, abar)
            sync(); best[k] = min(best[k], time.perf_counter() - t0)
    print(f"one epoch of {a.n} images, bs {a.bs}, {'course' if a.course else 'demo'} U-Net on {def_device}, "
          f"best of {a.repeats}:")
    for k, v in best.items(): print(f'  {k:18} {v:8.3f} s')
    print(f"Learner / plain loop: {best['Learner + DDPMCB']/best['plain loop']:.3f}x (target <= 1.05x)")
