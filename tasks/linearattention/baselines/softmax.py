import math

import torch
import torch.nn as nn
import torch.nn.functional as F

# EVOLVE-BLOCK-START
# Causal softmax attention (the quadratic reference), with a short causal
# convolution in front of q, k, v so that it sees token order.
HEADS = 4
CONV = 4


class Mixer(nn.Module):
    def __init__(self, d_model):
        super().__init__()
        self.h = HEADS
        self.qkv = nn.Linear(d_model, 3 * d_model, bias=False)
        self.conv = nn.Conv1d(3 * d_model, 3 * d_model, CONV, groups=3 * d_model, padding=CONV - 1)
        self.out = nn.Linear(d_model, d_model, bias=False)

    def forward(self, x):
        B, T, D = x.shape
        u = self.conv(self.qkv(x).transpose(1, 2))[..., :T].transpose(1, 2)
        q, k, v = F.silu(u).view(B, T, 3, self.h, D // self.h).permute(2, 0, 3, 1, 4)  # 3 B H T dh
        att = q @ k.transpose(-1, -2) / math.sqrt(D // self.h)
        mask = torch.ones(T, T, dtype=torch.bool, device=x.device).triu(1)
        att = att.masked_fill(mask, float("-inf")).softmax(-1)
        return self.out((att @ v).transpose(1, 2).reshape(B, T, D))
# EVOLVE-BLOCK-END
