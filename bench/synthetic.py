"""How long course_lib's synthetic stand-ins take to draw, and to load once course_lib.data has cached them.

Usage: python bench/synthetic.py [--repeats 2]

Prints the best of a few repeats (timings on a shared machine are noisy) for drawing all 70,000 images
(50k train, 10k valid, 10k test) of `synthetic_digits` and `synthetic_fashion` (course_lib.synthetic,
pure generators), and for reading the same images back from the cache course_lib.data keeps of them
when offline, with the ratio between the two. Issue 2 asks for the digits in < 30 s.
"""
import argparse, tempfile, time
import torch
from course_lib import data, synthetic

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
    t = time.perf_counter(); templates = synthetic._digit_templates()
    print(f'render digit templates ({templates.shape[0]} fonts x 10 digits x 4 strokes): '
          f'{time.perf_counter() - t:.2f} s (once per process)')
    for spec in (data.MNIST, data.FASHION_MNIST):
        name = spec.synthetic.__name__
        draw = best(spec.synthetic, a.repeats)
        with tempfile.TemporaryDirectory() as d:
            data._stand_in(spec, d)  # draws once and fills a temporary cache
            load = best(lambda: data._stand_in(spec, d), a.repeats)
        print(f'{name:18} draw 70,000 images: {draw:5.2f} s ({70_000/draw:,.0f} images/s); '
              f'load from cache: {load:.2f} s ({draw/load:.0f}x faster than drawing)')
