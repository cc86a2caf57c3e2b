"""What `MixedPrecision` (bf16 autocast) costs on this CPU: a training epoch of 13's ResNet in fp32 and in bf16.

Trains 13's ResNet (course_lib.resnet's `ResBlock`s at the course's widths 8..256, BatchNorm, a linear head) for one
training epoch on `--n` random 1x28x28 images (1,024 unless told) at bs `--bs` (256), with a `Learner`, AdamW and
`TrainCB` (fp32) or `MixedPrecision()` (bf16 autocast on the CPU), the two taking turns, and keeps the best of
`--repeats` (3) for each, after a one-batch warm-up of each. Prints both and the ratio bf16 / fp32, with the CPU
capability PyTorch reports and what `course_lib.accel.cpu_bf16_native()` says. Times the process's CPU time, which
other processes on a shared machine disturb less than the wall clock (the wall-clock best is printed too).

Where bf16 is native (AVX512-BF16 or AMX), bf16 costs about what fp32 does or less; where it is emulated it costs many
times more. To see the emulated case on a CPU that has native bf16, limit PyTorch's and oneDNN's kernels to AVX2:

    ONEDNN_MAX_CPU_ISA=AVX2 ATEN_CPU_CAPABILITY=avx2 python bench/bf16_cpu.py

Run: `python bench/bf16_cpu.py [--n 1024] [--bs 256] [--repeats 3] [--threads 1]`
"""
import argparse, os, time, warnings
from functools import partial
import torch, torch.nn.functional as F
from torch import nn, optim
from course_lib.accel import MixedPrecision, cpu_bf16_native
from course_lib.datasets import DataLoaders
from course_lib.init import init_weights
from course_lib.learner import Learner, TrainCB, SingleBatchCB
from course_lib.resnet import ResBlock, act_gr
from course_lib.training import DataLoader, Dataset

def resnet13(nfs=(8, 16, 32, 64, 128, 256)):
    "13's ResNet: a stride-1 `ResBlock`, then stride-2 ones down to 1x1, a linear head (the course's widths)."
    layers = [ResBlock(1, nfs[0], stride=1, act=act_gr, norm=nn.BatchNorm2d)]
    layers += [ResBlock(ni, nf, stride=2, act=act_gr, norm=nn.BatchNorm2d) for ni, nf in zip(nfs, nfs[1:])]
    model = nn.Sequential(*layers, nn.Flatten(), nn.Linear(nfs[-1], 10, bias=False), nn.BatchNorm1d(10))
    return model.apply(partial(init_weights, leaky=0.1))

def epoch_time(learn):
    "CPU and wall-clock seconds of one training epoch of `learn`."
    t0, w0 = time.process_time(), time.perf_counter()
    learn.fit(1, valid=False)
    return time.process_time() - t0, time.perf_counter() - w0

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--n', type=int, default=1024, help='training images')
    p.add_argument('--bs', type=int, default=256, help='batch size')
    p.add_argument('--repeats', type=int, default=3, help='epochs timed for each variant; the best counts')
    p.add_argument('--threads', type=int, default=1, help="torch threads (0: torch's default), as the tests run")
    a = p.parse_args()
    if a.threads: torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    x, y = torch.randn(a.n, 1, 28, 28), torch.randint(0, 10, (a.n,))
    dls = DataLoaders(DataLoader(Dataset(x, y), batch_size=a.bs, shuffle=True), DataLoader(Dataset(x[:a.bs], y[:a.bs])))
    learners = {name: Learner(resnet13(), dls, F.cross_entropy, lr=1e-3, cbs=[cb], opt_func=optim.AdamW)
                for name, cb in (('fp32', TrainCB()), ('bf16', MixedPrecision()))}
    cap = torch.backends.cpu.get_cpu_capability()
    print(f'CPU capability {cap} (ONEDNN_MAX_CPU_ISA={os.environ.get("ONEDNN_MAX_CPU_ISA", "unset")}); '
          f'cpu_bf16_native() = {cpu_bf16_native()}; torch {torch.__version__}, {torch.get_num_threads()} thread(s), '
          f'{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}')
    print(f"13's ResNet, one training epoch of {a.n:,} images at bs {a.bs} ({len(dls.train)} batches), AdamW")
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')   # MixedPrecision's warning on a CPU without native bf16: this measures it
        for l in learners.values(): l.fit(1, valid=False, cbs=SingleBatchCB())   # warm-up
        times = {k: [] for k in learners}
        for _ in range(a.repeats):
            for k, l in learners.items(): times[k].append(epoch_time(l))
    best = {k: min(c for c, w in ts) for k, ts in times.items()}
    for k, ts in times.items():
        print(f'  {k}: {best[k]:7.2f} s CPU (best of {a.repeats}; all: {", ".join(f"{c:.2f}" for c, w in ts)}), '
              f'{min(w for c, w in ts):.2f} s wall')
    print(f'ratio bf16 / fp32: {best["bf16"] / best["fp32"]:.2f}x')

if __name__ == '__main__': main()
