"""FFNN of the published PyTorch-to-Calyx evaluation: 64 -> Linear 64x48 -> ReLU -> Linear 48x4."""

import torch
from torch import nn

torch.manual_seed(0)


class FFNN(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.fc1 = nn.Linear(64, 48)
        self.relu = nn.ReLU()
        self.fc2 = nn.Linear(48, 4)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc2(self.relu(self.fc1(x)))


model = FFNN().eval()
example_inputs = (torch.randn(1, 64),)
