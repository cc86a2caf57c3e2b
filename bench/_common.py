"""What the diffusion benchmarks (ddim_sampling, ddpm_epoch, karras) share: a GPU sync and their U-Net options."""
import torch

def sync():
    "Wait for the GPU's queued work (if there is a GPU), so that a clock read next counts it."
    if torch.cuda.is_available(): torch.cuda.synchronize()

def unet_args(ap, repeats:int=3):
    "Add the options each of them takes to the `argparse` parser `ap`: `--course`, `--threads`, `--repeats`."
    ap.add_argument('--course', action='store_true', help="the course's U-Net (32, 64, 128, 256) instead of the demo's")
    ap.add_argument('--threads', type=int, default=1, help='torch threads on a CPU (default 1, as the notebooks run)')
    ap.add_argument('--repeats', type=int, default=repeats)
