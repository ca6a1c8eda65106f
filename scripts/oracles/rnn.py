# Oracle for src/nn/rnn.ts: PyTorch's nn.RNN (tanh, relu), nn.LSTM and nn.GRU in float64, with
# torch's own initial weights (dumped into the fixture, loaded in TS with loadStateDict), inputs
# and states from a seeded formula that test/nn/rnn.test.ts reproduces, and the gradients of
# loss = Σ w·output + Σ v·h_n (+ Σ v·c_n) w.r.t. the input, hx and every parameter.
# Run: /usr/bin/python3 scripts/oracles/rnn.py > test/fixtures/rnn.json  (Debian's python3-torch 1.13)
import json
import torch
import torch.nn as nn

torch.set_default_dtype(torch.float64)


def count(shape):
    n = 1
    for d in shape:
        n *= d
    return n


def seq(shape, k):
    """Values in [-1, 1): ((37 i + 11 k + 5) mod 101) / 50 - 1."""
    return torch.tensor([((37 * i + 11 * k + 5) % 101) / 50 - 1 for i in range(count(shape))]).reshape(shape)


def flat(t):
    return t.detach().reshape(-1).tolist()


CLASSES = {'RNN': nn.RNN, 'LSTM': nn.LSTM, 'GRU': nn.GRU}


def case(kind, num_layers, bidirectional, batch_first, batched, given_hx, nonlinearity='tanh', seed=0, bias=True):
    torch.manual_seed(seed)
    T, B, I, H = 3, 2, 2, 3
    kwargs = dict(num_layers=num_layers, bidirectional=bidirectional, batch_first=batch_first, bias=bias)
    if kind == 'RNN':
        kwargs['nonlinearity'] = nonlinearity
    m = CLASSES[kind](I, H, **kwargs)
    D = 2 if bidirectional else 1
    if batched:
        shape = [B, T, I] if batch_first else [T, B, I]
        hshape = [num_layers * D, B, H]
    else:
        shape = [T, I]
        hshape = [num_layers * D, H]
    x = seq(shape, 1).requires_grad_(True)
    hx = None
    hxs = []
    if given_hx:
        h0 = seq(hshape, 2).requires_grad_(True)
        hxs.append(h0)
        if kind == 'LSTM':
            c0 = seq(hshape, 3).requires_grad_(True)
            hxs.append(c0)
            hx = (h0, c0)
        else:
            hx = h0
    out, state = m(x, hx)
    states = list(state) if kind == 'LSTM' else [state]
    loss = (out * seq(list(out.shape), 4)).sum()
    for k, s in enumerate(states):
        loss = loss + (s * seq(list(s.shape), 5 + k)).sum()
    loss.backward()
    return {
        'kind': kind, 'nonlinearity': nonlinearity, 'numLayers': num_layers, 'bidirectional': bidirectional,
        'batchFirst': batch_first, 'batched': batched, 'givenHx': given_hx, 'bias': bias,
        'inputShape': shape, 'hxShape': hshape,
        'state': {name: {'shape': list(p.shape), 'values': flat(p)} for name, p in m.state_dict().items()},
        'output': {'shape': list(out.shape), 'values': flat(out)},
        'states': [{'shape': list(s.shape), 'values': flat(s)} for s in states],
        'loss': loss.item(),
        'inputGrad': flat(x.grad),
        'hxGrads': [flat(h.grad) for h in hxs],
        'paramGrads': {name: flat(p.grad) for name, p in m.named_parameters()},
    }


cases = []
seed = 0
for kind, nl in [('RNN', 'tanh'), ('RNN', 'relu'), ('LSTM', 'tanh'), ('GRU', 'tanh')]:
    for num_layers, bidirectional, batch_first, batched, given_hx in [
        (1, False, False, True, False),
        (1, False, True, True, True),
        (2, False, False, True, True),
        (2, True, False, True, False),
        (2, True, True, True, True),
        (1, True, False, False, True),
        (2, False, False, False, False),
    ]:
        cases.append(case(kind, num_layers, bidirectional, batch_first, batched, given_hx, nl, seed))
        seed += 1
cases.append(case('LSTM', 1, False, False, True, True, seed=seed, bias=False))
cases.append(case('GRU', 2, True, False, True, True, seed=seed + 1, bias=False))
print(json.dumps({'torch': torch.__version__, 'cases': cases}))
