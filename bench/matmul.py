"""Time the matrix multiplications of nbs/01_matmul.ipynb: µs per matmul, ns per multiply-add, speed-up over three loops.

Usage: python bench/matmul.py [--rows 5] [--big-rows 10000] [--repeat 5] [--threads 1]

The first table multiplies `rows` validation images (rows, 784) by random weights (784, 10), with every method.
The second uses `big-rows` images with the methods fast enough for it; the three-loop row there is the
small-table time scaled by big_rows/rows (marked ≈). Each figure is the best of `repeat` rounds, each round
long enough (>= 0.05 s) to time reliably; ratios come from the same run. PyTorch runs on `threads` threads
(default 1, like the loops and numba; on a shared machine its thread pool makes small multiplications erratic). The functions are copies of the
notebook's (it exports nothing), kept minimal.
"""
import argparse, os, platform, timeit, warnings
import torch

def matmul(a, b):
    (ar, ac), (br, bc) = a.shape, b.shape
    c = torch.zeros(ar, bc)
    for i in range(ar):
        for j in range(bc):
            for k in range(ac): c[i, j] += a[i, k] * b[k, j]
    return c

def matmul_lists(a, b):
    ar, ac, bc = len(a), len(a[0]), len(b[0])
    c = [[0.] * bc for _ in range(ar)]
    for i in range(ar):
        for j in range(bc):
            for k in range(ac): c[i][j] += a[i][k] * b[k][j]
    return c

def matmul_ew(a, b):
    c = torch.zeros(a.shape[0], b.shape[1])
    for i in range(a.shape[0]):
        for j in range(b.shape[1]): c[i, j] = (a[i, :] * b[:, j]).sum()
    return c

def matmul_bc(a, b):
    c = torch.zeros(a.shape[0], b.shape[1])
    for i in range(a.shape[0]): c[i] = (a[i, :, None] * b).sum(dim=0)
    return c

def matmul_einsum(a, b): return torch.einsum('ik,kj->ij', a, b)

def _numba_matmul():
    try: from numba import njit
    except ImportError: return None
    import numpy as np
    @njit
    def matmul_numba(a, b):
        ar, ac = a.shape
        bc = b.shape[1]
        c = np.zeros((ar, bc), dtype=a.dtype)
        for i in range(ar):
            for j in range(bc):
                for k in range(ac): c[i, j] += a[i, k] * b[k, j]
        return c
    return matmul_numba

def bench(f, repeat, min_time=0.05):
    "Best µs per call of `f()` over `repeat` rounds of at least `min_time` s each."
    timer = timeit.Timer(f)
    t1 = timer.timeit(1)
    number = max(1, round(min_time / t1))
    return min(timer.repeat(repeat, number)) / number * 1e6

def table(times, base, n_madds, title):
    print(f'\n{title}')
    print(f'{"method":34s} {"µs per matmul":>16s} {"ns per madd":>12s} {"speed-up":>10s}')
    for name, us in times.items():
        print(f'{name:34s} {us:16,.1f} {us*1e3/n_madds:12,.3f} {times[base]/us:9,.0f}x')

def main(rows=5, big_rows=10_000, repeat=5, threads=1):
    torch.set_num_threads(threads)
    from course_lib.data import load_mnist
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')  # the offline notice; timings don't depend on the pixels
        _, (x_valid, _), _ = load_mnist()
    torch.manual_seed(1)
    w = torch.randn(784, 10)
    m1, xb = x_valid[:rows], x_valid[:big_rows]
    l1, l2 = m1.tolist(), w.tolist()
    nb = _numba_matmul()
    print(f'{platform.processor() or platform.machine()}, {os.cpu_count()} CPU cores, '
          f'PyTorch {torch.__version__} using {torch.get_num_threads()} threads, numba {"yes" if nb else "not installed"}')
    base = 'three loops, tensors'
    fs = {base: lambda: matmul(m1, w), 'three loops, lists': lambda: matmul_lists(l1, l2)}
    if nb: a1, a2 = m1.numpy(), w.numpy(); fs['three loops, numba'] = lambda: nb(a1, a2)
    fs |= {'element-wise': lambda: matmul_ew(m1, w), 'broadcasting': lambda: matmul_bc(m1, w),
           'einsum': lambda: matmul_einsum(m1, w), 'torch.matmul': lambda: torch.matmul(m1, w), '@': lambda: m1 @ w}
    small = {k: bench(f, repeat) for k, f in fs.items()}
    table(small, base, rows*784*10, f'({rows}, 784) @ (784, 10)')
    big = {base + ' ≈': small[base] * big_rows / rows}
    if nb: xa = xb.numpy(); big['three loops, numba'] = bench(lambda: nb(xa, a2), repeat)
    big |= {'broadcasting': bench(lambda: matmul_bc(xb, w), repeat), 'einsum': bench(lambda: matmul_einsum(xb, w), repeat),
            '@': bench(lambda: xb @ w, repeat)}
    table(big, base + ' ≈', big_rows*784*10, f'({big_rows}, 784) @ (784, 10); the loop row is extrapolated')

if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--rows', type=int, default=5)
    p.add_argument('--big-rows', type=int, default=10_000)
    p.add_argument('--repeat', type=int, default=5)
    p.add_argument('--threads', type=int, default=1, help='PyTorch threads')
    a = p.parse_args()
    main(a.rows, a.big_rows, a.repeat, a.threads)
