# Oracle for src/optim: PyTorch's optimizers (float64), learning-rate schedulers and gradient
# clipping on the problem described in test/optim/problem.ts.  Prints a JSON fixture, saved as
# test/optim/fixtures/optim-torch.json.
# Run: /usr/bin/python3 scripts/oracles/optim.py > test/optim/fixtures/optim-torch.json
# (needs Debian's python3-torch)
#
# The problem: parameters x [3, 1], W [2, 3] and c [2]; at step k (0-based)
#   loss = sum((W @ x - b)^2) + 0.3 * sum((x - t)^2) + (k even ? 2 * sum((c - d)^2) : 0)
# so c has no gradient on odd steps (its per-parameter step count lags, as in PyTorch).
import json
import math
import torch

torch.set_default_dtype(torch.float64)
f64 = torch.float64

INIT = {
    'x': [[0.5], [-1.0], [2.0]],
    'W': [[0.3, -0.2, 0.8], [-0.5, 0.9, 0.1]],
    'c': [1.5, -0.7],
}
B = [[0.4], [-0.6]]
T = [[1.0], [0.5], [-0.5]]
D = [0.2, 0.3]
STEPS = 6


def make_params():
    return [torch.tensor(INIT[k], dtype=f64, requires_grad=True) for k in ('x', 'W', 'c')]


def loss_at(params, k):
    x, W, c = params
    b = torch.tensor(B, dtype=f64)
    t = torch.tensor(T, dtype=f64)
    d = torch.tensor(D, dtype=f64)
    loss = ((W @ x - b) ** 2).sum() + 0.3 * ((x - t) ** 2).sum()
    if k % 2 == 0:
        loss = loss + 2 * ((c - d) ** 2).sum()
    return loss


TORCH_NAMES = {
    'lr': 'lr', 'momentum': 'momentum', 'dampening': 'dampening', 'nesterov': 'nesterov',
    'weightDecay': 'weight_decay', 'eps': 'eps', 'amsgrad': 'amsgrad', 'alpha': 'alpha',
    'centered': 'centered', 'lrDecay': 'lr_decay', 'initialAccumulatorValue': 'initial_accumulator_value',
}
CLASSES = {
    'sgd': torch.optim.SGD, 'adam': torch.optim.Adam, 'adamw': torch.optim.AdamW,
    'rmsprop': torch.optim.RMSprop, 'adagrad': torch.optim.Adagrad,
}


def torch_kwargs(options):
    kw = {}
    for k, v in options.items():
        if k == 'betas':
            kw['betas'] = tuple(v)
        else:
            kw[TORCH_NAMES[k]] = v
    return kw


def run_optimizer(name, options, group_lrs=None):
    params = make_params()
    cls = CLASSES[name]
    if group_lrs is None:
        opt = cls(params, **torch_kwargs(options))
    else:
        # two groups: [x] with its own lr, [W, c] with the defaults
        opt = cls([{'params': [params[0]], 'lr': group_lrs[0]}, {'params': params[1:]}], **torch_kwargs(options))
    trajectory = []
    for k in range(STEPS):
        opt.zero_grad(set_to_none=True)
        loss_at(params, k).backward()
        opt.step()
        trajectory.append([p.detach().flatten().tolist() for p in params])
    case = {'name': name, 'options': options, 'trajectory': trajectory}
    if group_lrs is not None:
        case['groupLrs'] = group_lrs
    return case


