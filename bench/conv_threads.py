"""How torch's CPU thread count affects training the 07_convolutions CNN when notebooks run side by side.

`nbdev_test` runs notebooks in parallel worker processes, and each one's torch uses as many threads as the machine
has cores, so with 2 cores and 2 notebooks 4 threads compete for 2 cores. This times one epoch of the CNN from
`07_convolutions` (10,000 random 28x28 images, bs=64, SGD) in 1 or 2 concurrent processes with 1 or 2 threads each,
best of 3 epochs, and prints the ratios. Run: `python bench/conv_threads.py`.
"""
import os, subprocess, sys, time

def _child(threads):
    "Train 3 epochs with `threads` torch threads; print the best epoch time."
    import torch, torch.nn.functional as F
    from torch import nn, optim
    from course_lib.conv import conv
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    x, y = torch.rand(10_000, 1, 28, 28), torch.randint(0, 10, (10_000,))
    model = nn.Sequential(conv(1, 8), conv(8, 16), conv(16, 32), conv(32, 32), conv(32, 10, act=False), nn.Flatten())
    opt = optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    best = float('inf')
    for _ in range(3):
        t0 = time.perf_counter()
        for i in range(0, len(x), 64):
            F.cross_entropy(model(x[i:i+64]), y[i:i+64]).backward()
            opt.step(); opt.zero_grad()
        best = min(best, time.perf_counter() - t0)
    print(best)

def run(procs, threads):
    "Worst of the best epoch times of `procs` processes started together, each with `threads` threads."
    ps = [subprocess.Popen([sys.executable, __file__, '--child', str(threads)], stdout=subprocess.PIPE, text=True)
          for _ in range(procs)]
    return max(float(p.communicate()[0]) for p in ps)

if __name__ == '__main__':
    if sys.argv[1:2] == ['--child']: _child(int(sys.argv[2])); sys.exit()
    print(f'{os.cpu_count()} cores; load average before: {os.getloadavg()[0]:.1f}')
    res = {}
    for procs, threads in [(1, 1), (1, 2), (2, 1), (2, 2)]:
        res[procs, threads] = run(procs, threads)
        print(f'{procs} process(es) x {threads} thread(s): {res[procs, threads]:6.2f} s per epoch')
    print(f'1 process:   2 threads take {res[1, 2]/res[1, 1]:.2f}x the time of 1 thread')
    print(f'2 processes: 2 threads each take {res[2, 2]/res[2, 1]:.2f}x the time of 1 thread each')
