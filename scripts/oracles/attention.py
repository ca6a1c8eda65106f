# Oracle for src/nn/embedding.ts, src/nn/layerNorm.ts, src/ops/attention.ts, src/nn/attention.ts
# and src/nn/transformer.ts: PyTorch 1.13 (float64) embedding, layer norm, RMS norm (written from
# torch 2.4's formula: 1.13 has no rms_norm), scaled dot-product attention (written from torch 2's
# documented definition: 1.13 has no F.scaled_dot_product_attention), nn.MultiheadAttention and
# nn.TransformerEncoderLayer (eval mode, so dropout is off). Inputs come from torch.manual_seed and
# are written into the fixture with every value, state dict, output and gradient, so the TS test
# reads them back rather than re-deriving them.
# Run: /usr/bin/python3 scripts/oracles/attention.py > test/fixtures/attention.json
import json
import math
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)
torch.manual_seed(17)


def t(x):
    """A tensor as {shape, data} (flat, row-major); bool tensors as 0/1."""
    x = x.detach()
    if x.dtype == torch.bool:
        x = x.to(torch.int64)
    return {'shape': list(x.shape), 'data': x.reshape(-1).tolist()}


def randn(*shape):
    return torch.randn(*shape)


def embedding_cases():
    out = []
    for padding_idx in [None, 2, -1]:
        w = randn(6, 3).requires_grad_(True)
        idx = torch.tensor([[0, 2, 5, 2], [1, 0, 3, 2]])
        y = F.embedding(idx, w, padding_idx=padding_idx)
        up = randn(*y.shape)
        (y * up).sum().backward()
        out.append({'paddingIdx': padding_idx, 'weight': t(w), 'indices': t(idx), 'upstream': t(up), 'output': t(y), 'weightGrad': t(w.grad)})
    return out


def embedding_renorm_cases():
    """max_norm: the rows used are renormalized in place before the lookup (row 4 is not used and stays)."""
    out = []
    for max_norm, norm_type in [(1.0, 2.0), (0.8, 1.0)]:
        w = (randn(5, 3) * 1.5).requires_grad_(True)
        before = w.detach().clone()
        idx = torch.tensor([[0, 2, 1], [2, 3, 0]])
        y = F.embedding(idx, w, max_norm=max_norm, norm_type=norm_type)
        up = randn(*y.shape)
        (y * up).sum().backward()
        out.append({'maxNorm': max_norm, 'normType': norm_type, 'weight': t(before), 'indices': t(idx), 'upstream': t(up), 'output': t(y),
                    'weightAfter': t(w), 'weightGrad': t(w.grad)})
    return out


def rms_norm(x, shape, weight=None, eps=None):
    """torch 2.4's F.rms_norm: x / sqrt(mean(x^2) + eps) * weight, eps = finfo(dtype).eps when None."""
    if eps is None:
        eps = torch.finfo(x.dtype).eps
    dims = tuple(range(-len(shape), 0))
    y = x * torch.rsqrt(x.pow(2).mean(dim=dims, keepdim=True) + eps)
    return y if weight is None else y * weight


def norm_cases():
    out = []
    for kind, shape, affine, eps in [('layerNorm', [4], True, 1e-5), ('layerNorm', [3, 4], False, 1e-5), ('layerNorm', [4], True, 0.1),
                                     ('rmsNorm', [4], True, None), ('rmsNorm', [3, 4], False, 1e-6)]:
        x = randn(2, 3, 4).requires_grad_(True)
        w = (randn(*shape) * 0.5 + 1).requires_grad_(True) if affine else None
        b = randn(*shape).requires_grad_(True) if affine and kind == 'layerNorm' else None
        if kind == 'layerNorm':
            y = F.layer_norm(x, shape, w, b, eps)
        else:
            y = rms_norm(x, shape, w, eps)
        up = randn(*y.shape)
        (y * up).sum().backward()
        case = {'kind': kind, 'normalizedShape': shape, 'eps': eps, 'x': t(x), 'upstream': t(up), 'output': t(y), 'xGrad': t(x.grad)}
        if w is not None:
            case['weight'] = t(w)
            case['weightGrad'] = t(w.grad)
        if b is not None:
            case['bias'] = t(b)
            case['biasGrad'] = t(b.grad)
        out.append(case)
    return out


