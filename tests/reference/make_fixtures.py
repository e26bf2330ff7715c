#!/usr/bin/python3
"""Writes the nn reference fixtures that tests/engine/test-reference.c checks.

The same tiny policy as engine/atl-policy.c (pre-LN GPT-2 block, learned positions, tied
head, tanh GELU) is written here in PyTorch, evaluated in float64 as the ground truth, and
dumped in the engine's flat parameter layout: weights, a batch with a mask and per-sequence
weights, logits, mean loss, per-token log-probs, the gradient of
J = sum_b w[b] * sum_t m[b,t] * (-logp[b,t]) for every tensor, the pooled embedding, and the
parameters after three AdamW steps with global-norm clipping.

Run: /usr/bin/python3 tests/reference/make_fixtures.py  (from the source root)
Format of tests/fixtures/nn/reference.bin, little-endian, a list of records:
  u32 name length, name (utf-8), u32 dtype (0 f32, 1 i32), u32 count, count values.
"""
import os
import struct
import sys

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

torch.set_num_threads(2)

V, CTX, C, L, NH = 23, 16, 32, 2, 4
B, T = 3, 11
ADAMW = dict(lr=1e-2, beta1=0.9, beta2=0.95, eps=1e-8, weight_decay=0.1, clip=0.5)


def tensor_table():
    """(name, shape, decay) in the engine's buffer order (see engine/atl-policy.h)."""
    table = [("wte", (V, C), True), ("wpe", (CTX, C), True)]
    for layer in range(L):
        p = f"h.{layer}."
        table += [
            (p + "ln1.w", (C,), False), (p + "ln1.b", (C,), False),
            (p + "attn.qkv.w", (3 * C, C), True), (p + "attn.qkv.b", (3 * C,), False),
            (p + "attn.proj.w", (C, C), True), (p + "attn.proj.b", (C,), False),
            (p + "ln2.w", (C,), False), (p + "ln2.b", (C,), False),
            (p + "mlp.fc.w", (4 * C, C), True), (p + "mlp.fc.b", (4 * C,), False),
            (p + "mlp.proj.w", (C, 4 * C), True), (p + "mlp.proj.b", (C,), False),
        ]
    table += [("lnf.w", (C,), False), ("lnf.b", (C,), False)]
    return table


def init_params(gen):
    params = {}
    for name, shape, _ in tensor_table():
        noise = torch.randn(shape, generator=gen, dtype=torch.float64)
        if len(shape) == 2:
            params[name] = 0.15 * noise
        elif name.endswith(".w"):  # LayerNorm weights near one
            params[name] = 1.0 + 0.1 * noise
        else:
            params[name] = 0.05 * noise
    # Round through float32 so the engine starts from exactly these weights.
    return {k: v.float().double().requires_grad_(True) for k, v in params.items()}


def forward(P, tokens):
    """Logits (B,T,V) and the final-LayerNorm states (B,T,C)."""
    b, t = tokens.shape
    hs = C // NH
    x = P["wte"][tokens] + P["wpe"][:t]
    causal = torch.ones(t, t, dtype=torch.bool).tril()
    for layer in range(L):
        p = f"h.{layer}."
        h = F.layer_norm(x, (C,), P[p + "ln1.w"], P[p + "ln1.b"], 1e-5)
        qkv = h @ P[p + "attn.qkv.w"].T + P[p + "attn.qkv.b"]
        q, k, v = (z.view(b, t, NH, hs).transpose(1, 2) for z in qkv.split(C, dim=2))
        att = (q @ k.transpose(-2, -1)) / hs ** 0.5
        att = att.masked_fill(~causal, float("-inf")).softmax(dim=-1)
        y = (att @ v).transpose(1, 2).reshape(b, t, C)
        x = x + y @ P[p + "attn.proj.w"].T + P[p + "attn.proj.b"]
        h = F.layer_norm(x, (C,), P[p + "ln2.w"], P[p + "ln2.b"], 1e-5)
        h = F.gelu(h @ P[p + "mlp.fc.w"].T + P[p + "mlp.fc.b"], approximate="tanh")
        x = x + h @ P[p + "mlp.proj.w"].T + P[p + "mlp.proj.b"]
    lnf = F.layer_norm(x, (C,), P["lnf.w"], P["lnf.b"], 1e-5)
    return lnf @ P["wte"].T, lnf


