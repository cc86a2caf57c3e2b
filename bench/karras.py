"""Karras samplers: their cost per model call against bare U-Net calls, and Euler / DPM++(2M) against diffusers loops.

Usage: python bench/karras.py [--n 32] [--steps 20] [--course] [--threads 1] [--repeats 3]

All runs use the same untrained `KarrasUNet` (17's demo size by default; `--course`: the course's (32, 64, 128, 256))
on the same device (a GPU if there is one), with `--n` images and `--steps` steps. On a CPU the clock is the process's
CPU time (one thread by default, as the notebooks run), so other jobs on the machine inflate it less; on a GPU it is
wall time with synchronisation. Each run is timed `--repeats` times, interleaved, and the best time is kept.
(1) Each sampler (Euler, Euler ancestral, Heun, LMS order 3, DPM-Solver++(2M)) against the same number of bare model
    calls, the floor: its overhead is what it adds per model call. Target: <= 5% of a step. The difference of two
    timings is noisy, so each sampler is also run with a free model (one that returns its input): that time is the
    sampler's own work, shown per step as a share of one U-Net call.
(2) course_lib's `sample_euler` and `sample_dpmpp_2m` against diffusers' `EulerDiscreteScheduler` and
    `DPMSolverMultistepScheduler` (use_karras_sigmas, the same steps, the same preconditioned model). Target: <= 1.0x.
"""
import argparse, time
import torch
from _common import sync, unet_args
from diffusers import EulerDiscreteScheduler, DPMSolverMultistepScheduler
from course_lib.conv import def_device
from course_lib.ddpm import DEMO_UNET, COURSE_UNET
from course_lib.karras import (KarrasUNet, denoise, sigmas_karras, sample, sample_euler, sample_euler_ancestral,
                               sample_heun, sample_lms, sample_dpmpp_2m)

def n_calls(name, steps): return 2*steps - 1 if name == 'heun' else steps

def samplers(model, sz, steps):
    "The five samplers as course_lib runs them, each returning the last sample."
    return {'euler': lambda: sample(sample_euler, model, steps, sz=sz)[-1],
            'euler_ancestral': lambda: sample(sample_euler_ancestral, model, steps, sz=sz)[-1],
            'heun': lambda: sample(sample_heun, model, steps, sz=sz)[-1],
            'lms': lambda: sample_lms(model, steps, order=3, sz=sz)[-1],
            'dpmpp_2m': lambda: sample_dpmpp_2m(model, steps, sz=sz)[-1]}

@torch.no_grad()
def bare(model, sz, calls):
    "Only the model calls, at the σs a schedule would use: the floor any sampler pays."
    x, sigs = torch.randn(sz, device=def_device), sigmas_karras(calls, device=def_device)   # unit scale, as c_in·x
    for i in range(calls): out = model((x, sigs[i]))
    return out

@torch.no_grad()
def diffusers_loop(model, sz, steps, cls, **kw):
    "A diffusers scheduler loop over Karras σs, fed the noise prediction of the same preconditioned model."
    sched = cls(prediction_type='epsilon', use_karras_sigmas=True, **kw)
    sched.set_timesteps(steps, device=def_device)
    vp = cls is DPMSolverMultistepScheduler              # it keeps x/sqrt(σ²+1) as its sample
    x = torch.randn(sz, device=def_device)*sched.init_noise_sigma
    for i, t in enumerate(sched.timesteps):
        sched.scale_model_input(x, t)                     # the loop's own bookkeeping, as a pipeline calls it
        sig = sched.sigmas[i]
        xe = x*(sig**2 + 1)**0.5 if vp else x
        x = sched.step((xe - denoise(model, xe, sig))/sig, t, x).prev_sample
    return x

def clock():
    "Wall time after a sync on a GPU; this process's CPU time on a CPU (steadier on a shared machine)."
    sync()
    return time.perf_counter() if torch.cuda.is_available() else time.process_time()

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--n', type=int, default=32, help='images per batch')
    ap.add_argument('--steps', type=int, default=20)
    unet_args(ap)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    cfg = COURSE_UNET if a.course else DEMO_UNET
    model = KarrasUNet(in_channels=1, out_channels=1, **cfg).to(def_device).eval()
    sz, steps = (a.n, 1, 32, 32), a.steps
    def free(inp): return inp[0]                          # a model that costs nothing: the sampler's own work
    runs = {k: f for k, f in samplers(model, sz, steps).items()}
    runs |= {f'free {k}': f for k, f in samplers(free, sz, steps).items()}
    runs |= {f'bare x{c}': (lambda c=c: bare(model, sz, c)) for c in sorted({n_calls(k, steps) for k in runs})}
    runs |= {'diffusers euler': lambda: diffusers_loop(model, sz, steps, EulerDiscreteScheduler),
             'diffusers dpmpp_2m': lambda: diffusers_loop(model, sz, steps, DPMSolverMultistepScheduler,
                                                          algorithm_type='dpmsolver++', solver_order=2)}
    for f in samplers(model, (2, 1, 32, 32), 3).values(): f()   # warm-up
    for f in runs.values(): f()
    best = {k: float('inf') for k in runs}
    for _ in range(a.repeats):
        for k, f in runs.items():
            t0 = clock(); f(); best[k] = min(best[k], clock() - t0)
    print(f"{a.n} images, {steps} steps, {'course' if a.course else 'demo'} U-Net on {def_device}, "
          f"{'wall' if torch.cuda.is_available() else 'CPU'} time, best of {a.repeats}:")
    print(f"(1) samplers against bare model calls (one model call: {best[f'bare x{steps}']/steps*1e3:.1f} ms)")
    for k in samplers(model, sz, 1):
        c = n_calls(k, steps)
        over = best[k]/best[f'bare x{c}'] - 1
        own = best[f'free {k}']/steps/(best[f'bare x{steps}']/steps)
        print(f'  {k:16} {best[k]:7.3f} s  {c:3} calls  {best[k]/c*1e3:6.1f} ms/call  overhead {100*over:+5.1f}% '
              f'of a call; own work {best[f"free {k}"]/steps*1e3:5.2f} ms/step = {100*own:4.1f}% of a call '
              f'(target <= 5%)')
    print('(2) course_lib against diffusers scheduler loops (target <= 1.0x)')
    for k in ('euler', 'dpmpp_2m'):
        print(f"  {k:16} course_lib {best[k]:7.3f} s  diffusers {best['diffusers ' + k]:7.3f} s  "
              f"ratio {best[k]/best['diffusers ' + k]:.3f}x")
