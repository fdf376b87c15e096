"""Integers only: int32 matmul + bias + ReLU, then a second matmul (exact results)."""

import torch
from torch import nn

torch.manual_seed(0)


class IntMLP(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.register_buffer("w1", torch.randint(-4, 5, (4, 6), dtype=torch.int32))
        self.register_buffer("b1", torch.randint(-4, 5, (6,), dtype=torch.int32))
        self.register_buffer("w2", torch.randint(-4, 5, (6, 3), dtype=torch.int32))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = torch.relu(torch.matmul(x, self.w1) + self.b1)
        return torch.matmul(h, self.w2)


model = IntMLP().eval()
example_inputs = (torch.randint(-8, 8, (1, 4), dtype=torch.int32),)
