# Oracle for the transformer language model (src/nn/languageModels.ts, kind 'transformer'):
# the same architecture, data split and recipe trained by PyTorch.
#
# Data: the names corpus split exactly as chainrule splits it (scripts/oracles/names_split.mjs
# prints the split; this script runs it). Each name is a sequence [., c1…cn] → [c1…cn, .] of
# blockSize tokens, the padding targets ignored (-1); token 0 is the boundary '.', token i the
# vocabulary's i-th character. The loss is the mean cross-entropy per character, in nats.
#
# Model: token embedding + position embedding → `layers` pre-norm encoder blocks (PyTorch's
# TransformerEncoderLayer with norm_first=True, batch_first=True, GELU (erf), dropout 0, a
# causal mask) → LayerNorm → Linear to the vocabulary. Modules named as chainrule's LanguageModel
# names them (tokens, positions, block0…, norm, out), so a state dict loads directly.
#
# Two parts:
# - "same": a small model (embed 16, 2 heads, 1 block, feed-forward 32) in float64 whose initial
#   weights are stored here; 40 AdamW steps (lr 3e-3, weight decay 0.01) on the training names
#   in order, 32 at a time. test/train/charLmOracle.test.ts loads the weights into chainrule,
#   takes the same steps and compares each step's loss and the test loss.
# - "preset": the transformer preset's recipe (embed 64, 4 heads, 2 blocks, feed-forward 256;
#   AdamW lr 1e-3, weight decay 0.01, batch 32 reshuffled each epoch, 12 epochs, cosine
#   annealing to 0 stepped per epoch; float32) for three seeds of PyTorch's own draws: the test
#   loss as mean and spread, the figure the CLI's run is compared with (within 0.03 nats).
#
# Run: npm run build && /usr/bin/python3 scripts/oracles/char_lm.py > test/fixtures/char_lm.json
# (Debian's python3-torch 1.13; the preset part takes several minutes on 2 cores)
import json
import math
import os
import statistics
import subprocess
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..')
split = json.loads(subprocess.check_output(['node', os.path.join(ROOT, 'scripts', 'oracles', 'names_split.mjs'), '0']))
vocab = split['vocab']
block = split['blockSize']
V = len(vocab) + 1
index = {c: i + 1 for i, c in enumerate(vocab)}


def encode(examples):
    x = torch.zeros(len(examples), block, dtype=torch.long)
    y = torch.full((len(examples), block), -1, dtype=torch.long)
    for r, e in enumerate(examples):
        ids = [index[c] for c in e]
        x[r, 1:len(ids) + 1] = torch.tensor(ids, dtype=torch.long)
        y[r, :len(ids)] = torch.tensor(ids, dtype=torch.long)
        y[r, len(ids)] = 0
    return x, y


train = encode(split['train'])
test = encode(split['test'])


class LanguageModel(nn.Module):
    def __init__(self, embed, heads, layers, feedforward):
        super().__init__()
        self.tokens = nn.Embedding(V, embed)
        self.positions = nn.Embedding(block, embed)
        for i in range(layers):
            self.add_module(f'block{i}', nn.TransformerEncoderLayer(embed, heads, dim_feedforward=feedforward, dropout=0.0, activation='gelu', batch_first=True, norm_first=True))
        self.layers = layers
        self.norm = nn.LayerNorm(embed)
        self.out = nn.Linear(embed, V)

    def forward(self, x):
        T = x.shape[1]
        h = self.tokens(x) + self.positions(torch.arange(T))
        mask = torch.triu(torch.full((T, T), float('-inf'), dtype=h.dtype), 1)
        for i in range(self.layers):
            h = getattr(self, f'block{i}')(h, src_mask=mask)
        return self.out(self.norm(h))


def loss_of(model, x, y):
    logits = model(x)
    return F.cross_entropy(logits.reshape(-1, V), y.reshape(-1), ignore_index=-1)


def test_loss(model):
    model.eval()
    with torch.no_grad():
        x, y = test
        logits = model(x)
        total = F.cross_entropy(logits.reshape(-1, V), y.reshape(-1), ignore_index=-1, reduction='sum')
        n = (y >= 0).sum()
    model.train()
    return (total / n).item()


def same_run():
    torch.manual_seed(0)
    model = LanguageModel(16, 2, 1, 32).double()
    state = {k: v.detach().clone() for k, v in model.state_dict().items()}
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=0.01)
    losses = []
    x, y = train
    for step in range(40):
        xb, yb = x[step * 32:(step + 1) * 32], y[step * 32:(step + 1) * 32]
        opt.zero_grad()
        loss = loss_of(model, xb, yb)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return {
        'config': {'embed': 16, 'heads': 2, 'layers': 1, 'feedforward': 32, 'lr': 3e-3, 'weightDecay': 0.01, 'steps': 40, 'batchSize': 32},
        'initial': {k: {'shape': list(v.shape), 'data': v.reshape(-1).tolist()} for k, v in state.items()},
        'losses': losses,
        'testLoss': test_loss(model),
    }


def preset_run(seed, epochs=12):
    torch.manual_seed(seed)
    model = LanguageModel(64, 4, 2, 256)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=0.01)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=epochs)
    x, y = train
    g = torch.Generator().manual_seed(seed)
    for _ in range(epochs):
        order = torch.randperm(x.shape[0], generator=g)
        for s in range(0, x.shape[0], 32):
            idx = order[s:s + 32]
            opt.zero_grad()
            loss_of(model, x[idx], y[idx]).backward()
            opt.step()
        sched.step()
    return test_loss(model)


torch.set_num_threads(1)
out = {'vocab': vocab, 'blockSize': block, 'counts': {k: len(split[k]) for k in ('train', 'validation', 'test')}, 'same': same_run()}
if '--same-only' not in sys.argv:
    losses = [preset_run(s) for s in (0, 1, 2)]
    out['preset'] = {'seeds': [0, 1, 2], 'epochs': 12, 'testLosses': losses, 'mean': statistics.mean(losses), 'stdev': statistics.stdev(losses)}
json.dump(out, sys.stdout)
sys.stdout.write('\n')