def sdpa(q, k, v, attn_mask=None, is_causal=False, scale=None):
    """torch 2's documented definition of F.scaled_dot_product_attention (dropout left out)."""
    L, S = q.size(-2), k.size(-2)
    scale_factor = 1 / math.sqrt(q.size(-1)) if scale is None else scale
    attn_bias = torch.zeros(L, S, dtype=q.dtype)
    if is_causal:
        temp_mask = torch.ones(L, S, dtype=torch.bool).tril(diagonal=0)
        attn_bias = attn_bias.masked_fill(temp_mask.logical_not(), float('-inf'))
    if attn_mask is not None:
        if attn_mask.dtype == torch.bool:
            attn_bias = attn_bias.masked_fill(attn_mask.logical_not(), float('-inf'))
        else:
            attn_bias = attn_mask + attn_bias
    attn_weight = q @ k.transpose(-2, -1) * scale_factor
    attn_weight = attn_weight + attn_bias
    attn_weight = torch.softmax(attn_weight, dim=-1)
    return attn_weight @ v


def sdpa_cases():
    out = []
    bool_mask = torch.tensor([[True, True, False, True, False], [False, True, True, True, True], [True, False, False, False, True]])
    configs = [
        ('no mask', [2, 2, 3, 4], [2, 2, 5, 4], [2, 2, 5, 3], None, False, None),
        ('bool mask [L, S]', [2, 2, 3, 4], [2, 2, 5, 4], [2, 2, 5, 3], bool_mask, False, None),
        ('float mask [2, 1, L, S]', [2, 2, 3, 4], [2, 2, 5, 4], [2, 2, 5, 3], 'float', False, None),
        ('causal L 3 S 5', [2, 3, 4], [2, 5, 4], [2, 5, 2], None, True, None),
        ('causal L 4 S 4, scale 0.3', [1, 2, 4, 4], [1, 2, 4, 4], [1, 2, 4, 3], None, True, 0.3),
        ('broadcast batch q [2, 3, 4], k and v [1, 5, 4]', [2, 3, 4], [1, 5, 4], [1, 5, 4], None, False, 2.0),
        ('unbatched [L, E]', [3, 4], [5, 4], [5, 2], bool_mask, False, None),
    ]
    for name, qs, ks, vs, mask, causal, scale in configs:
        q = randn(*qs).requires_grad_(True)
        k = randn(*ks).requires_grad_(True)
        v = randn(*vs).requires_grad_(True)
        if isinstance(mask, str):
            mask = randn(2, 1, 3, 5)
        y = sdpa(q, k, v, mask, causal, scale)
        up = randn(*y.shape)
        (y * up).sum().backward()
        case = {'name': name, 'q': t(q), 'k': t(k), 'v': t(v), 'isCausal': causal, 'scale': scale, 'upstream': t(up), 'output': t(y), 'qGrad': t(q.grad), 'kGrad': t(k.grad), 'vGrad': t(v.grad)}
        if mask is not None:
            case['attnMask'] = t(mask)
            case['maskDtype'] = 'bool' if mask.dtype == torch.bool else 'float64'
        out.append(case)
    return out


def state(module):
    return {name: t(p) for name, p in module.state_dict().items()}


def grads(module):
    return {name: t(p.grad) for name, p in module.named_parameters()}


def causal_block(L, S):
    """nn.MultiheadAttention's bool mask: True where NOT allowed (above the diagonal)."""
    return torch.ones(L, S, dtype=torch.bool).triu(diagonal=1)


