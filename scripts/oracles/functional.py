# Oracle for src/autograd/transforms.ts: torch.autograd.functional's jacobian, hessian, vjp, jvp,
# hvp and vhp (float64) of a few functions on inputs from a seeded formula that
# test/autograd/transforms.test.ts reproduces exactly (integer arithmetic and one division).
# Run: /usr/bin/python3 scripts/oracles/functional.py > test/fixtures/functional.json  (Debian's python3-torch)
import json
import torch
from torch.autograd.functional import hessian, hvp, jacobian, jvp, vhp, vjp

torch.set_default_dtype(torch.float64)


def count(shape):
    n = 1
    for d in shape:
        n *= d
    return n


def seq(shape, k):
    """Values in [-2, 2): ((37 i + 11 k + 5) mod 101) / 25 - 2."""
    return torch.tensor([((37 * i + 11 * k + 5) % 101) / 25 - 2 for i in range(count(shape))]).reshape(shape)


def vec(shape, k):
    """Vectors v: ((29 i + 13 k + 7) mod 17) / 8 - 1."""
    return torch.tensor([((29 * i + 13 * k + 7) % 17) / 8 - 1 for i in range(count(shape))]).reshape(shape)


def flat(x):
    if isinstance(x, (tuple, list)):
        return [flat(t) for t in x]
    return {'shape': list(x.shape), 'values': x.detach().reshape(-1).tolist()}


# name -> (function, input shapes, output shapes); the test defines the same functions.
FUNCTIONS = {
    'softmax': (lambda x: torch.softmax(x, -1), [[2, 3]], [[2, 3]]),
    'tanhLayer': (lambda x, w: torch.tanh(w @ x), [[3], [2, 3]], [[2]]),
    'pair': (lambda x: (x.exp(), (x * x).sum()), [[3]], [[3], []]),
    'scalar': (lambda x, y: (x.sin() * y).sum() + (x * y).exp().sum() * 0.1, [[2, 2], [2, 2]], [[]]),
}


def inputs_of(shapes):
    return tuple(seq(s, k) for k, s in enumerate(shapes))


def vectors(shapes, offset):
    return tuple(vec(s, k + offset) for k, s in enumerate(shapes))


out = {}
for name, (fn, in_shapes, out_shapes) in FUNCTIONS.items():
    xs = inputs_of(in_shapes)
    vin = vectors(in_shapes, 0)
    vout = vectors(out_shapes, 5)
    single_out = len(out_shapes) == 1 and name != 'pair'
    case = {
        'jacobian': flat(jacobian(fn, xs)),
        'vjp': flat(vjp(fn, xs, vout[0] if single_out else vout)[1]),
        'jvp': flat(jvp(fn, xs, vin)[1]),
    }
    if name == 'scalar':
        case['hessian'] = flat(hessian(fn, xs))
        case['hvp'] = flat(hvp(fn, xs, vin)[1])
        case['vhp'] = flat(vhp(fn, xs, vin)[1])
    out[name] = case

print(json.dumps({'torch': torch.__version__, 'functions': out}))
