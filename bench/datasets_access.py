"""What reading data through `course_lib.datasets` costs, next to plain tensors.

Run: python bench/datasets_access.py
Prints microseconds per single-item read, and the time for one epoch of Fashion-MNIST's 60,000 training
images (or the synthetic stand-in, same size) in batches of 64, flattened by a transform:
  - `training.DataLoader` over `training.Dataset` (its fast path: one `index_select` per batch; the floor),
  - `DataLoaders.from_dd` (fetches whole batches through `DictDataset.get_batch`),
  - `training.DataLoader` over the `DictDataset` item by item with `collate_dict` (the general route).
Best of a few repeats; the machine is shared, so compare the ratios printed in the same run.
"""
import timeit, warnings
import torch
from course_lib.datasets import DataLoaders, DatasetDict, collate_dict, inplace, load_fashion_dd
from course_lib.training import DataLoader, Dataset

def best(f, number, repeat): return min(timeit.repeat(f, number=number, repeat=repeat)) / number

@inplace
def flatten(b): b['image'] = b['image'].view(len(b['image']), -1)

def table(title, rows, unit, scale, number, repeat):
    print(title)
    base = None
    for name, f in rows.items():
        t = best(f, number, repeat) * scale
        base = base or t
        print(f'  {name:<50} {t:9.2f} {unit}   x{t / base:.1f}')

def main(bs=64):
    torch.manual_seed(0)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        dd = load_fashion_dd()
    trn = dd['train']
    tds = trn.with_transform(flatten)
    x, y = trn['image'].view(len(trn), -1), trn['label']
    n = len(trn)
    table('single-item read', {
        'tensors: (x[i], y[i])': lambda: (x[7], y[7]),
        'training.Dataset[i]': (lambda d: lambda: d[7])(Dataset(x, y)),
        'DictDataset[i]': lambda: trn[7],
        'DictDataset[i] with a transform': lambda: tds[7],
    }, 'us', 1e6, 5_000, 5)
    epoch = lambda dl: lambda: sum(1 for _ in dl)
    table(f'one shuffled epoch of {n:,} images, batch size {bs}', {
        'DataLoader(training.Dataset)': epoch(DataLoader(Dataset(x, y), bs, shuffle=True)),
        'DataLoaders.from_dd(...).train': epoch(DataLoaders.from_dd(DatasetDict(train=tds, test=tds), bs).train),
        'DataLoader(DictDataset, collate_fn=collate_dict)': epoch(DataLoader(tds, bs, shuffle=True, collate_fn=collate_dict(tds))),
    }, 'ms', 1e3, 1, 5)

if __name__ == '__main__': main()
