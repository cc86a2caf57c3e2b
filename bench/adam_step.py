"""One step of course_lib's from-scratch `Adam` against `torch.optim.AdamW(foreach=False)`, on 13's ResNet parameter shapes.

Usage: python bench/adam_step.py [--threads N] [--repeats 5]

Target (issue 12): ours <= 2x PyTorch's per-tensor AdamW, both timed in this run, best of `--repeats`.
"""
import argparse, os, time
import torch
from torch import optim
from course_lib.sgd import Adam

def resnet_shapes(nfs=(8, 16, 32, 64, 128, 256), n_out=10):
    "Parameter shapes of the course's 13 ResNet: a ResBlock per width (two 3x3 convs + BN, 1x1 id conv), Linear + BN1d head."
    shapes, ni = [], 1
    for nf in nfs:
        shapes += [(nf, ni, 3, 3), (nf,), (nf,), (nf, nf, 3, 3), (nf,), (nf,)]   # conv, BN, conv, BN (convs before BN: no bias)
        shapes += [(nf, ni, 1, 1), (nf,)]                                        # the 1x1 identity conv (ni != nf always here)
        ni = nf
    return shapes + [(n_out, ni), (n_out,), (n_out,)]                           # Linear (no bias), BatchNorm1d

def make_params(shapes, seed=0):
    g = torch.Generator().manual_seed(seed)
    ps = [torch.randn(s, generator=g).requires_grad_() for s in shapes]
    for p in ps: p.grad = torch.randn(p.shape, generator=g)
    return ps

def time_step(opt, repeats):
    "Best time of one `opt.step()` over `repeats` tries, after one warm-up step that creates the state."
    opt.step()
    best = float('inf')
    for _ in range(repeats):
        t0 = time.perf_counter()
        opt.step()
        best = min(best, time.perf_counter() - t0)
    return best

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--threads', type=int, default=1, help='torch threads (default 1, as the notebooks run)')
    ap.add_argument('--repeats', type=int, default=5)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    shapes = resnet_shapes()
    n = sum(torch.Size(s).numel() for s in shapes)
    print(f'{len(shapes)} tensors, {n/1e6:.2f}M parameters; torch {torch.__version__}, {a.threads} thread(s); '
          f'load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores')
    kw = dict(lr=1e-3, wd=1e-2, beta1=0.9, beta2=0.99, eps=1e-5)
    res = {}
    for _ in range(2):   # alternate the two, so a burst of load elsewhere hits both
        for nm, mk in [('torch AdamW(foreach=False)', lambda ps: optim.AdamW(ps, lr=kw['lr'], betas=(kw['beta1'], kw['beta2']),
                                                                   eps=kw['eps'], weight_decay=kw['wd'], foreach=False)),
                       ('course_lib Adam', lambda ps: Adam(ps, **kw))]:
            res[nm] = min(res.get(nm, float('inf')), time_step(mk(make_params(shapes)), a.repeats))
    base, ours = res['torch AdamW(foreach=False)'], res['course_lib Adam']
    for nm, t in res.items(): print(f'{nm:28s} {t*1e3:8.2f} ms/step')
    ratio = ours / base
    print(f'ratio ours/torch: {ratio:.2f}x (target <= 2x): {"PASS" if ratio <= 2 else "FAIL"}')
