import torch
import torch.nn as nn
import torch.nn.functional as F

# EVOLVE-BLOCK-START
# Gated DeltaNet: the delta rule with a data-dependent decay alpha_t in (0, 1),
#   S_t = alpha_t S_{t-1} (I - beta_t k_t k_t^T) + beta_t v_t k_t^T.
HEADS = 4
CONV = 4
GATE_BIAS = 3.0  # alpha starts near sigmoid(3) = 0.95: long memory at first


class Mixer(nn.Module):
    def __init__(self, d_model):
        super().__init__()
        self.h = HEADS
        self.qkv = nn.Linear(d_model, 3 * d_model, bias=False)
        self.conv = nn.Conv1d(3 * d_model, 3 * d_model, CONV, groups=3 * d_model, padding=CONV - 1)
        self.beta = nn.Linear(d_model, HEADS)
        self.gate = nn.Linear(d_model, HEADS)
        nn.init.constant_(self.gate.bias, GATE_BIAS)
        self.norm = nn.LayerNorm(d_model // HEADS)
        self.out = nn.Linear(d_model, d_model, bias=False)

    def forward(self, x):
        B, T, D = x.shape
        H, dh = self.h, D // self.h
        u = self.conv(self.qkv(x).transpose(1, 2))[..., :T].transpose(1, 2)
        q, k, v = F.silu(u).view(B, T, 3, H, dh).unbind(2)
        q, k = F.normalize(q, dim=-1), F.normalize(k, dim=-1)
        beta = torch.sigmoid(self.beta(x))
        alpha = torch.sigmoid(self.gate(x))
        S = x.new_zeros(B, H, dh, dh)
        outs = []
        for t in range(T):
            kt, vt = k[:, t], v[:, t]
            S = alpha[:, t, :, None, None] * S
            err = vt - torch.einsum("bhvk,bhk->bhv", S, kt)
            S = S + torch.einsum("bhv,bhk->bhvk", beta[:, t, :, None] * err, kt)
            outs.append(torch.einsum("bhvk,bhk->bhv", S, q[:, t]))
        o = self.norm(torch.stack(outs, 1))
        return self.out(o.reshape(B, T, D))
# EVOLVE-BLOCK-END
