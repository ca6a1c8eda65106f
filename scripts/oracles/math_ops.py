# Oracle for src/ops/math.ts and src/ops/shapeExtra.ts (issue 17's everyday ops): PyTorch's values
# (float64) for inputs written out in the fixture, edge values included (ties at .5 for round,
# signed zeros, infinities, NaN, domains' ends), and norm's and atan2's gradients.
# test/ops/math.test.ts reads test/fixtures/math_ops.json and compares to 1e-10 relative.
# Non-finite numbers and −0 are written as the strings "inf", "-inf", "nan", "-0" (JSON has none).
# Run: /usr/bin/python3 scripts/oracles/math_ops.py > test/fixtures/math_ops.json  (Debian's python3-torch 1.13)
import json
import math
import torch

torch.set_default_dtype(torch.float64)
INF = math.inf
NAN = math.nan


def enc(v):
    if isinstance(v, bool):
        return v
    v = float(v)
    if math.isnan(v):
        return 'nan'
    if math.isinf(v):
        return 'inf' if v > 0 else '-inf'
    if v == 0 and math.copysign(1, v) < 0:
        return '-0'
    return v


def flat(t):
    return [enc(v) for v in t.detach().reshape(-1).tolist()]


def seq(shape, k=0):
    """Values in [-2, 2): ((37 i + 11 k + 5) mod 101) / 25 - 2, reproducible by hand."""
    n = 1
    for d in shape:
        n *= d
    return torch.tensor([((37 * i + 11 * k + 5) % 101) / 25 - 2 for i in range(n)]).reshape(shape)


ROUNDING = [-3.5, -2.5, -1.5, -0.5, -0.4, -0.0, 0.0, 0.4, 0.5, 0.49999999999999994, 1.5, 2.5, 3.7, -3.7, 4503599627370497.0, 1e300, INF, -INF, NAN]
UNARY_INPUTS = {
    'floor': ROUNDING,
    'ceil': ROUNDING,
    'round': ROUNDING,
    'trunc': ROUNDING,
    'expm1': [0.0, -0.0, 1e-10, -1e-10, 1e-300, 0.5, -2.0, 20.0, 710.0, -INF, INF, NAN],
    'log2': [1.0, 2.0, 8.0, 0.25, 3.0, 1e-300, 1024.0, 0.0, -0.0, -1.0, INF, NAN],
    'rsqrt': [4.0, 0.25, 2.0, 1e-300, 0.0, -0.0, -1.0, INF, NAN],
    'reciprocal': [2.0, -0.5, 3.0, 0.0, -0.0, INF, -INF, 1e-310, NAN],
    'tan': [0.0, -0.0, 0.5, -1.0, 1.5, 1.5707963267948966, 10.0, 1e-200, INF, NAN],
    'atan': [0.0, -0.0, 1.0, -1.0, 1e10, 1e-200, INF, -INF, NAN],
    'asin': [-1.0, -0.5, -0.0, 0.0, 0.5, 1.0, 1e-200, 2.0, -1.0000001, INF, NAN],
    'acos': [-1.0, -0.5, -0.0, 0.0, 0.5, 1.0, 1e-200, 2.0, -1.0000001, INF, NAN],
    # Not 710: sinh(710) = cosh(710) ≈ 1.117e308 is finite, and PyTorch's scalar loop says so, but
    # its vectorized kernel (tensors of 8 or more float64s) overflows to inf just below there;
    # test/ops/math.test.ts checks chainrule's finite value.
    'sinh': [0.0, -0.0, 1e-10, 1.0, -1.0, 10.0, 709.0, -709.0, 711.0, -711.0, INF, -INF, NAN],
    'cosh': [0.0, -0.0, 1e-10, 1.0, -1.0, 10.0, 709.0, 711.0, -INF, INF, NAN],
}


def unary_case(name, values):
    x = torch.tensor(values)
    y = getattr(torch, name)(x)
    return {'op': name, 'input': flat(x), 'output': flat(y)}


# atan2: every sign of zero and infinity against each other and against finite values.
EDGE = [0.0, -0.0, 1.0, -1.0, INF, -INF, NAN, 2.5]


