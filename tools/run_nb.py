"""Execute notebooks in place, saving their outputs, then clean them as nbdev_clean does.

Usage: python tools/run_nb.py nbs/04_minibatch_training.ipynb [more notebooks...]

The docs show each notebook's saved outputs (tables, figures), so after changing a notebook run it
through this script. It uses execnb, the engine nbdev_test uses, so a notebook that runs here runs
under nbdev_test too. Cells flagged with a `tst_flags` flag from settings.ini (e.g. `#| slow`) are
skipped unless `--flags slow` is given, as nbdev_test does.
"""
import argparse, os, subprocess, sys, time
from pathlib import Path
from execnb.shell import CaptureShell
from execnb.nbio import read_nb, write_nb
from nbdev.process import NBProcessor
from nbdev.config import get_config

def _skip(flags):
    "A `preproc` for execnb that skips cells carrying one of `flags` or `#| eval: false`."
    def _f(cell):
        if cell.cell_type != 'code': return True
        direc = getattr(cell, 'directives_', {}) or {}
        if direc.get('eval:', [''])[0].lower() == 'false': return True
        return bool(set(flags) & direc.keys())
    return _f

def run_nb(fn, flags=()):
    "Run notebook `fn` top to bottom in its own folder and save it with its outputs."
    fn = Path(fn).absolute()
    skip = set(get_config().tst_flags.split()) - set(flags)
    # NBProcessor parses the `#| ` directives (and strips them from the sources), so run that copy
    # but write the outputs into the untouched notebook.
    nb = read_nb(fn)
    proc = NBProcessor(fn, process=True).nb
    start = time.time()
    shell = CaptureShell(fn)
    cwd = os.getcwd()
    os.chdir(fn.parent)
    try: shell.run_all(proc, exc_stop=True, preproc=_skip(skip))
    finally: os.chdir(cwd)
    for cell, ran in zip(nb.cells, proc.cells):
        if cell.cell_type == 'code': cell['outputs'] = ran.get('outputs', [])
    write_nb(nb, fn)
    subprocess.run(['nbdev_clean', '--fname', str(fn)], check=False, stdout=subprocess.DEVNULL)
    return time.time() - start

if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('notebooks', nargs='+')
    p.add_argument('--flags', default='', help='space-separated test flags to run, e.g. "slow"')
    a = p.parse_args()
    for f in a.notebooks: print(f'{f}: ran in {run_nb(f, a.flags.split()):.1f} s')
