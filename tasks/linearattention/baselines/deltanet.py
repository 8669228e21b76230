import torch
import torch.nn as nn
import torch.nn.functional as F

# EVOLVE-BLOCK-START
# DeltaNet: a fast-weight memory S updated by the delta rule,
#   S_t = S_{t-1} + beta_t (v_t - S_{t-1} k_t) k_t^T,   o_t = S_t q_t,
# with L2-normalised keys and queries, a learned write strength beta_t and
# short causal convolutions in front of q, k, v.
HEADS = 4
CONV = 4
BETA_SCALE = 1.0
DECAY = 1.0  # constant forgetting factor on S; 1.0 is plain DeltaNet


class Mixer(nn.Module):
    def __init__(self, d_model):
        super().__init__()
        self.h = HEADS
        self.qkv = nn.Linear(d_model, 3 * d_model, bias=False)
        self.conv = nn.Conv1d(3 * d_model, 3 * d_model, CONV, groups=3 * d_model, padding=CONV - 1)
        self.beta = nn.Linear(d_model, HEADS)
        self.norm = nn.LayerNorm(d_model // HEADS)
        self.out = nn.Linear(d_model, d_model, bias=False)

    def forward(self, x):
        B, T, D = x.shape
        H, dh = self.h, D // self.h
        u = self.conv(self.qkv(x).transpose(1, 2))[..., :T].transpose(1, 2)
        q, k, v = F.silu(u).view(B, T, 3, H, dh).unbind(2)
        q, k = F.normalize(q, dim=-1), F.normalize(k, dim=-1)
        beta = BETA_SCALE * torch.sigmoid(self.beta(x))  # B T H
        S = x.new_zeros(B, H, dh, dh)  # maps keys to values
        outs = []
        for t in range(T):
            kt, vt, bt = k[:, t], v[:, t], beta[:, t, :, None]
            err = vt - torch.einsum("bhvk,bhk->bhv", S, kt)
            S = DECAY * S + torch.einsum("bhv,bhk->bhvk", bt * err, kt)
            outs.append(torch.einsum("bhvk,bhk->bhv", S, q[:, t]))
        o = self.norm(torch.stack(outs, 1))
        return self.out(o.reshape(B, T, D))
# EVOLVE-BLOCK-END
