# Oracle for src/ops/conv.ts: PyTorch's F.conv1d / conv2d / conv_transpose1d / conv_transpose2d in
# float64 on seeded inputs (stored in the fixture with the results), with the gradients of
# sum(out * upstream) with respect to the input, the weight and the bias.
# Run: /usr/bin/python3 scripts/oracles/conv.py > test/fixtures/conv.json  (needs Debian's python3-torch)
import json
import torch
import torch.nn.functional as F

torch.manual_seed(0)
f64 = torch.float64

CASES = [
    # name, op, input shape, weight shape, bias?, options
    ('conv2d 3x3 pad 1', 'conv2d', [2, 3, 6, 5], [4, 3, 3, 3], True, dict(padding=1)),
    ('conv2d stride (2,1) dilation (1,2) padding (1,2)', 'conv2d', [2, 2, 7, 8], [3, 2, 3, 2], True, dict(stride=(2, 1), dilation=(1, 2), padding=(1, 2))),
    ("conv2d 'same' even kernel 4x2 dilation 2", 'conv2d', [1, 2, 7, 6], [3, 2, 4, 2], True, dict(padding='same', dilation=2)),
    ("conv2d 'same' even kernel 2x2", 'conv2d', [2, 1, 5, 5], [2, 1, 2, 2], False, dict(padding='same')),
    ("conv2d 'valid' stride 3", 'conv2d', [1, 2, 9, 7], [2, 2, 3, 3], True, dict(padding='valid', stride=3)),
    ('conv2d groups 2', 'conv2d', [2, 4, 5, 5], [6, 2, 3, 3], True, dict(groups=2, padding=1)),
    ('conv2d depthwise groups 3, multiplier 2', 'conv2d', [2, 3, 6, 6], [6, 1, 3, 3], True, dict(groups=3, stride=2, padding=1)),
    ('conv2d batch 1 channel 1', 'conv2d', [1, 1, 4, 4], [1, 1, 2, 2], True, dict()),
    ('conv2d unbatched', 'conv2d', [2, 5, 5], [3, 2, 3, 3], True, dict(padding=1)),
    ('conv1d kernel 3 stride 2 pad 1', 'conv1d', [2, 3, 9], [4, 3, 3], True, dict(stride=2, padding=1)),
    ("conv1d 'same' even kernel 4 dilation 3", 'conv1d', [1, 2, 11], [2, 2, 4], True, dict(padding='same', dilation=3)),
    ('conv1d groups 2 unbatched', 'conv1d', [4, 7], [2, 2, 3], False, dict(groups=2)),
    ('convTranspose2d stride 2', 'convTranspose2d', [2, 3, 3, 4], [3, 2, 3, 3], True, dict(stride=2)),
    ('convTranspose2d stride 2 padding 1 outputPadding 1', 'convTranspose2d', [1, 2, 4, 4], [2, 3, 3, 3], True, dict(stride=2, padding=1, output_padding=1)),
    ('convTranspose2d groups 2 dilation 2 stride (2,3) outputPadding (1,0)', 'convTranspose2d', [2, 4, 3, 3], [4, 1, 2, 3], True, dict(groups=2, dilation=2, stride=(2, 3), output_padding=(1, 0))),
    ('convTranspose1d stride 3 padding 1', 'convTranspose1d', [2, 2, 5], [2, 3, 4], True, dict(stride=3, padding=1)),
]

FN = {'conv2d': F.conv2d, 'conv1d': F.conv1d, 'convTranspose2d': F.conv_transpose2d, 'convTranspose1d': F.conv_transpose1d}
CAMEL = {'output_padding': 'outputPadding'}


def flat(t):
    return [float(v) for v in t.detach().reshape(-1).tolist()]


out = []
for name, op, xs, ws, has_bias, opts in CASES:
    x = torch.randn(*xs, dtype=f64, requires_grad=True)
    w = torch.randn(*ws, dtype=f64, requires_grad=True)
    channels = ws[0] if op.startswith('conv') and not op.startswith('convTranspose') else ws[1] * opts.get('groups', 1)
    b = torch.randn(channels, dtype=f64, requires_grad=True) if has_bias else None
    y = FN[op](x, w, b, **opts)
    up = torch.randn(*y.shape, dtype=f64)
    (y * up).sum().backward()
    case = {
        'name': name, 'op': op,
        'options': {CAMEL.get(k, k): (list(v) if isinstance(v, tuple) else v) for k, v in opts.items()},
        'x': {'shape': xs, 'data': flat(x)}, 'w': {'shape': ws, 'data': flat(w)},
        'b': None if b is None else {'shape': [channels], 'data': flat(b)},
        'upstream': flat(up), 'out': {'shape': list(y.shape), 'data': flat(y)},
        'dx': flat(x.grad), 'dw': flat(w.grad), 'db': None if b is None else flat(b.grad),
    }
    out.append(case)

print(json.dumps({'torch': torch.__version__, 'cases': out}))
