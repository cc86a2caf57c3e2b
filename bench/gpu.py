"""GPU figures for course_lib (issue 14): data on the GPU, mixed precision, and `course_lib_train --recipe resnet`.

Usage: python bench/gpu.py [--reps 5] [--no-cli]       (needs CUDA; without it, says so in one line and exits 0)
       python bench/gpu.py --smoke                      (anywhere: every step at toy sizes on the CPU, nothing written)

All in one run, on the same card:
  (1) ms per shuffled training epoch of the 04 model (784-50-10 MLP, SGD lr 0.5) on 50,000x784 float32 inputs, at
      bs 50 and bs 1024, fed by:
      - bare: no loader; the data lives on the GPU, `perm = torch.randperm(n, device='cuda')`, then for each batch
        `x.index_select(0, perm[i:i+bs])` (and the same for y)
      - course_lib: `DataLoader(Dataset(x_gpu, y_gpu), batch_size=bs, shuffle=True)` on the GPU-resident tensors
      - PyTorch: `torch.utils.data.DataLoader(TensorDataset(x_cpu, y_cpu), batch_size=bs, shuffle=True)`, each batch
        then `.to('cuda')`
      Target: course_lib within 1.1x of bare.
  (2) ms per training epoch of 13's ResNet (course widths 8..256) on 50,000 GPU-resident 1x28x28 images at bs 1024,
      with a `Learner` and AdamW: `TrainCB` (fp32; PyTorch's defaults, so cuDNN may use TF32) against `MixedPrecision`
      (fp16 + GradScaler). Target: MixedPrecision >= 1.5x faster.
  (3) `course_lib_train --recipe resnet --epochs 5` (14's ResNet, bs 1024, 1cycle, augmentation, MixedPrecision): the
      seconds of its 5 table rows (training + validation) and the wall time of the whole command. Offline it trains on
      the synthetic stand-in for Fashion-MNIST, split as course_lib splits it: 50,000 training + 10,000 validation
      images (60,000 in all). Target: <= 10 s of training on an H100 (the course's notebook took 64 s).
Each figure in (1) and (2) is the best of `--reps` runs after a warm-up, the variants taking turns in each round;
the GPU is synchronised before each clock reading. The figures go to bench/results/gpu.md with the card's name.
"""
import argparse, re, shutil, subprocess, sys, time
from functools import partial
from pathlib import Path
import torch
from torch import nn, optim
import torch.nn.functional as F
import torch.utils.data as tud
from course_lib.accel import MixedPrecision
from course_lib.data import atomic_write
from course_lib.datasets import DataLoaders
from course_lib.init import init_weights
from course_lib.learner import Learner, TrainCB
from course_lib.resnet import ResBlock, act_gr
from course_lib.training import DataLoader, Dataset

RESULTS = Path(__file__).parent/'results'/'gpu.md'

def sync(dev):
    if dev.type == 'cuda': torch.cuda.synchronize(dev)

def best_times(variants, reps, dev):
    "Best seconds of each zero-argument function in `variants`: one warm-up each, then `reps` rounds taking turns."
    for f in variants.values(): f()
    best = {k: float('inf') for k in variants}
    for _ in range(reps):
        for k, f in variants.items():
            sync(dev)
            start = time.perf_counter()
            f()
            sync(dev)
            best[k] = min(best[k], time.perf_counter() - start)
    return best

# (1) the 04 model, three ways of feeding it
def bare_batches(x, y, bs):
    "Shuffled batches of GPU-resident `x`, `y` with no loader: slices of a permutation made on their device."
    perm = torch.randperm(len(x), device=x.device)
    for i in range(0, len(x), bs):
        idx = perm[i:i+bs]
        yield x.index_select(0, idx), y.index_select(0, idx)

def to_device_batches(dl, dev):
    for xb, yb in dl: yield xb.to(dev), yb.to(dev)

def mlp_epoch(batches, model, opt):
    for xb, yb in batches:
        loss = F.cross_entropy(model(xb), yb)
        loss.backward()
        opt.step()
        opt.zero_grad()

def bench_loaders(n, bs, reps, dev):
    "(1): ms per training epoch of the 04 model for each way of feeding it."
    x, y = torch.rand(n, 784), torch.randint(0, 10, (n,))
    xg, yg = x.to(dev), y.to(dev)                                  # the whole dataset on the GPU, once
    model = nn.Sequential(nn.Linear(784, 50), nn.ReLU(), nn.Linear(50, 10)).to(dev)
    opt = torch.optim.SGD(model.parameters(), lr=0.5)
    feeds = {'bare resident slicing': lambda: bare_batches(xg, yg, bs),
             'course_lib DataLoader, resident': lambda: DataLoader(Dataset(xg, yg), batch_size=bs, shuffle=True),
             "PyTorch DataLoader + .to('cuda')": lambda: to_device_batches(
                 tud.DataLoader(tud.TensorDataset(x, y), batch_size=bs, shuffle=True), dev)}
    return best_times({k: partial(lambda f: mlp_epoch(f(), model, opt), f) for k, f in feeds.items()}, reps, dev)

# (2) 13's ResNet, fp32 against MixedPrecision
def resnet13(nfs=(8, 16, 32, 64, 128, 256)):
    "13's ResNet: a stride-1 `ResBlock`, then stride-2 ones down to 1x1, a linear head (the course's widths)."
    layers = [ResBlock(1, nfs[0], stride=1, act=act_gr, norm=nn.BatchNorm2d)]
    layers += [ResBlock(ni, nf, stride=2, act=act_gr, norm=nn.BatchNorm2d) for ni, nf in zip(nfs, nfs[1:])]
    model = nn.Sequential(*layers, nn.Flatten(), nn.Linear(nfs[-1], 10, bias=False), nn.BatchNorm1d(10))
    return model.apply(partial(init_weights, leaky=0.1))

