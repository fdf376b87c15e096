"""MNIST-sized MLP: 784 -> Linear 784x128 -> ReLU -> Linear 128x10."""

import torch
from torch import nn

torch.manual_seed(0)

model = nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10)).eval()
example_inputs = (torch.randn(1, 784),)
