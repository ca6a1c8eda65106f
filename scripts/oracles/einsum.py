# Oracle for src/ops/einsum.ts: torch.einsum (float64) on operands from a seeded formula that
# test/ops/einsum.test.ts reproduces exactly (integer arithmetic and one division), with the
# gradient of sum(out * upstream) with respect to every operand.
# Run: /usr/bin/python3 scripts/oracles/einsum.py > test/fixtures/einsum.json  (Debian's python3-torch)
import json
import torch

torch.set_default_dtype(torch.float64)


def count(shape):
    n = 1
    for d in shape:
        n *= d
    return n


def seq(shape, k):
    """Values in [-2, 2): ((37 i + 11 k + 5) mod 101) / 25 - 2."""
    return torch.tensor([((37 * i + 11 * k + 5) % 101) / 25 - 2 for i in range(count(shape))]).reshape(shape)


def upstream(shape):
    """The gradient fed back: ((29 i + 7) mod 17) / 8 - 1."""
    return torch.tensor([((29 * i + 7) % 17) / 8 - 1 for i in range(count(shape))]).reshape(shape)


CASES = [
    ('ij,jk->ik', [[2, 3], [3, 4]]),
    ('ij,jk', [[2, 3], [3, 4]]),
    ('ij,kj->ik', [[2, 3], [4, 3]]),
    ('ji,jk->ki', [[3, 2], [3, 4]]),
    ('bij,bjk->bik', [[2, 3, 4], [2, 4, 5]]),
    ('bij,bkj->bki', [[2, 3, 4], [2, 5, 4]]),
    ('ij->ji', [[3, 4]]),
    ('ii->i', [[3, 3]]),
    ('ii', [[3, 3]]),
    ('bii->bi', [[2, 3, 3]]),
    ('iji->j', [[3, 2, 3]]),
    ('ij->', [[3, 4]]),
    ('ij->j', [[3, 4]]),
    ('i,j->ij', [[3], [4]]),
    ('i,i->', [[5], [5]]),
    ('i,i->i', [[5], [5]]),
    ('i,i', [[1], [5]]),
    ('ij,jk->ik', [[2, 1], [3, 4]]),
    ('ij,j->i', [[3, 4], [4]]),
    ('...ij,...jk->...ik', [[2, 3, 4], [4, 5]]),
    ('...ij,...jk->...ik', [[2, 1, 3, 4], [3, 4, 2]]),
    ('...ii->...i', [[2, 3, 3]]),
    ('i...->...', [[3, 2, 2]]),
    ('...ij->ij', [[2, 3, 4]]),
    ('b...,b...->...', [[3, 2], [3, 2]]),
    ('ij,jk,kl->il', [[2, 3], [3, 4], [4, 2]]),
    ('bn,anm,bm->ba', [[2, 3], [4, 3, 5], [2, 5]]),
    ('ab,cd->abcd', [[2, 2], [1, 3]]),
    ('Ba,aB', [[2, 3], [3, 2]]),
    ('bhqd,bhkd->bhqk', [[1, 2, 3, 4], [1, 2, 5, 4]]),
    (',i->i', [[], [3]]),
]


def run(equation, shapes):
    xs = [seq(s, k).requires_grad_(True) for k, s in enumerate(shapes)]
    out = torch.einsum(equation, *xs)
    g = upstream(list(out.shape))
    grads = torch.autograd.grad((out * g).sum(), xs)
    return {
        'equation': equation,
        'shapes': shapes,
        'outShape': list(out.shape),
        'output': out.detach().reshape(-1).tolist(),
        'grads': [t.reshape(-1).tolist() for t in grads],
    }


# One case a line, so a change in the fixture shows as a change in its case.
lines = ',\n'.join('  ' + json.dumps(run(e, s)) for e, s in CASES)
print('{"torch": %s, "cases": [\n%s\n]}' % (json.dumps(torch.__version__), lines))
