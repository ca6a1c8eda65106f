# Oracle for src/nn/normalizationOps.ts and src/nn/normalization.ts: PyTorch's batch norm and
# group norm (float64) on inputs from a seeded formula that test/nn/normalization.test.ts
# reproduces exactly (integer arithmetic and one division, so both sides hold the same bits).
# Run: /usr/bin/python3 scripts/oracles/norm.py > test/fixtures/norm.json  (Debian's python3-torch)
import json
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)


def count(shape):
    n = 1
    for d in shape:
        n *= d
    return n


def seq(shape, k):
    """Values in [-2, 2): ((37 i + 11 k + 5) mod 101) / 25 - 2."""
    return torch.tensor([((37 * i + 11 * k + 5) % 101) / 25 - 2 for i in range(count(shape))]).reshape(shape)


def weight_of(c):
    return torch.tensor([0.5 + ((13 * i + 3) % 7) / 10 for i in range(c)])


def bias_of(c):
    return torch.tensor([((5 * i + 2) % 9) / 8 - 0.5 for i in range(c)])


def upstream(shape):
    """The gradient fed back: ((29 i + 7) mod 17) / 8 - 1."""
    return torch.tensor([((29 * i + 7) % 17) / 8 - 1 for i in range(count(shape))]).reshape(shape)


def flat(t):
    return t.detach().reshape(-1).tolist()


def batch_norm_case(cls, shape, affine, momentum):
    c = shape[1]
    m = cls(c, momentum=momentum, affine=affine)
    if affine:
        with torch.no_grad():
            m.weight.copy_(weight_of(c))
            m.bias.copy_(bias_of(c))
    m.train()
    steps = []
    for k in range(3):
        x = seq(shape, k).requires_grad_(True)
        y = m(x)
        y.backward(upstream(shape))
        step = {'output': flat(y), 'inputGrad': flat(x.grad)}
        if affine:
            step['weightGrad'] = flat(m.weight.grad)
            step['biasGrad'] = flat(m.bias.grad)
            m.weight.grad = None
            m.bias.grad = None
        step['runningMean'] = flat(m.running_mean)
        step['runningVar'] = flat(m.running_var)
        step['numBatchesTracked'] = int(m.num_batches_tracked)
        steps.append(step)
    m.eval()
    x = seq(shape, 7).requires_grad_(True)
    y = m(x)
    y.backward(upstream(shape))
    ev = {'output': flat(y), 'inputGrad': flat(x.grad)}
    if affine:
        ev['weightGrad'] = flat(m.weight.grad)
        ev['biasGrad'] = flat(m.bias.grad)
    return {'layer': cls.__name__, 'shape': list(shape), 'affine': affine, 'momentum': momentum, 'steps': steps, 'eval': ev}


def group_norm_case(shape, groups, affine):
    c = shape[1]
    x = seq(shape, 3).requires_grad_(True)
    w = weight_of(c).requires_grad_(True)
    b = bias_of(c).requires_grad_(True)
    y = F.group_norm(x, groups, w if affine else None, b if affine else None, eps=1e-5)
    y.backward(upstream(shape))
    out = {'shape': list(shape), 'groups': groups, 'affine': affine, 'output': flat(y), 'inputGrad': flat(x.grad)}
    if affine:
        out['weightGrad'] = flat(w.grad)
        out['biasGrad'] = flat(b.grad)
    return out


def functional_case(shape):
    """F.batch_norm without running statistics (training only), and with them in eval."""
    c = shape[1]
    x = seq(shape, 5).requires_grad_(True)
    y = F.batch_norm(x, None, None, weight_of(c), bias_of(c), training=True, eps=1e-3)
    y.backward(upstream(shape))
    rm = torch.tensor([0.1 * i - 0.2 for i in range(c)])
    rv = torch.tensor([0.5 + 0.25 * i for i in range(c)])
    x2 = seq(shape, 6).requires_grad_(True)
    y2 = F.batch_norm(x2, rm, rv, None, None, training=False, eps=1e-5)
    y2.backward(upstream(shape))
    return {'shape': list(shape), 'noStats': {'output': flat(y), 'inputGrad': flat(x.grad)}, 'eval': {'output': flat(y2), 'inputGrad': flat(x2.grad)}}


result = {
    'batchNorm': [
        batch_norm_case(nn.BatchNorm1d, (4, 3), True, 0.1),
        batch_norm_case(nn.BatchNorm1d, (4, 3), False, None),
        batch_norm_case(nn.BatchNorm1d, (2, 3, 5), True, 0.1),
        batch_norm_case(nn.BatchNorm1d, (1, 2, 5), True, None),
        batch_norm_case(nn.BatchNorm2d, (3, 2, 2, 3), True, 0.1),
        batch_norm_case(nn.BatchNorm2d, (3, 2, 2, 3), True, None),
        batch_norm_case(nn.BatchNorm2d, (1, 3, 2, 2), False, 0.1),
        batch_norm_case(nn.BatchNorm2d, (2, 1, 3, 3), True, 0.1),
    ],
    'groupNorm': [
        group_norm_case((2, 4, 3), 2, True),
        group_norm_case((2, 6, 2, 2), 3, True),
        group_norm_case((1, 4, 5), 4, False),
        group_norm_case((3, 2, 2, 2), 1, True),
    ],
    'functional': [functional_case((3, 2, 4)), functional_case((5, 3))],
}
print(json.dumps(result))
