"""Single-head self-attention with softmax over a sequence of 3 tokens of width 4."""

import torch
from torch import nn

torch.manual_seed(0)


class SelfAttention(nn.Module):
    def __init__(self, dim: int) -> None:
        super().__init__()
        self.q = nn.Linear(dim, dim, bias=False)
        self.k = nn.Linear(dim, dim, bias=False)
        self.v = nn.Linear(dim, dim, bias=False)
        self.scale = dim**-0.5

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        scores = torch.matmul(self.q(x), self.k(x).transpose(-2, -1)) * self.scale
        return torch.matmul(torch.softmax(scores, dim=-1), self.v(x))


model = SelfAttention(4).eval()
example_inputs = (torch.randn(1, 3, 4),)
