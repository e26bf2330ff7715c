#!/usr/bin/python3
"""The PyTorch peer of `atelier bench nn`: the same policy, batch and sampling job.

Model: d_model 128, 4 layers, 4 heads, context 128, vocabulary 128 (pre-LN GPT-2 block,
learned positions, tied head, tanh GELU), float32, two threads. Measures
  train: one step = forward + backward + clip_grad_norm_(1.0) + AdamW, batch 32 x 128;
  sample: 16 sequences of 128 tokens (1 prompt token + 127 sampled, temperature 1)
          with a key/value cache written here, one position per step.
Prints one JSON object: train_tokens_per_s, sample_tokens_per_s (medians), and the
timings. OMP_WAIT_POLICY=PASSIVE is set before torch loads; OPENBLAS_CORETYPE is left as
the environment has it.
"""
import json
import math
import os
import statistics
import sys
import time

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402

torch.set_num_threads(2)

V, CTX, C, L, NH = 128, 128, 128, 4, 4
HS = C // NH


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.ln1 = nn.LayerNorm(C)
        self.qkv = nn.Linear(C, 3 * C)
        self.proj = nn.Linear(C, C)
        self.ln2 = nn.LayerNorm(C)
        self.fc = nn.Linear(C, 4 * C)
        self.fc_proj = nn.Linear(4 * C, C)

    def mlp(self, x):
        return self.fc_proj(F.gelu(self.fc(self.ln2(x)), approximate="tanh"))

    def forward(self, x, causal):
        b, t, _ = x.shape
        q, k, v = self.qkv(self.ln1(x)).split(C, dim=2)
        q, k, v = (z.view(b, t, NH, HS).transpose(1, 2) for z in (q, k, v))
        att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(HS))
        att = att.masked_fill(causal[:t, :t], float("-inf")).softmax(dim=-1)
        y = (att @ v).transpose(1, 2).reshape(b, t, C)
        x = x + self.proj(y)
        return x + self.mlp(x)

    def step(self, x, kc, vc, t):
        """One new position per sequence; kc, vc (B, NH, CTX, HS) are the caches."""
        b = x.shape[0]
        q, k, v = self.qkv(self.ln1(x)).split(C, dim=1)
        kc[:, :, t] = k.view(b, NH, HS)
        vc[:, :, t] = v.view(b, NH, HS)
        q = q.view(b, NH, 1, HS)
        att = (q @ kc[:, :, : t + 1].transpose(-2, -1)) * (1.0 / math.sqrt(HS))
        y = (att.softmax(dim=-1) @ vc[:, :, : t + 1]).reshape(b, C)
        x = x + self.proj(y)
        return x + self.mlp(x)


class Policy(nn.Module):
    def __init__(self):
        super().__init__()
        self.wte = nn.Embedding(V, C)
        self.wpe = nn.Embedding(CTX, C)
        self.h = nn.ModuleList(Block() for _ in range(L))
        self.lnf = nn.LayerNorm(C)
        self.register_buffer("causal", ~torch.ones(CTX, CTX, dtype=torch.bool).tril())
        for name, p in self.named_parameters():
            if p.dim() == 2:
                std = 0.02 / math.sqrt(2 * L) if name.endswith("proj.weight") else 0.02
                nn.init.normal_(p, 0.0, std)
            elif name.endswith("bias"):
                nn.init.zeros_(p)

    def forward(self, tokens):
        t = tokens.shape[1]
        x = self.wte(tokens) + self.wpe.weight[:t]
        for block in self.h:
            x = block(x, self.causal)
        return self.lnf(x) @ self.wte.weight.T

    @torch.no_grad()
    def sample(self, prompt, length, gen):
        b = prompt.shape[0]
        kcs = [torch.empty(b, NH, CTX, HS) for _ in range(L)]
        vcs = [torch.empty(b, NH, CTX, HS) for _ in range(L)]
        out = torch.empty(b, length, dtype=torch.long)
        out[:, 0] = prompt
        logps = torch.zeros(b, length)
        for t in range(length - 1):
            x = self.wte(out[:, t]) + self.wpe.weight[t]
            for block, kc, vc in zip(self.h, kcs, vcs):
                x = block.step(x, kc, vc, t)
            logits = self.lnf(x) @ self.wte.weight.T
            logp = logits.log_softmax(dim=-1)
            nxt = torch.multinomial(logp.exp(), 1, generator=gen).squeeze(1)
            out[:, t + 1] = nxt
            logps[:, t + 1] = logp.gather(1, nxt[:, None]).squeeze(1)
        return out, logps


def median_time(fn, repeats):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main():
    train_steps = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    sample_runs = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    torch.manual_seed(0)
    model = Policy()
    decay = [p for n, p in model.named_parameters() if p.dim() == 2]
    no_decay = [p for n, p in model.named_parameters() if p.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.1},
                             {"params": no_decay, "weight_decay": 0.0}],
                            lr=1e-3, betas=(0.9, 0.95), eps=1e-8)
    gen = torch.Generator().manual_seed(1)
    data = torch.randint(0, V, (32, CTX + 1), generator=gen)
    inputs, targets = data[:, :-1], data[:, 1:]

    losses = []

    def train_step():
        opt.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(inputs).reshape(-1, V), targets.reshape(-1))
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        losses.append(loss.item())

    for _ in range(3):  # warm up, and check that the step trains
        train_step()
    assert abs(losses[0] - math.log(V)) < 0.1 and losses[-1] < losses[0], losses
    train_s = median_time(train_step, train_steps)

    prompt = torch.zeros(16, dtype=torch.long)
    out, logps = model.sample(prompt, CTX, gen)  # warm up and check
    assert out.shape == (16, CTX) and torch.isfinite(logps).all()
    sample_s = median_time(lambda: model.sample(prompt, CTX, gen), sample_runs)

    print(json.dumps({
        "train_tokens_per_s": 32 * CTX / train_s,
        "train_step_s": train_s,
        "sample_tokens_per_s": 16 * (CTX - 1) / sample_s,
        "sample_s": sample_s,
        "torch_version": torch.__version__,
        "threads": torch.get_num_threads(),
    }))


if __name__ == "__main__":
    main()