def mha_cases():
    out = []
    E, H = 6, 2
    configs = [
        # name, batchFirst, L, S, N, self, kdim, vdim, mask, kpm, average
        ('self-attention (L, N, E)', False, 4, 4, 2, True, None, None, None, False, True),
        ('batchFirst, causal bool mask, key padding, per head', True, 4, 4, 2, True, None, None, 'causal', True, False),
        ('cross-attention, float mask (L, S)', False, 3, 5, 2, False, None, None, 'float', False, True),
        ('kdim 4, vdim 5, batchFirst, key padding', True, 3, 5, 2, False, 4, 5, None, True, True),
        ('3-d bool mask (N*H, L, S)', False, 3, 5, 2, False, None, None, 'bool3', False, False),
    ]
    for name, batch_first, L, S, N, self_attn, kdim, vdim, mask, kpm, average in configs:
        m = nn.MultiheadAttention(E, H, batch_first=batch_first, kdim=kdim, vdim=vdim)
        with torch.no_grad():
            # Biases are zero at initialization: give them values so their gradients' paths are checked.
            m.in_proj_bias.copy_(randn(3 * E) * 0.1)
            m.out_proj.bias.copy_(randn(E) * 0.1)
        m.eval()
        shape = (lambda length, d: [N, length, d]) if batch_first else (lambda length, d: [length, N, d])
        q = randn(*shape(L, E)).requires_grad_(True)
        if self_attn:
            k = v = q
        else:
            k = randn(*shape(S, kdim or E)).requires_grad_(True)
            v = randn(*shape(S, vdim or E)).requires_grad_(True)
        attn_mask = None
        if mask == 'causal':
            attn_mask = causal_block(L, S)
        elif mask == 'float':
            attn_mask = randn(L, S)
        elif mask == 'bool3':
            attn_mask = torch.rand(N * H, L, S) < 0.3
            attn_mask[:, :, 0] = False  # every query keeps a key
        key_padding = None
        if kpm:
            key_padding = torch.zeros(N, S, dtype=torch.bool)
            key_padding[0, S - 1] = True
            key_padding[1, 1] = True
        y, w = m(q, k, v, key_padding_mask=key_padding, need_weights=True, attn_mask=attn_mask, average_attn_weights=average)
        up = randn(*y.shape)
        up_w = randn(*w.shape)
        ((y * up).sum() + (w * up_w).sum()).backward()
        case = {'name': name, 'embedDim': E, 'numHeads': H, 'batchFirst': batch_first, 'kdim': kdim or E, 'vdim': vdim or E, 'self': self_attn,
                'averageAttnWeights': average, 'state': state(m), 'query': t(q), 'upstream': t(up), 'upstreamWeights': t(up_w),
                'output': t(y), 'weights': t(w), 'grads': grads(m), 'queryGrad': t(q.grad)}
        if not self_attn:
            case['key'] = t(k)
            case['value'] = t(v)
            case['keyGrad'] = t(k.grad)
            case['valueGrad'] = t(v.grad)
        if attn_mask is not None:
            case['attnMask'] = t(attn_mask)
            case['maskDtype'] = 'bool' if attn_mask.dtype == torch.bool else 'float64'
        if key_padding is not None:
            case['keyPaddingMask'] = t(key_padding)
        out.append(case)
    return out


def transformer_cases():
    out = []
    d, H, ff, L, N = 8, 2, 16, 5, 2
    for name, batch_first, norm_first, activation, causal, kpm in [
        ('post-norm, relu, (L, N, E)', False, False, 'relu', False, False),
        ('post-norm, gelu, batchFirst, causal, key padding', True, False, 'gelu', True, True),
        ('pre-norm, relu, batchFirst, causal', True, True, 'relu', True, False),
        ('pre-norm, gelu, (L, N, E), key padding', False, True, 'gelu', False, True),
    ]:
        layer = nn.TransformerEncoderLayer(d, H, dim_feedforward=ff, dropout=0.1, activation=activation, batch_first=batch_first, norm_first=norm_first)
        with torch.no_grad():
            layer.self_attn.in_proj_bias.copy_(randn(3 * d) * 0.1)
            layer.self_attn.out_proj.bias.copy_(randn(d) * 0.1)
            layer.norm1.weight.copy_(1 + randn(d) * 0.2)
            layer.norm1.bias.copy_(randn(d) * 0.2)
            layer.norm2.weight.copy_(1 + randn(d) * 0.2)
            layer.norm2.bias.copy_(randn(d) * 0.2)
        layer.eval()
        src = randn(*([N, L, d] if batch_first else [L, N, d])).requires_grad_(True)
        key_padding = None
        if kpm:
            key_padding = torch.zeros(N, L, dtype=torch.bool)
            key_padding[0, L - 1] = True
            key_padding[1, 2] = True
        y = layer(src, src_mask=causal_block(L, L) if causal else None, src_key_padding_mask=key_padding)
        up = randn(*y.shape)
        (y * up).sum().backward()
        case = {'name': name, 'dModel': d, 'nhead': H, 'dimFeedforward': ff, 'activation': activation, 'batchFirst': batch_first, 'normFirst': norm_first,
                'isCausal': causal, 'state': state(layer), 'src': t(src), 'upstream': t(up), 'output': t(y), 'grads': grads(layer), 'srcGrad': t(src.grad)}
        if key_padding is not None:
            case['srcKeyPaddingMask'] = t(key_padding)
        out.append(case)
    return out


print(json.dumps({
    'torch': torch.__version__,
    'embedding': embedding_cases(),
    'norms': norm_cases(),
    'sdpa': sdpa_cases(),
    'multiheadAttention': mha_cases(),
    'transformerEncoderLayer': transformer_cases(),
    'embeddingRenorm': embedding_renorm_cases(),
}))
