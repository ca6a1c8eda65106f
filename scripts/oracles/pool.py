# Oracle for src/ops/pooling.ts: PyTorch's functional pooling (float64) on ~16 configurations
# (strides, padding, dilation, ceil mode, countIncludePad, divisorOverride, adaptive sizes that do
# not divide, unbatched input, ties and NaN), the input gradient of Σ upstream·output for each.
# Inputs and upstream gradients are written into the output, so the test reads the same numbers.
# Run: /usr/bin/python3 scripts/oracles/pool.py > test/fixtures/pool.json  (needs Debian's python3-torch)
import json
import math
import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)


def smooth(shape, seed):
    """Distinct values in (-2, 2): sin of a seeded sequence, rounded to 1e-6 so both sides read them exactly."""
    n = math.prod(shape)
    return torch.tensor([round(2 * math.sin(1.37 * i + seed), 6) for i in range(n)]).reshape(shape)


def levels(shape, seed):
    """Integers in [-2, 2]: windows hold ties."""
    n = math.prod(shape)
    return torch.tensor([float(((i * 7 + seed) % 5) - 2) for i in range(n)]).reshape(shape)


# name, op, chainrule's arguments (kernelSize or outputSize, options), torch's call, input.
CASES = [
    ('maxPool2d 2 on [2,3,6,8]', 'maxPool2d', [2, {}], lambda x: F.max_pool2d(x, 2), smooth([2, 3, 6, 8], 1)),
    ('maxPool2d 3 stride 2 padding 1 on [1,2,7,5]', 'maxPool2d', [3, {'stride': 2, 'padding': 1}], lambda x: F.max_pool2d(x, 3, 2, 1), smooth([1, 2, 7, 5], 2)),
    ('maxPool2d [3,2] stride [2,1] padding [1,0] dilation [2,1] on [2,2,9,6]', 'maxPool2d', [[3, 2], {'stride': [2, 1], 'padding': [1, 0], 'dilation': [2, 1]}],
     lambda x: F.max_pool2d(x, (3, 2), (2, 1), (1, 0), (2, 1)), smooth([2, 2, 9, 6], 3)),
    ('maxPool2d 3 stride 2 ceil mode on [1,2,8,7]', 'maxPool2d', [3, {'stride': 2, 'ceilMode': True}], lambda x: F.max_pool2d(x, 3, 2, ceil_mode=True), smooth([1, 2, 8, 7], 4)),
    ('maxPool2d 2 stride 1 ceil mode, unbatched [2,5,5]', 'maxPool2d', [2, {'stride': 1, 'ceilMode': True}], lambda x: F.max_pool2d(x, 2, 1, ceil_mode=True), smooth([2, 5, 5], 5)),
    ('maxPool2d 2 stride 1 with ties (first max wins)', 'maxPool2d', [2, {'stride': 1}], lambda x: F.max_pool2d(x, 2, 1), levels([1, 2, 5, 6], 0)),
    ('maxPool2d 3 stride 2 padding 1 with ties', 'maxPool2d', [3, {'stride': 2, 'padding': 1}], lambda x: F.max_pool2d(x, 3, 2, 1), levels([2, 1, 6, 6], 3)),
    ('maxPool1d 3 stride 2 padding 1 dilation 2 ceil mode on [2,3,11]', 'maxPool1d', [3, {'stride': 2, 'padding': 1, 'dilation': 2, 'ceilMode': True}],
     lambda x: F.max_pool1d(x, 3, 2, 1, 2, ceil_mode=True), smooth([2, 3, 11], 6)),
    ('avgPool2d 3 stride 2 padding 1 on [2,2,7,6]', 'avgPool2d', [3, {'stride': 2, 'padding': 1}], lambda x: F.avg_pool2d(x, 3, 2, 1), smooth([2, 2, 7, 6], 7)),
    ('avgPool2d 3 stride 2 padding 1 ceil mode without countIncludePad on [1,2,8,7]', 'avgPool2d', [3, {'stride': 2, 'padding': 1, 'ceilMode': True, 'countIncludePad': False}],
     lambda x: F.avg_pool2d(x, 3, 2, 1, ceil_mode=True, count_include_pad=False), smooth([1, 2, 8, 7], 8)),
    ('avgPool2d [2,3] stride 2 padding 1 ceil mode with countIncludePad on [1,1,6,7]', 'avgPool2d', [[2, 3], {'stride': 2, 'padding': 1, 'ceilMode': True}],
     lambda x: F.avg_pool2d(x, (2, 3), 2, 1, ceil_mode=True), smooth([1, 1, 6, 7], 9)),
    ('avgPool2d 2 stride 1 padding 1 divisorOverride 3 on [1,2,4,5]', 'avgPool2d', [2, {'stride': 1, 'padding': 1, 'divisorOverride': 3}],
     lambda x: F.avg_pool2d(x, 2, 1, 1, divisor_override=3), smooth([1, 2, 4, 5], 10)),
    ('avgPool2d 2 (tiling) on [2,3,4,6]', 'avgPool2d', [2, {}], lambda x: F.avg_pool2d(x, 2), smooth([2, 3, 4, 6], 11)),
    ('avgPool1d 3 stride 2 padding 1 ceil mode without countIncludePad on [2,2,10]', 'avgPool1d', [3, {'stride': 2, 'padding': 1, 'ceilMode': True, 'countIncludePad': False}],
     lambda x: F.avg_pool1d(x, 3, 2, 1, ceil_mode=True, count_include_pad=False), smooth([2, 2, 10], 12)),
    ('adaptiveAvgPool2d [2,3,7,5] to [3,2]', 'adaptiveAvgPool2d', [[3, 2]], lambda x: F.adaptive_avg_pool2d(x, (3, 2)), smooth([2, 3, 7, 5], 13)),
    ('adaptiveAvgPool2d [1,2,5,9] to [4,null]', 'adaptiveAvgPool2d', [[4, None]], lambda x: F.adaptive_avg_pool2d(x, (4, None)), smooth([1, 2, 5, 9], 14)),
    ('adaptiveAvgPool2d unbatched [1,4,4] to 6 (larger than the input)', 'adaptiveAvgPool2d', [6], lambda x: F.adaptive_avg_pool2d(x, 6), smooth([1, 4, 4], 15)),
]

