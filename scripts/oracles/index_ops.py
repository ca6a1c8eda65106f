# Oracle for src/ops/sorting.ts, scan.ts and scatter.ts: PyTorch's sort, argsort, topk, max/min
# with indices, cumsum, cumprod (with zeros: first and second derivatives), scatter, scatter_add
# and one_hot, in float64. Inputs are written out with the results (NaN and ±∞ as strings, which
# test/ops/indexOps.test.ts decodes); gradients are taken against a seeded upstream gradient.
# Run: /usr/bin/python3 scripts/oracles/index_ops.py > test/fixtures/index_ops.json  (Debian's python3-torch)
import json
import math
import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)


def count(shape):
    n = 1
    for d in shape:
        n *= d
    return n


def seq(shape, k, levels=None):
    """((37 i + 11 k + 5) mod 101) / 25 - 2, or levels[(i² + 2 i + 3 k) mod len] (ties)."""
    n = count(shape)
    if levels is None:
        return torch.tensor([((37 * i + 11 * k + 5) % 101) / 25 - 2 for i in range(n)]).reshape(shape)
    return torch.tensor([levels[(i * i + 2 * i + 3 * k) % len(levels)] for i in range(n)]).reshape(shape)


def upstream(shape, k=0):
    return torch.tensor([((29 * i + 7 + 3 * k) % 17) / 8 - 1 for i in range(count(shape))]).reshape(shape)


def enc(v):
    if math.isnan(v):
        return 'NaN'
    if math.isinf(v):
        return 'Infinity' if v > 0 else '-Infinity'
    return v


def flat(t):
    return [enc(v) for v in t.detach().reshape(-1).tolist()]


def grad_of(y, x, k=0):
    (g,) = torch.autograd.grad(y, x, upstream(y.shape, k))
    return flat(g)


def sort_case(x, dim, descending):
    x = x.clone().requires_grad_(True)
    values, indices = torch.sort(x, dim=dim, descending=descending, stable=True)
    return {'shape': list(x.shape), 'x': flat(x), 'axis': dim, 'descending': descending, 'values': flat(values), 'indices': flat(indices), 'grad': grad_of(values, x)}


def topk_case(x, k, dim, largest):
    x = x.clone().requires_grad_(True)
    values, indices = torch.topk(x, k, dim=dim, largest=largest)
    return {'shape': list(x.shape), 'x': flat(x), 'k': k, 'axis': dim, 'largest': largest, 'values': flat(values), 'indices': flat(indices), 'grad': grad_of(values, x)}


def extreme_case(op, x, dim, keepdim):
    x = x.clone().requires_grad_(True)
    values, indices = (torch.max if op == 'max' else torch.min)(x, dim=dim, keepdim=keepdim)
    return {'op': op, 'shape': list(x.shape), 'x': flat(x), 'axis': dim, 'keepdims': keepdim, 'values': flat(values), 'indices': flat(indices), 'grad': grad_of(values, x)}


def scan_case(op, x, dim):
    x = x.clone().requires_grad_(True)
    y = (torch.cumsum if op == 'cumsum' else torch.cumprod)(x, dim)
    u = upstream(y.shape)
    (g,) = torch.autograd.grad(y, x, u, create_graph=True)
    # The second derivative as a Hessian-vector product: ∂/∂x Σ w·(∂/∂x Σ u·y). With zeros in x,
    # PyTorch's create_graph path for cumprod is its exact n² formula.
    w = upstream(x.shape, 5)
    # (cumsum is linear: its gradient does not depend on x, so the second derivative is 0.)
    second = flat(torch.autograd.grad(g, x, w)[0]) if g.requires_grad else [0.0] * count(x.shape)
    return {'op': op, 'shape': list(x.shape), 'x': flat(x), 'axis': dim, 'values': flat(y), 'grad': flat(g), 'second': second}


def scatter_case(op, x, dim, index, src):
    # torch 1.13's scatter backward fails for a src larger than index (its gradient keeps index's
    # shape): there src's gradient is left out (null) and gradcheck covers it.
    whole = list(src.shape) == list(index.shape)
    x = x.clone().requires_grad_(True)
    src = src.clone().requires_grad_(whole)
    y = (torch.scatter if op == 'scatter' else torch.scatter_add)(x, dim, index, src)
    grads = torch.autograd.grad(y, (x, src) if whole else (x,), upstream(y.shape))
    gx, gs = grads[0], (flat(grads[1]) if whole else None)
    return {'op': op, 'shape': list(x.shape), 'x': flat(x), 'axis': dim, 'indexShape': list(index.shape), 'index': index.reshape(-1).tolist(),
            'srcShape': list(src.shape), 'src': flat(src), 'values': flat(y), 'gradX': flat(gx), 'gradSrc': gs}


