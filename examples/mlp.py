"""One hidden layer with ReLU: 4 -> 8 -> 3, batch 1."""

import torch
from torch import nn

torch.manual_seed(0)

model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3)).eval()
example_inputs = (torch.randn(1, 4),)
