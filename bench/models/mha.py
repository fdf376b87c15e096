"""MHA of the published PyTorch-to-Calyx evaluation: causal multi-head self-attention.

2 heads over a 42-dimensional embedding (21 per head), sequence length 8.
"""

import math

import torch
from torch import nn

torch.manual_seed(0)

SEQ, EMBED, HEADS = 8, 42, 2


class CausalSelfAttention(nn.Module):
    def __init__(self, embed: int, heads: int, seq: int) -> None:
        super().__init__()
        self.heads = heads
        self.head_dim = embed // heads
        self.qkv = nn.Linear(embed, 3 * embed)
        self.proj = nn.Linear(embed, embed)
        mask = torch.triu(torch.full((seq, seq), float("-inf")), diagonal=1)
        self.register_buffer("mask", mask)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        seq, embed = x.shape[1], x.shape[2]
        q, k, v = self.qkv(x).split(embed, dim=2)
        q = q.view(1, seq, self.heads, self.head_dim).transpose(1, 2)
        k = k.view(1, seq, self.heads, self.head_dim).transpose(1, 2)
        v = v.view(1, seq, self.heads, self.head_dim).transpose(1, 2)
        scores = q @ k.transpose(-2, -1) / math.sqrt(self.head_dim) + self.mask
        out = torch.softmax(scores, dim=-1) @ v
        return self.proj(out.transpose(1, 2).reshape(1, seq, embed))


model = CausalSelfAttention(EMBED, HEADS, SEQ).eval()
example_inputs = (torch.randn(1, SEQ, EMBED),)