def bench_amp(n, bs, reps, dev):
    "(2): ms per training epoch of 13's ResNet, fp32 and with `MixedPrecision`."
    x, y = torch.randn(n, 1, 28, 28, device=dev), torch.randint(0, 10, (n,), device=dev)
    dls = DataLoaders(DataLoader(Dataset(x, y), batch_size=bs, shuffle=True), DataLoader(Dataset(x[:bs], y[:bs])))
    learners = {name: Learner(resnet13().to(dev), dls, F.cross_entropy, lr=1e-3, cbs=[cb], opt_func=optim.AdamW)
                for name, cb in (('fp32', TrainCB()), ('MixedPrecision', MixedPrecision()))}
    return best_times({k: partial(l.fit, 1, valid=False) for k, l in learners.items()}, reps, dev)

# (3) the main job
def bench_cli(dev, extra=()):
    "(3): run `course_lib_train --recipe resnet --epochs 5`; its epoch seconds, wall time and last lines."
    cli = shutil.which('course_lib_train')
    cmd = [cli] if cli else [sys.executable, '-c', 'from course_lib.cli import train_cli; train_cli()']
    cmd += ['--recipe', 'resnet', '--epochs', '5', '--device', str(dev), *extra]
    start = time.perf_counter()
    r = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if r.returncode != 0: sys.exit(f'bench/gpu.py: course_lib_train failed ({r.returncode}): {r.stderr.strip()[-300:]}')
    epochs = [float(l.split()[-1]) for l in r.stdout.splitlines() if re.match(r'^\d+\s+\d', l)]
    return epochs, wall, r.stdout

def report(card, a, n, amp_bs, loaders, amp, cli):
    "The figures as Markdown lines, with the ratios and targets."
    ms = lambda t: f'{t * 1e3:,.1f}'
    out = [f'# GPU figures ({card})', '',
           f'torch {torch.__version__}, CUDA {torch.version.cuda}; best of {a.reps} after a warm-up; '
           f'`python bench/gpu.py`, {time.strftime("%Y-%m-%d")}.', '',
           f'## (1) 04 model, one training epoch of {n:,} images (ms)', '',
           '| feed | ' + ' | '.join(f'bs {bs}' for bs in loaders) + ' |', '|---|' + '---:|' * len(loaders)]
    feeds = next(iter(loaders.values()))
    out += [f'| {k} | ' + ' | '.join(ms(loaders[bs][k]) for bs in loaders) + ' |' for k in feeds]
    for bs, t in loaders.items():
        ours = t['course_lib DataLoader, resident']
        r, rt = ours / t['bare resident slicing'], t["PyTorch DataLoader + .to('cuda')"] / ours
        out.append(f'\nbs {bs}: course_lib / bare = {r:.2f}x (target <= 1.1: {"ok" if r <= 1.1 else "MISSED"}); '
                   f"PyTorch + .to('cuda') / course_lib = {rt:.1f}x")
    r = amp['fp32'] / amp['MixedPrecision']
    out += ['', f"## (2) 13's ResNet, one training epoch of {n:,} images at bs {amp_bs} (ms)", '',
            f"fp32 {ms(amp['fp32'])}, MixedPrecision {ms(amp['MixedPrecision'])}: "
            f'{r:.2f}x faster (target >= 1.5: {"ok" if r >= 1.5 else "MISSED"})']
    if cli:
        epochs, wall, stdout = cli
        tot = sum(epochs)
        out += ['', '## (3) `course_lib_train --recipe resnet --epochs 5`', '',
                f'training (the 5 table rows, validation included): {tot:.1f} s '
                f'(target <= 10 s on an H100: {"ok" if tot <= 10 else "MISSED"}); whole command {wall:.1f} s wall', '',
                '```', stdout.strip(), '```']
    return out

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--reps', type=int, default=5, help='repeats per measurement in (1) and (2) (the best is kept)')
    p.add_argument('--no-cli', action='store_true', help='skip (3)')
    p.add_argument('--smoke', action='store_true', help='every step at toy sizes on the CPU; writes nothing')
    a = p.parse_args()
    if a.smoke: dev, card, n, reps = torch.device('cpu'), 'CPU smoke test', 2048, 1
    elif not torch.cuda.is_available():
        print('bench/gpu.py: skipped, no CUDA device here (it measures GPU figures; try --smoke to check it runs).')
        return
    else: dev, card, n, reps = torch.device('cuda'), torch.cuda.get_device_name(), 50_000, a.reps
    a.reps = reps
    torch.manual_seed(0)
    loaders = {bs: bench_loaders(n, bs, reps, dev) for bs in (50, 1024)}
    amp_bs = 256 if a.smoke else 1024
    amp = bench_amp(n, amp_bs, reps, dev)
    toy = ['--n_train', '512', '--n_valid', '256', '--bs', '128'] if a.smoke else []
    cli = None if a.no_cli else bench_cli(dev, toy)
    lines = report(card, a, n, amp_bs, loaders, amp, cli)
    print('\n'.join(lines))
    if a.smoke: return
    RESULTS.parent.mkdir(exist_ok=True)
    with atomic_write(RESULTS) as tmp: tmp.write_text('\n'.join(lines) + '\n')
    print(f'\nwritten to {RESULTS}')

if __name__ == '__main__': main()