OPTIMIZER_CASES = [
    ('sgd', {'lr': 0.1}),
    ('sgd', {'lr': 0.05, 'momentum': 0.9}),
    ('sgd', {'lr': 0.05, 'momentum': 0.9, 'dampening': 0.3}),
    ('sgd', {'lr': 0.05, 'momentum': 0.9, 'nesterov': True}),
    ('sgd', {'lr': 0.05, 'weightDecay': 0.1}),
    ('sgd', {'lr': 0.05, 'momentum': 0.8, 'nesterov': True, 'weightDecay': 0.05}),
    ('sgd', {'lr': 0.03, 'momentum': 0.5, 'dampening': 0.5, 'weightDecay': 0.2}),
    ('adam', {'lr': 0.01}),
    ('adam', {'lr': 0.05, 'betas': [0.8, 0.99]}),
    ('adam', {'lr': 0.02, 'weightDecay': 0.1}),
    ('adam', {'lr': 0.02, 'amsgrad': True}),
    ('adam', {'lr': 0.02, 'amsgrad': True, 'weightDecay': 0.05, 'eps': 1e-3}),
    ('adamw', {'lr': 0.01}),
    ('adamw', {'lr': 0.02, 'weightDecay': 0.1}),
    ('adamw', {'lr': 0.02, 'amsgrad': True, 'betas': [0.7, 0.9]}),
    ('adamw', {'lr': 0.02, 'weightDecay': 0.0}),
    ('rmsprop', {'lr': 0.01}),
    ('rmsprop', {'lr': 0.01, 'momentum': 0.9}),
    ('rmsprop', {'lr': 0.01, 'centered': True}),
    ('rmsprop', {'lr': 0.01, 'centered': True, 'momentum': 0.5, 'weightDecay': 0.1}),
    ('rmsprop', {'lr': 0.02, 'alpha': 0.9, 'eps': 1e-6, 'weightDecay': 0.05}),
    ('adagrad', {'lr': 0.1}),
    ('adagrad', {'lr': 0.1, 'lrDecay': 0.1}),
    ('adagrad', {'lr': 0.1, 'initialAccumulatorValue': 0.5}),
    ('adagrad', {'lr': 0.2, 'weightDecay': 0.1, 'eps': 1e-6, 'lrDecay': 0.05, 'initialAccumulatorValue': 0.1}),
]

GROUP_CASES = [
    ('sgd', {'lr': 0.05, 'momentum': 0.9}, [0.1]),
    ('adam', {'lr': 0.01}, [0.03]),
]


# ---- schedulers: the lr after construction, then after each of EPOCHS step() calls ----------
EPOCHS = 30
METRICS = [1.0, 0.8, 0.7, 0.69, 0.69995, 0.7, 0.71, 0.65, 0.66, 0.66, 0.66, 0.66, 0.5, 0.5,
           0.49999, 0.51, 0.52, 0.53, 0.2, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.1, 0.2, 0.2, 0.2, 0.2]


def scheduler_run(make, base_lrs, metric=False):
    params = [torch.zeros(1, requires_grad=True) for _ in base_lrs]
    opt = torch.optim.SGD([{'params': [p], 'lr': lr} for p, lr in zip(params, base_lrs)], lr=base_lrs[0])
    sched = make(opt)
    lrs = [[g['lr'] for g in opt.param_groups]]
    for e in range(EPOCHS):
        opt.step()
        if metric:
            sched.step(METRICS[e])
        else:
            sched.step()
        lrs.append([g['lr'] for g in opt.param_groups])
    return lrs


def warmup_cosine(total, warmup, min_lr):
    def make(opt):
        cosine = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=total - warmup, eta_min=min_lr)
        if warmup == 0:
            return cosine
        linear = torch.optim.lr_scheduler.LinearLR(opt, start_factor=1 / (warmup + 1), end_factor=1.0, total_iters=warmup)
        return torch.optim.lr_scheduler.SequentialLR(opt, [linear, cosine], milestones=[warmup])
    return make


def warmup_cosine_lambda(total, warmup, min_lr, base):
    # The same schedule in closed form through LambdaLR, to cross-check SequentialLR's quirks.
    def factor(e):
        if e < warmup:
            return (e + 1) / (warmup + 1)
        if e >= total:
            return min_lr / base
        return (min_lr + (base - min_lr) * (1 + math.cos(math.pi * (e - warmup) / (total - warmup))) / 2) / base
    return lambda opt: torch.optim.lr_scheduler.LambdaLR(opt, factor)


