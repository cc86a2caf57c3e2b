"""Sampling with 100 DDIM steps: course_lib's `ddim_sample` against a diffusers `DDIMScheduler` loop and a bare loop of model calls.

Usage: python bench/ddim_sampling.py [--n 32] [--steps 100] [--eta 0] [--course] [--threads 1] [--repeats 3]
       python bench/ddim_sampling.py --n 256 --course     # the issue's full size: 256 images, the course's U-Net

All three run the same untrained U-Net (the demo size by default; `--course`: the course's (32, 64, 128, 256)) on
the same device (a GPU if there is one), called the same way, and take the same number of model calls. The bare loop
only calls the model: it is the floor. Each is timed `--repeats` times, interleaved, and the best time is kept.
Targets (issue 18): course_lib <= 1.0x diffusers, <= 1.05x the bare loop.
"""
import argparse, time
import torch
from _common import sync, unet_args
from diffusers import DDIMScheduler
from course_lib.conv import def_device
from course_lib.ddpm import UNet, DEMO_UNET, COURSE_UNET, linear_sched, _eps
from course_lib.ddim import ddim_sample, ddim_timesteps

def ours(model, sz, sched, steps, eta):
    return ddim_sample(model, sz, sched, steps, eta, keep_every=steps)[-1]

@torch.no_grad()
def diffusers_loop(model, sz, sched, steps, eta):
    "The course's `diff_sample` loop (notebook 20), keeping only the last sample."
    ref = DDIMScheduler(beta_end=0.01, clip_sample=False)
    ref.set_timesteps(steps)
    x = torch.randn(sz, device=def_device)
    for t in ref.timesteps: x = ref.step(_eps(model, x, int(t)), t, x, eta=eta).prev_sample
    return x.cpu()

@torch.no_grad()
def bare_loop(model, sz, sched, steps, eta):
    "Only the model calls: the floor any sampler pays."
    x = torch.randn(sz, device=def_device)
    for t in ddim_timesteps(steps): x = _eps(model, x, t)
    return x.cpu()

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--n', type=int, default=32, help='images per batch (the issue: 256)')
    ap.add_argument('--steps', type=int, default=100)
    ap.add_argument('--eta', type=float, default=0.)
    unet_args(ap)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    model = UNet(in_channels=1, out_channels=1, **(COURSE_UNET if a.course else DEMO_UNET)).to(def_device).eval()
    sched, sz = linear_sched(betamax=0.01), (a.n, 1, 32, 32)
    fs = {'course_lib ddim_sample': ours, 'diffusers DDIMScheduler loop': diffusers_loop, 'bare model calls': bare_loop}
    best = {k: float('inf') for k in fs}
    for f in fs.values(): f(model, (2, 1, 32, 32), sched, 2, a.eta)   # warm-up
    for _ in range(a.repeats):
        for k, f in fs.items():
            sync(); t0 = time.perf_counter()
            f(model, sz, sched, a.steps, a.eta)
            sync(); best[k] = min(best[k], time.perf_counter() - t0)
    print(f"{a.n} images, {a.steps} DDIM steps, eta={a.eta:g}, {'course' if a.course else 'demo'} U-Net on {def_device}, "
          f"best of {a.repeats}:")
    for k, v in best.items(): print(f'  {k:30} {v:8.3f} s')
    us = best['course_lib ddim_sample']
    print(f"course_lib / diffusers: {us/best['diffusers DDIMScheduler loop']:.3f}x (target <= 1.0x)")
    print(f"course_lib / bare loop: {us/best['bare model calls']:.3f}x (target <= 1.05x)")
