import os

import torch.nn as nn


# Reaches for the file system: refused by the static rules.
class Mixer(nn.Module):
    def __init__(self, d_model):
        super().__init__()
        self.proj = nn.Linear(d_model, d_model)

    def forward(self, x):
        os.system("true")
        return self.proj(x)