lr_sched = torch.optim.lr_scheduler
SCHEDULER_CASES = [
    ('StepLR', {'stepSize': 7, 'gamma': 0.5}, [0.1], lambda o: lr_sched.StepLR(o, step_size=7, gamma=0.5), False),
    ('StepLR', {'stepSize': 3}, [0.1, 0.02], lambda o: lr_sched.StepLR(o, step_size=3), False),
    ('ExponentialLR', {'gamma': 0.9}, [0.1], lambda o: lr_sched.ExponentialLR(o, gamma=0.9), False),
    ('ExponentialLR', {'gamma': 0.75}, [0.5, 0.05], lambda o: lr_sched.ExponentialLR(o, gamma=0.75), False),
    ('CosineAnnealingLR', {'totalSteps': 30}, [0.1], warmup_cosine(30, 0, 0.0), False),
    ('CosineAnnealingLR', {'tMax': 30, 'minLr': 0.001}, [0.1], warmup_cosine(30, 0, 0.001), False),
    ('CosineAnnealingLR', {'totalSteps': 30, 'warmupSteps': 5, 'minLr': 0.001}, [0.1], warmup_cosine(30, 5, 0.001), False),
    ('CosineAnnealingLR', {'tMax': 20, 'warmupSteps': 10}, [0.1, 0.4], warmup_cosine(30, 10, 0.0), False),
    ('ReduceLROnPlateau', {'patience': 2}, [0.1], lambda o: lr_sched.ReduceLROnPlateau(o, patience=2), True),
    ('ReduceLROnPlateau', {'patience': 1, 'factor': 0.5, 'cooldown': 2, 'minLr': 0.02}, [0.1, 0.5],
     lambda o: lr_sched.ReduceLROnPlateau(o, patience=1, factor=0.5, cooldown=2, min_lr=0.02), True),
    ('ReduceLROnPlateau', {'mode': 'max', 'patience': 0, 'factor': 0.8}, [0.1],
     lambda o: lr_sched.ReduceLROnPlateau(o, mode='max', patience=0, factor=0.8), True),
    ('ReduceLROnPlateau', {'patience': 1, 'threshold': 0.05, 'thresholdMode': 'abs'}, [0.1],
     lambda o: lr_sched.ReduceLROnPlateau(o, patience=1, threshold=0.05, threshold_mode='abs'), True),
    ('ReduceLROnPlateau', {'patience': 0, 'threshold': 0.1}, [0.1],
     lambda o: lr_sched.ReduceLROnPlateau(o, patience=0, threshold=0.1), True),
]


def main():
    import warnings
    warnings.simplefilter('ignore')
    optimizers = [run_optimizer(n, o) for n, o in OPTIMIZER_CASES]
    optimizers += [run_optimizer(n, o, g) for n, o, g in GROUP_CASES]
    schedulers = []
    for name, options, base_lrs, make, metric in SCHEDULER_CASES:
        lrs = scheduler_run(make, base_lrs, metric)
        if name == 'CosineAnnealingLR':
            total = options.get('totalSteps', options.get('warmupSteps', 0) + options.get('tMax', 0))
            check = scheduler_run(warmup_cosine_lambda(total, options.get('warmupSteps', 0), options.get('minLr', 0.0), base_lrs[0]), base_lrs[:1])
            for a, b in zip(lrs, check):
                assert abs(a[0] - b[0]) <= 1e-12, (name, options, lrs, check)
        schedulers.append({'name': name, 'options': options, 'baseLrs': base_lrs, 'lrs': lrs})

    # clip_grad_norm_ on the step-0 gradients, for a few max norms.
    clip = []
    for max_norm in [1.0, 5.0, 100.0, 0.0]:
        params = make_params()
        loss_at(params, 0).backward()
        total = torch.nn.utils.clip_grad_norm_(params, max_norm)
        clip.append({'maxNorm': max_norm, 'norm': float(total), 'grads': [p.grad.flatten().tolist() for p in params]})

    print(json.dumps({
        'torch': torch.__version__,
        'problem': {'init': INIT, 'b': B, 't': T, 'd': D, 'steps': STEPS},
        'optimizers': optimizers,
        'schedulers': {'epochs': EPOCHS, 'metrics': METRICS, 'cases': schedulers},
        'clip': clip,
    }))


main()