def one_hot_case(indices, num_classes):
    y = F.one_hot(indices, num_classes)
    return {'shape': list(indices.shape), 'indices': indices.reshape(-1).tolist(), 'numClasses': num_classes, 'outShape': list(y.shape), 'values': y.reshape(-1).tolist()}


nan, inf = float('nan'), float('inf')
TIES = [0.5, -1.0, 0.5, 2.0, -1.0, 0.0, -0.0]
SPECIAL = [nan, 1.0, -inf, 0.5, inf, nan, -2.0, 0.0, 1.0]

result = {
    'sort': [
        sort_case(seq((3, 6), 0, TIES), 1, False),
        sort_case(seq((3, 6), 1, TIES), 1, True),
        sort_case(seq((4, 3), 2, TIES), 0, False),
        sort_case(seq((2, 9), 3, SPECIAL), 1, False),
        sort_case(seq((2, 9), 4, SPECIAL), 1, True),
        sort_case(seq((2, 3, 4), 5), 1, True),
        sort_case(seq((5,), 6), 0, False),
        sort_case(seq((3, 1), 7), 1, False),
    ],
    'topk': [
        topk_case(seq((3, 7), 0), 3, 1, True),
        topk_case(seq((3, 7), 1), 3, 1, False),
        topk_case(seq((5, 2), 2), 2, 0, True),
        topk_case(seq((2, 3, 4), 3), 1, 1, True),
        topk_case(seq((6,), 4), 6, 0, False),
        topk_case(seq((4,), 5), 0, 0, True),
    ],
    'extreme': [
        extreme_case('max', seq((3, 5), 0), 1, False),
        extreme_case('min', seq((3, 5), 1), 0, True),
        extreme_case('max', seq((2, 3, 4), 2), 2, False),
        extreme_case('min', seq((2, 3, 4), 3), -2, False),
        extreme_case('max', seq((2, 5), 4, [1.0, 3.0, 3.0, -1.0, nan, 2.0, 3.0]), 1, False),
        extreme_case('min', seq((2, 5), 5, [1.0, -3.0, -3.0, 2.0]), 1, False),
    ],
    'scan': [
        scan_case('cumsum', seq((3, 5), 0), 0),
        scan_case('cumsum', seq((3, 5), 1), 1),
        scan_case('cumsum', seq((2, 3, 4), 2), 1),
        scan_case('cumprod', seq((3, 5), 3), 1),
        scan_case('cumprod', seq((2, 3, 4), 4), 0),
        scan_case('cumprod', torch.tensor([[0.5, 0.0, 2.0, -1.5, 1.25], [1.5, -0.5, 0.0, 2.0, 0.0], [0.0, 0.0, 1.5, 2.0, -1.0], [1.5, 2.0, -0.5, 0.75, 0.0]]), 1),
        scan_case('cumprod', torch.tensor([[0.5, 2.0, 0.0], [0.0, -1.5, 1.5], [2.0, 0.0, 0.0], [1.25, 0.5, 2.0]]), 0),
        scan_case('cumprod', torch.tensor([0.0]), 0),
    ],
    'scatter': [
        scatter_case('scatter', seq((3, 5), 0), 0, torch.tensor([[0, 1, 2, 0], [2, 0, 1, 1]]), seq((2, 4), 1)),
        scatter_case('scatter', seq((3, 5), 2), 1, torch.tensor([[4, 0], [1, 3], [2, 2]])[:, :1], seq((3, 3), 3)),
        scatter_case('scatter', seq((2, 4), 4), 1, torch.tensor([[3, 1, 0], [0, 2, 1]]), seq((2, 3), 5)),
        scatter_case('scatter_add', seq((3, 5), 6), 0, torch.tensor([[0, 1, 2, 0], [0, 1, 1, 0], [2, 2, 2, 2]]), seq((3, 5), 7)),
        scatter_case('scatter_add', seq((2, 4), 8), 1, torch.tensor([[3, 3, 0], [1, 1, 1]]), seq((2, 3), 9)),
    ],
    'oneHot': [
        one_hot_case(torch.tensor([[0, 3, 1], [2, 2, 0]]), 5),
        one_hot_case(torch.tensor([1, 0, 4]), -1),
        one_hot_case(torch.tensor(2), 3),
    ],
}
print(json.dumps(result, allow_nan=False))
