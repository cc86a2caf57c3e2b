"""FID from two sets of 10,000 x 512 features: course_lib against torchmetrics and the course's scipy `sqrtm`.

Usage: python bench/fid.py [--threads N] [--repeats 5] [--n 10000] [--d 512]

Each contender starts from the same float32 features (the course's 512 at full width) and does its own statistics:
- course_lib: `_calc_stats` twice (float64), then `_calc_fid` (the trace term from two symmetric eigen-decompositions);
- torchmetrics: `FrechetInceptionDistance(feature=<identity>)`: `update` both sets, `compute` (float64 sums, then
  `_compute_fid`, which takes the eigenvalues of the non-symmetric product);
- the course (miniai): float32 mean and covariance, then `scipy.linalg.sqrtm(c1 @ c2, 256)`, its `disp` argument passed
  only where this scipy still has it.
A second table times the matrix part alone (`_calc_fid` against `_compute_fid` and scipy) from the same float64 stats.
Target (issue 18): course_lib <= 1.0x torchmetrics, best of `--repeats`, both timed in this run.
"""
import argparse, inspect, os, time, warnings
import torch
from torch import nn
from scipy import linalg
from torchmetrics.image.fid import FrechetInceptionDistance, _compute_fid
from course_lib.fid import _calc_stats, _calc_fid

def make_feats(n, d, seed):
    "Features like a ReLU network's: a low-rank part plus noise, through a ReLU; (n, d) float32."
    g = torch.Generator().manual_seed(seed)
    z, w = torch.randn(n, 64, generator=g), torch.randn(64, d, generator=g) / 8
    return (z @ w + 0.3 * torch.randn(n, d, generator=g)).relu()

class Identity(nn.Module):
    "The features are already features: torchmetrics reads `num_features` instead of running a dummy image."
    def __init__(self, d): super().__init__(); self.num_features = d
    def forward(self, x): return x

def scipy_sqrtm(a):
    with warnings.catch_warnings():
        warnings.simplefilter('ignore', DeprecationWarning)
        return linalg.sqrtm(a, 256) if 'disp' in inspect.signature(linalg.sqrtm).parameters else linalg.sqrtm(a)

def course_fid_stats(m1, c1, m2, c2):
    "miniai's `_calc_fid`: scipy's square root of the product."
    csr = torch.tensor(scipy_sqrtm((c1 @ c2).numpy()).real)
    return (((m1 - m2)**2).sum() + c1.trace() + c2.trace() - 2 * csr.trace()).item()

def course_stats(f): return f.mean(0), f.T.cov()     # miniai's `_calc_stats`, on float32 features

def ours(f1, f2): return _calc_fid(*_calc_stats(f1), *_calc_stats(f2))
def course(f1, f2): return course_fid_stats(*course_stats(f1), *course_stats(f2))
def tm(f1, f2):
    fid = FrechetInceptionDistance(feature=Identity(f1.shape[1]))
    fid.update(f1, real=True)
    fid.update(f2, real=False)
    return fid.compute().item()

def best(f, args, repeats):
    "Best time of `f(*args)` over `repeats` calls (after one warm-up), and its value."
    v = f(*args)
    ts = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        f(*args)
        ts.append(time.perf_counter() - t0)
    return min(ts), v

def table(title, fns, args, repeats, base):
    print(title)
    res = {}
    for _ in range(2):   # alternate, so a burst of load elsewhere hits every contender
        for nm, f in fns.items():
            t, v = best(f, args, repeats)
            res[nm] = (min(t, res.get(nm, (float('inf'),))[0]), v)
    for nm, (t, v) in res.items(): print(f'  {nm:34s} {t*1e3:9.1f} ms   FID {v:.6f}   {t / res[base][0]:5.2f}x {base}')
    return res

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--threads', type=int, default=1, help='torch threads (default 1, as the notebooks run)')
    ap.add_argument('--repeats', type=int, default=5)
    ap.add_argument('--n', type=int, default=10_000, help='feature vectors per set')
    ap.add_argument('--d', type=int, default=512, help='features per vector')
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    print(f'{a.n:,} x {a.d} features per set; torch {torch.__version__}, {a.threads} thread(s); '
          f'load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores')
    f1, f2 = make_feats(a.n, a.d, 0), make_feats(a.n, a.d, 1) * 1.1
    whole = table('From the features (statistics + FID):', {'torchmetrics FrechetInceptionDistance': tm,
                  'course_lib _calc_stats + _calc_fid': ours, 'course (float32 stats, scipy sqrtm)': course},
                  (f1, f2), a.repeats, 'torchmetrics FrechetInceptionDistance')
    stats = (*_calc_stats(f1), *_calc_stats(f2))
    part = table('From the same float64 statistics (the matrix part):', {'torchmetrics _compute_fid':
                 lambda *s: _compute_fid(*s).item(), 'course_lib _calc_fid': _calc_fid, 'course scipy sqrtm':
                 course_fid_stats}, stats, a.repeats, 'torchmetrics _compute_fid')
    v_ours, v_tm = part['course_lib _calc_fid'][1], part['torchmetrics _compute_fid'][1]
    print(f'values: course_lib - torchmetrics = {v_ours - v_tm:.2e} (relative {abs(v_ours - v_tm) / v_tm:.1e})')
    ratio = whole['course_lib _calc_stats + _calc_fid'][0] / whole['torchmetrics FrechetInceptionDistance'][0]
    print(f'ratio course_lib/torchmetrics from features: {ratio:.2f}x (target <= 1.0x): {"PASS" if ratio <= 1 else "FAIL"}')
