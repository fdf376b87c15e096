"""PyTorch's nn.TransformerEncoderLayer(d_model=16, nhead=2, dim_feedforward=32), sequence 8."""

import torch
from torch import nn

torch.manual_seed(0)

model = nn.TransformerEncoderLayer(
    d_model=16, nhead=2, dim_feedforward=32, dropout=0.0, batch_first=True
).eval()
example_inputs = (torch.randn(1, 8, 16),)
