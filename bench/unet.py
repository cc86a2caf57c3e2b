"""A training step of 23's `EmbUNetModel` against diffusers' `UNet2DModel` of about the same size: params, GFLOPs, time.

Usage: python bench/unet.py [--bs 16] [--course] [--threads 1] [--repeats 5] [--steps 3]
       python bench/unet.py --course --bs 64     # the course's widths (32, 64, 128, 256), two layers per block

One step is what 23's demo training does: the forward pass on Karras-noised images (`course_lib.karras.noisify`,
the same batch for both models), an MSE loss, `backward` and an AdamW step. Both models start from `torch.manual_seed(0)`.
diffusers' model gets the same widths and layers per block, group norms of 8 groups and no attention in its down and
up blocks (23's pairing; its middle block keeps diffusers' default attention; about the same parameter count, printed). FLOPs are torch.utils.flop_counter's count of one forward and backward
(AdamW's element-wise update is not counted). Times are the best of `--repeats` runs of `--steps` steps each, the two
models taking turns, after a warm-up; on a CPU the process's CPU time (less disturbed on a shared machine) and the
wall clock are both printed, and the ratio uses CPU time.

With CUDA, a second section runs the course's lesson-28 configuration (widths (32, 64, 128, 256), two layers per block,
attention with 8 channels per head from the second level; diffusers: AttnDown/AttnUp blocks with head dim 8) at bs
512 on 32x32 images, in fp32 and in mixed precision (`torch.autocast`, bf16 where the card supports it, else fp16 with
a GradScaler), and prints the card's name. Without CUDA it says it skipped. Nothing here asserts on speed.
"""
import argparse, os, time
import torch
import torch.nn.functional as F
from torch import optim
from torch.utils.flop_counter import FlopCounterMode
from diffusers import UNet2DModel
from course_lib.unet import EmbUNetModel
from course_lib.karras import noisify

class DiffusersUNet(UNet2DModel):
    "diffusers' `UNet2DModel`, called as `model((x, t))` and returning a tensor."
    def forward(self, inp): return super().forward(*inp).sample

def make_models(nfs, num_layers, attn=False):
    "Ours and diffusers' U-Nets with widths `nfs`; `attn`: 8-channel heads from the second level down, as lesson 28."
    torch.manual_seed(0)
    ours = EmbUNetModel(1, 1, nfs=nfs, num_layers=num_layers, attn_chans=8 if attn else 0)
    n = len(nfs)
    down = ('DownBlock2D',) + (('AttnDownBlock2D' if attn else 'DownBlock2D'),) * (n - 1)
    up = (('AttnUpBlock2D' if attn else 'UpBlock2D'),) * (n - 1) + ('UpBlock2D',)
    torch.manual_seed(0)
    theirs = DiffusersUNet(sample_size=32, in_channels=1, out_channels=1, block_out_channels=nfs,
                           layers_per_block=num_layers, norm_num_groups=8, down_block_types=down,
                           up_block_types=up, attention_head_dim=8)
    return {'EmbUNetModel': ours, 'diffusers UNet2DModel': theirs}

def n_params(m): return sum(p.numel() for p in m.parameters())

def step_flops(model, batch):
    "FLOPs of one forward and backward of `model` on `batch`."
    (xt, sig), y = batch
    with FlopCounterMode(display=False) as counter: F.mse_loss(model((xt, sig)), y).backward()
    model.zero_grad(set_to_none=True)
    return counter.get_total_flops()

def train_step(model, opt, batch, amp=None, scaler=None):
    "Forward, MSE loss, backward and an optimiser step; `amp`: an autocast dtype, `scaler`: a GradScaler for fp16."
    (xt, sig), y = batch
    with torch.autocast(xt.device.type, dtype=amp or torch.float32, enabled=amp is not None):
        loss = F.mse_loss(model((xt, sig)).float(), y)
    if scaler:
        scaler.scale(loss).backward()
        scaler.step(opt)
        scaler.update()
    else:
        loss.backward()
        opt.step()
    opt.zero_grad(set_to_none=True)

