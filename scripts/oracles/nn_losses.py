# Oracle for src/nn/losses.ts: PyTorch's functional losses (float64) on the inputs listed in
# test/nn/losses.test.ts, with every reduction, plus the gradient of the mean loss w.r.t. the
# prediction.  Run: /usr/bin/python3 scripts/oracles/nn_losses.py  (needs Debian's python3-torch)
import json
import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)
f64 = torch.float64

y = torch.tensor([[0.3, -1.2], [2.5, 0.7], [-0.4, 1.9]], dtype=f64)
t = torch.tensor([[0.1, -0.2], [0.5, 0.9], [-2.0, 1.8]], dtype=f64)
p = torch.tensor([[0.2, 0.9], [0.6, 0.05], [0.999, 0.3]], dtype=f64)
b = torch.tensor([[0.0, 1.0], [1.0, 0.0], [1.0, 0.25]], dtype=f64)
x = torch.tensor([[1.5, -0.3, 0.2, 2.0], [-1.0, 0.4, 0.0, 0.7], [0.3, 0.3, -2.2, 1.1]], dtype=f64)
labels = torch.tensor([3, 1, 0])
probs = torch.tensor([[0.1, 0.2, 0.3, 0.4], [0.0, 1.0, 0.0, 0.0], [0.5, 0.25, 0.125, 0.125]], dtype=f64)


def run(fn, pred, target, **kw):
    out = {}
    for r in ['mean', 'sum', 'none']:
        out[r] = fn(pred, target, reduction=r, **kw).tolist()
    q = pred.clone().requires_grad_(True)
    fn(q, target, reduction='mean', **kw).backward()
    out['grad'] = q.grad.tolist()
    return out


result = {
    'mse': run(F.mse_loss, y, t),
    'l1': run(F.l1_loss, y, t),
    'huber': run(F.huber_loss, y, t),
    'huber_delta0.5': run(F.huber_loss, y, t, delta=0.5),
    'binaryCrossEntropy': run(F.binary_cross_entropy, p, b),
    'bceWithLogits': run(F.binary_cross_entropy_with_logits, y, b),
    'crossEntropy_labels': run(F.cross_entropy, x, labels),
    'crossEntropy_probs': run(F.cross_entropy, x, probs),
    'nll': run(F.nll_loss, F.log_softmax(x, dim=1), labels),
    # stability
    'crossEntropy_extreme': F.cross_entropy(torch.tensor([[1000.0, -1000.0, 0.0], [-1000.0, 1000.0, 0.0]]), torch.tensor([1, 1]), reduction='none').tolist(),
    'bceWithLogits_extreme': F.binary_cross_entropy_with_logits(torch.tensor([1000.0, -1000.0, 1000.0, -1000.0]), torch.tensor([0.0, 1.0, 1.0, 0.0]), reduction='none').tolist(),
    'binaryCrossEntropy_clamped': F.binary_cross_entropy(torch.tensor([0.0, 1.0, 0.0, 1.0]), torch.tensor([1.0, 0.0, 0.0, 1.0]), reduction='none').tolist(),
}
print(json.dumps(result))
