import torch
import torch.nn as nn


# Never returns: the job's time limit must end it.
class Mixer(nn.Module):
    def __init__(self, d_model):
        super().__init__()
        self.proj = nn.Linear(d_model, d_model)

    def forward(self, x):
        while True:
            x = x + 0
        return self.proj(x)
