"""PyTorch's nn.TransformerEncoderLayer(d_model=16, nhead=2, dim_feedforward=32), sequence 8."""

import torch
from torch import nn

torch.manual_seed(0)
# The eval fast path runs attention as one fused kernel that torch's FLOP counter does not
# see; the regular path computes the same values and lets the benchmark count the MACs.
torch.backends.mha.set_fastpath_enabled(False)

model = nn.TransformerEncoderLayer(
    d_model=16, nhead=2, dim_feedforward=32, dropout=0.0, batch_first=True
).eval()
example_inputs = (torch.randn(1, 8, 16),)
