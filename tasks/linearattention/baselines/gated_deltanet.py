import torch
import torch.nn as nn
import torch.nn.functional as F

# EVOLVE-BLOCK-START
# Gated DeltaNet: the delta rule with a data-dependent decay alpha_t in (0, 1),
#   S_t = alpha_t (I - beta_t k_t k_t^T) S_{t-1} + beta_t k_t v_t^T,
# computed in chunks: with g_t the decay accumulated since the chunk start,
# the writes U solve (I + A) U = diag(beta) V - diag(beta g) K S0 with
# A_ts = beta_t (g_t / g_s) k_t.k_s for s < t.
HEADS = 4
CONV = 4
CHUNK = 16
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
        H, dh, C = self.h, D // self.h, CHUNK
        u = self.conv(self.qkv(x).transpose(1, 2))[..., :T].transpose(1, 2)
        q, k, v = F.silu(u).view(B, T, 3, H, dh).permute(2, 0, 3, 1, 4)  # 3 B H T dh
        q, k = F.normalize(q, dim=-1), F.normalize(k, dim=-1)
        beta = torch.sigmoid(self.beta(x)).transpose(1, 2)  # B H T
        loga = F.logsigmoid(self.gate(x)).transpose(1, 2)
        pad = (-T) % C
        if pad:
            q, k, v = (F.pad(z, (0, 0, 0, pad)) for z in (q, k, v))
            beta, loga = F.pad(beta, (0, pad)), F.pad(loga, (0, pad))
        n = (T + pad) // C
        q, k, v = (z.reshape(B, H, n, C, dh) for z in (q, k, v))
        beta = beta.reshape(B, H, n, C, 1)
        lg = loga.reshape(B, H, n, C).cumsum(-1)  # log g_t within each chunk
        eye = torch.eye(C, device=x.device, dtype=x.dtype)
        strict = torch.ones(C, C, device=x.device, dtype=torch.bool).tril(-1)
        causal = torch.ones(C, C, device=x.device, dtype=torch.bool).tril()
        diff = (lg.unsqueeze(-1) - lg.unsqueeze(-2)).masked_fill(~causal, -1e4)
        decay = diff.exp()  # g_t / g_s for s <= t, else 0
        g = lg.exp().unsqueeze(-1)
        A = (beta * (k @ k.transpose(-1, -2)) * decay).masked_fill(~strict, 0)
        W = torch.linalg.solve_triangular(eye + A, k * beta * g, upper=False, unitriangular=True)
        U = torch.linalg.solve_triangular(eye + A, v * beta, upper=False, unitriangular=True)
        S = x.new_zeros(B, H, dh, dh)
        outs = []
        for i in range(n):
            qi, ki, gi, di = q[:, :, i], k[:, :, i], g[:, :, i], decay[:, :, i]
            ui = U[:, :, i] - W[:, :, i] @ S
            att = (qi @ ki.transpose(-1, -2)) * di
            outs.append(gi * (qi @ S) + att @ ui)
            tail = (lg[:, :, i, -1:] - lg[:, :, i]).exp().unsqueeze(-1)  # g_end / g_t
            S = gi[:, :, -1:] * S + (ki * tail).transpose(-1, -2) @ ui
        o = torch.stack(outs, 2).reshape(B, H, n * C, dh)[:, :, :T]
        o = self.norm(o).transpose(1, 2).reshape(B, T, D)
        return self.out(o)
# EVOLVE-BLOCK-END