def token_logp(logits, targets):
    """log p of each target; 0 where the target is negative (no target)."""
    logp = logits.log_softmax(dim=-1).gather(-1, targets.clamp(min=0).unsqueeze(-1))
    return logp.squeeze(-1) * (targets >= 0)


def flat(P, grads=False):
    parts = [(P[n].grad if grads else P[n]).detach().reshape(-1) for n, _, _ in tensor_table()]
    return torch.cat(parts)


def main():
    out_dir = sys.argv[1] if len(sys.argv) > 1 else "tests/fixtures/nn"
    gen = torch.Generator().manual_seed(20240611)
    P = init_params(gen)
    tokens = torch.randint(0, V, (B, T), generator=gen)
    targets = torch.randint(0, V, (B, T), generator=gen)
    targets[1, 4] = -1  # a position without a target
    mask = (torch.rand(B, T, generator=gen) > 0.2).double()
    mask[2, 7:] = 0.0  # a shorter sequence
    mask = mask * (targets >= 0)
    weight = torch.tensor([0.05, -0.03, 0.08], dtype=torch.float64)

    logits, lnf = forward(P, tokens)
    logp = token_logp(logits, targets)
    loss = -(mask * logp).sum() / mask.sum()
    J = -(weight[:, None] * mask * logp).sum()
    J.backward()
    pooled = (lnf * mask[..., None]).sum(1) / mask.sum(1, keepdim=True)
    records = [
        ("config", 1, [V, CTX, C, L, NH, B, T]),
        ("params", 0, flat(P)),
        ("tokens", 1, tokens.reshape(-1)),
        ("targets", 1, targets.reshape(-1)),
        ("mask", 0, mask.reshape(-1)),
        ("weight", 0, weight),
        ("logits", 0, logits.detach().reshape(-1)),
        ("loss", 0, [loss.item()]),
        ("logp", 0, logp.detach().reshape(-1)),
        ("grads", 0, flat(P, grads=True)),
        ("pooled", 0, pooled.detach().reshape(-1)),
    ]

    # Three AdamW steps on J with the same batch, torch's optimizer and clipping; biases
    # and LayerNorm parameters are not decayed (the engine's "decay" flags).
    decay = [P[n] for n, _, d in tensor_table() if d]
    no_decay = [P[n] for n, _, d in tensor_table() if not d]
    opt = torch.optim.AdamW(
        [{"params": decay, "weight_decay": ADAMW["weight_decay"]},
         {"params": no_decay, "weight_decay": 0.0}],
        lr=ADAMW["lr"], betas=(ADAMW["beta1"], ADAMW["beta2"]), eps=ADAMW["eps"])
    norms = []
    for _ in range(3):
        opt.zero_grad()
        logits, _ = forward(P, tokens)
        J = -(weight[:, None] * mask * token_logp(logits, targets)).sum()
        J.backward()
        norms.append(torch.nn.utils.clip_grad_norm_(list(P.values()), ADAMW["clip"]).item())
        opt.step()
    assert min(norms) > ADAMW["clip"], "the fixture should exercise clipping"
    records += [
        ("adamw", 0, [ADAMW[k] for k in ("lr", "beta1", "beta2", "eps", "weight_decay", "clip")]),
        ("grad_norms", 0, norms),
        ("params_adamw3", 0, flat(P)),
    ]

    os.makedirs(out_dir, exist_ok=True)
    path = os.path.join(out_dir, "reference.bin")
    with open(path, "wb") as f:
        for name, dtype, values in records:
            values = [int(v) if dtype else float(v) for v in
                      (values.tolist() if torch.is_tensor(values) else values)]
            raw = name.encode()
            f.write(struct.pack("<I", len(raw)) + raw + struct.pack("<II", dtype, len(values)))
            f.write(struct.pack(f"<{len(values)}{'i' if dtype else 'f'}", *values))
    print(f"wrote {path}: loss {loss.item():.6f}, grad norms {norms}")


if __name__ == "__main__":
    main()
