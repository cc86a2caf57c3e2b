"""How long course_lib's synthetic stand-ins take to generate, and to load once cached.

Usage: python bench/synthetic.py [--repeats 2]

Prints the best of a few repeats (timings on a shared machine are noisy) for generating all
70,000 images (50k train, 10k valid, 10k test) of `synthetic_digits` and `synthetic_fashion`
without the cache, and for loading them from a warm cache. Issue 2 asks for the digits in < 30 s.
"""
import argparse, tempfile, time
import torch
from course_lib import data

def best(f, repeats):
    "Best wall time of `repeats` calls to `f`."
    ts = []
    for _ in range(repeats):
        t = time.perf_counter(); f(); ts.append(time.perf_counter() - t)
    return min(ts)

if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--repeats', type=int, default=2)
    a = p.parse_args()
    print(f'torch {torch.__version__}, {torch.get_num_threads()} threads')
    t = time.perf_counter(); data._digit_templates(); print(f'render digit templates ({len(data._DIGIT_FONTS)} fonts x 10 digits x 4 strokes): {time.perf_counter() - t:.2f} s (once per process)')
    for name, f in (('synthetic_digits', data.synthetic_digits), ('synthetic_fashion', data.synthetic_fashion)):
        gen = best(lambda: f(cache=False), a.repeats)
        with tempfile.TemporaryDirectory() as d:
            f(cache_dir=d)  # fill a temporary cache
            load = best(lambda: f(cache_dir=d), a.repeats)
        print(f'{name:18} generate 70,000 images: {gen:5.2f} s ({70_000/gen:,.0f} images/s); load from cache: {load:.2f} s')
