import torch.nn as nn


# Far over the parameter budget.
class Mixer(nn.Module):
    def __init__(self, d_model):
        super().__init__()
        self.up = nn.Linear(d_model, 64 * d_model)
        self.down = nn.Linear(64 * d_model, d_model)

    def forward(self, x):
        return self.down(self.up(x))
