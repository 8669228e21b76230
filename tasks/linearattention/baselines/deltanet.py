import torch
import torch.nn as nn
import torch.nn.functional as F

# EVOLVE-BLOCK-START
# DeltaNet: a fast-weight memory S (keys -> values) updated by the delta rule,
#   S_t = S_{t-1} + beta_t k_t (v_t - S_{t-1}^T k_t)^T,   o_t = S_t^T q_t,
# with L2-normalised keys and queries, a learned write strength beta_t and
# short causal convolutions in front of q, k, v. Computed in chunks of
# CHUNK steps (the WY form): within a chunk the updates are solved with one
# triangular system, so the cost is O(T * CHUNK * d), linear in T.
HEADS = 4
CONV = 4
CHUNK = 16
BETA_SCALE = 1.0


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
        H, dh, C = self.h, D // self.h, CHUNK
        u = self.conv(self.qkv(x).transpose(1, 2))[..., :T].transpose(1, 2)
        q, k, v = F.silu(u).view(B, T, 3, H, dh).permute(2, 0, 3, 1, 4)  # 3 B H T dh
        q, k = F.normalize(q, dim=-1), F.normalize(k, dim=-1)
        beta = (BETA_SCALE * torch.sigmoid(self.beta(x))).transpose(1, 2)  # B H T
        pad = (-T) % C
        if pad:
            q, k, v = (F.pad(z, (0, 0, 0, pad)) for z in (q, k, v))
            beta = F.pad(beta, (0, pad))
        n = (T + pad) // C
        q, k, v = (z.reshape(B, H, n, C, dh) for z in (q, k, v))
        beta = beta.reshape(B, H, n, C, 1)
        eye = torch.eye(C, device=x.device, dtype=x.dtype)
        strict = torch.ones(C, C, device=x.device, dtype=torch.bool).tril(-1)
        causal = torch.ones(C, C, device=x.device, dtype=torch.bool).tril()
        kb = k * beta
        A = (kb @ k.transpose(-1, -2)).masked_fill(~strict, 0)  # B H n C C
        # T = (I + A)^-1 diag(beta); W = T K, U = T V
        W = torch.linalg.solve_triangular(eye + A, kb, upper=False, unitriangular=True)
        U = torch.linalg.solve_triangular(eye + A, v * beta, upper=False, unitriangular=True)
        S = x.new_zeros(B, H, dh, dh)
        outs = []
        for i in range(n):
            qi, ki = q[:, :, i], k[:, :, i]
            ui = U[:, :, i] - W[:, :, i] @ S  # the values the chunk actually writes
            att = (qi @ ki.transpose(-1, -2)).masked_fill(~causal, 0)
            outs.append(qi @ S + att @ ui)
            S = S + ki.transpose(-1, -2) @ ui
        o = torch.stack(outs, 2).reshape(B, H, n * C, dh)[:, :, :T]
        o = self.norm(o).transpose(1, 2).reshape(B, T, D)
        return self.out(o)
# EVOLVE-BLOCK-END