def sync(dev):
    if dev.type == 'cuda': torch.cuda.synchronize(dev)

def time_steps(models, batch, steps, repeats, amp=None):
    "Best (CPU s, wall s) per step for each model, the models taking turns, after a warm-up step each."
    dev = batch[1].device
    opts = {k: optim.AdamW(m.parameters(), lr=1e-4, eps=1e-5) for k, m in models.items()}
    scalers = {k: torch.amp.GradScaler(dev.type) if amp == torch.float16 else None for k in models}
    for k, m in models.items(): m.train(); train_step(m, opts[k], batch, amp, scalers[k])   # warm-up
    best = {k: (float('inf'), float('inf')) for k in models}
    for _ in range(repeats):
        for k, m in models.items():
            sync(dev); c0, w0 = time.process_time(), time.perf_counter()
            for _ in range(steps): train_step(m, opts[k], batch, amp, scalers[k])
            sync(dev)
            c, w = (time.process_time() - c0) / steps, (time.perf_counter() - w0) / steps
            best[k] = (min(best[k][0], c), min(best[k][1], w))
    return best

def report(models, batch, best, key=0):
    "Print params, GFLOPs and time per step of each model, and the time ratio ours / diffusers'."
    (xt, _), _ = batch
    for k, m in models.items():
        gf = step_flops(m, batch) / 1e9
        c, w = best[k]
        print(f'  {k:22} {n_params(m):>11,} params  {gf:8.2f} GFLOPs/step (fwd+bwd)  '
              f'{c*1e3:9.1f} ms CPU  {w*1e3:9.1f} ms wall per step')
    ours, theirs = (best[k][key] for k in models)
    print(f"  time ratio EmbUNetModel / UNet2DModel: {ours/theirs:.2f}x ({'CPU' if key == 0 else 'wall'} time)")

def cpu_section(a):
    nfs, nl = ((32, 64, 128, 256), 2) if a.course else ((8, 16, 32), 1)
    dev = torch.device('cpu')
    models = make_models(nfs, nl)
    torch.manual_seed(1)
    batch = noisify(torch.rand(a.bs, 1, 32, 32, device=dev) * 2 - 1)
    print(f"CPU: training step at bs {a.bs}, 32x32, widths {nfs}, {nl} layer(s) per block, no attention; "
          f"torch {torch.__version__}, {torch.get_num_threads()} thread(s), load average {os.getloadavg()[0]:.1f}; "
          f"best of {a.repeats} x {a.steps} steps")
    report(models, batch, time_steps(models, batch, a.steps, a.repeats))

def gpu_section(a):
    if not torch.cuda.is_available():
        print('GPU section skipped: no CUDA device (torch.cuda.is_available() is False).')
        return
    dev = torch.device('cuda')
    amp = torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
    torch.manual_seed(1)
    batch = noisify(torch.rand(512, 1, 32, 32, device=dev) * 2 - 1)
    print(f"GPU: {torch.cuda.get_device_name(dev)}, torch {torch.__version__}, CUDA {torch.version.cuda}; the course's "
          f"lesson-28 U-Net (32, 64, 128, 256), 2 layers, attention; bs 512, 32x32; best of {a.repeats} x {a.steps} steps")
    for name, dt in (('fp32', None), (f'autocast {str(amp).split(".")[-1]}', amp)):
        models = {k: m.to(dev) for k, m in make_models((32, 64, 128, 256), 2, attn=True).items()}
        print(f' {name}:')
        report(models, batch, time_steps(models, batch, a.steps, a.repeats, dt), key=1)

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--bs', type=int, default=16, help='CPU batch size (23 trains at 16)')
    ap.add_argument('--course', action='store_true', help="CPU section at the course's widths, not the demo's")
    ap.add_argument('--threads', type=int, default=1, help="torch threads on the CPU (0: torch's default)")
    ap.add_argument('--repeats', type=int, default=5)
    ap.add_argument('--steps', type=int, default=3, help='steps per timed run')
    a = ap.parse_args()
    if a.threads: torch.set_num_threads(a.threads)
    cpu_section(a)
    gpu_section(a)