out = []
for name, op, args, fn, x in CASES:
    q = x.clone().requires_grad_(True)
    y = fn(q)
    upstream = smooth(list(y.shape), 100 + len(out))
    (y * upstream).sum().backward()
    out.append({
        'name': name, 'op': op, 'args': args,
        'input': x.flatten().tolist(), 'inputShape': list(x.shape),
        'upstream': upstream.flatten().tolist(),
        'output': y.detach().flatten().tolist(), 'outputShape': list(y.shape),
        'grad': q.grad.flatten().tolist(),
    })

# NaN: the value is NaN and, as PyTorch's CPU kernel compares `v > best || isnan(v)`, the gradient
# goes to the window's last NaN. Written separately: JSON has no NaN, so NaNs are listed by index.
x = torch.tensor([[[[1.0, float('nan'), 3.0, float('nan')], [0.5, 2.0, float('nan'), -1.0]]]])
q = x.clone().requires_grad_(True)
y, idx = F.max_pool2d(q, 2, return_indices=True)
y.sum().backward()
nan = {'input': [0 if math.isnan(v) else v for v in x.flatten().tolist()], 'nanAt': [i for i, v in enumerate(x.flatten().tolist()) if math.isnan(v)],
       'inputShape': list(x.shape), 'outputIsNaN': [math.isnan(v) for v in y.detach().flatten().tolist()], 'indices': idx.flatten().tolist(),
       'grad': q.grad.flatten().tolist()}
print(json.dumps({'torch': torch.__version__.split('+')[0], 'cases': out, 'nan': nan}))
