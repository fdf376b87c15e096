"""CNN of the published PyTorch-to-Calyx evaluation.

A 3x60x80 image -> Conv2d(3, 8, 5x5, stride 1) -> ReLU -> MaxPool(2x3) -> flatten -> Linear to
2 classes. The image size can be reduced with the environment variable T2C_CNN_CROP=HxW (the
benchmark prints the crop it used) when the full image does not fit the time budget.
"""

import os

import torch
from torch import nn

torch.manual_seed(0)

HEIGHT, WIDTH = 60, 80
if os.environ.get("T2C_CNN_CROP"):
    HEIGHT, WIDTH = (int(v) for v in os.environ["T2C_CNN_CROP"].lower().split("x"))


class CNN(nn.Module):
    def __init__(self, height: int, width: int) -> None:
        super().__init__()
        self.conv = nn.Conv2d(3, 8, kernel_size=5, stride=1)
        self.relu = nn.ReLU()
        self.pool = nn.MaxPool2d(kernel_size=(2, 3))
        features = 8 * ((height - 4) // 2) * ((width - 4) // 3)
        self.fc = nn.Linear(features, 2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.pool(self.relu(self.conv(x)))
        return self.fc(torch.flatten(x, 1))


model = CNN(HEIGHT, WIDTH).eval()
example_inputs = (torch.randn(1, 3, HEIGHT, WIDTH),)
