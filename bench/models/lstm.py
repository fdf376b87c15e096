"""A two-layer nn.LSTM(4, 8) over 5 time steps, batch 1 (the model of issue 14).

Every time step of a layer runs the same four gates on different memories: the case that
outline-repeated-nests turns into one shared component.
"""

import torch
from torch import nn

torch.manual_seed(0)

SEQ, INPUT, HIDDEN, LAYERS = 5, 4, 8, 2


class Lstm(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.lstm = nn.LSTM(INPUT, HIDDEN, num_layers=LAYERS)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out, _ = self.lstm(x)
        return out


model = Lstm().eval()
example_inputs = (torch.randn(SEQ, 1, INPUT),)