def atan2_cases():
    ys = torch.tensor(EDGE).reshape(-1, 1)
    xs = torch.tensor(EDGE).reshape(1, -1)
    table = {'y': flat(ys), 'yShape': [len(EDGE), 1], 'x': flat(xs), 'xShape': [1, len(EDGE)], 'output': flat(torch.atan2(ys, xs))}
    y = seq((2, 3), 1).requires_grad_(True)
    x = seq((3,), 2).requires_grad_(True)
    out = torch.atan2(y, x)
    out.backward(seq((2, 3), 3))
    grads = {'y': flat(y), 'yShape': [2, 3], 'x': flat(x), 'xShape': [3], 'upstream': flat(seq((2, 3), 3)),
             'output': flat(out), 'yGrad': flat(y.grad), 'xGrad': flat(x.grad)}
    return {'table': table, 'broadcastWithGrad': grads}


def norm_cases():
    out = []
    base = seq((2, 3, 2), 4)
    special = torch.tensor([[INF, 1.0, -2.0], [NAN, 0.0, 3.0], [0.0, 0.0, -0.0]])
    for p in [2, 'fro', 1, INF, -INF, 0, 3, 0.5, 1.5]:
        for axis, keepdim in [(None, False), (1, False), ((0, 2), True), (-1, True)]:
            if p == 'fro' and axis == -1:
                continue
            x = base.clone().requires_grad_(True)
            y = torch.norm(x, p=p, dim=axis, keepdim=keepdim)
            up = seq(tuple(y.shape), 5)
            y.backward(up)
            out.append({'input': flat(x), 'shape': [2, 3, 2], 'p': enc(p) if p != 'fro' else 'fro', 'axis': axis if not isinstance(axis, tuple) else list(axis),
                        'keepdims': keepdim, 'output': flat(y), 'outShape': list(y.shape), 'upstream': flat(up), 'grad': None if x.grad is None else flat(x.grad)})
        y = torch.norm(special, p=p, dim=1)
        out.append({'input': flat(special), 'shape': [3, 3], 'p': enc(p) if p != 'fro' else 'fro', 'axis': 1, 'keepdims': False,
                    'output': flat(y), 'outShape': list(y.shape)})
    return out


def shape_cases():
    x = seq((2, 3, 4), 6)
    m = torch.tensor([[True, False, False, True], [False, True, False, False], [True, True, False, True]])
    cases = {
        'input': flat(x), 'shape': [2, 3, 4],
        'maskedFill': {'mask': [bool(v) for v in m.reshape(-1).tolist()], 'maskShape': [3, 4], 'value': -1.5, 'output': flat(x.masked_fill(m, -1.5))},
        'maskedFillBroadcast': {'mask': [True, False], 'maskShape': [2, 1, 1], 'value': 7.0,
                                'output': flat(torch.arange(4.).masked_fill(torch.tensor([True, False]).reshape(2, 1, 1), 7.0)), 'outShape': [2, 1, 4]},
        'tril': [{'diagonal': d, 'output': flat(torch.tril(x, d))} for d in [0, 1, -1, -3, 5]],
        'triu': [{'diagonal': d, 'output': flat(torch.triu(x, d))} for d in [0, 1, -1, -3, 5]],
        'repeat': [{'reps': r, 'output': flat(x.repeat(*r)), 'outShape': list(x.repeat(*r).shape)} for r in [[1, 1, 1], [2, 1, 3], [2, 1, 1, 2], [1, 0, 1]]],
        'tile': [{'reps': r, 'output': flat(x.tile(r)), 'outShape': list(x.tile(r).shape)} for r in [[2], [2, 1], [3, 1, 1, 1]]],
        'flip': [{'axes': a, 'output': flat(x.flip(a))} for a in [[0], [1, 2], [-1], [0, 1, 2]]],
        'chunk': [{'chunks': c, 'axis': a, 'sizes': [list(t.shape) for t in x.chunk(c, a)], 'outputs': [flat(t) for t in x.chunk(c, a)]}
                  for c, a in [(2, 0), (2, 2), (3, 2), (4, 1), (5, -1), (1, 1)]],
    }
    return cases


result = {
    'unary': [unary_case(name, values) for name, values in UNARY_INPUTS.items()],
    'atan2': atan2_cases(),
    'norm': norm_cases(),
    'shape': shape_cases(),
}
print(json.dumps(result))
