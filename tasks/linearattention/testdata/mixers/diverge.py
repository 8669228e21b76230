import torch
import torch.nn as nn


# Causal and within budget, but its output is infinite: training diverges
# at the first step.
class Mixer(nn.Module):
    def __init__(self, d_model):
        super().__init__()
        self.proj = nn.Linear(d_model, d_model)

    def forward(self, x):
        return self.proj(x) * float("inf")
