"""The layer zoo: tiny models covering every layer the front end supports.

Shared by the front-end tests (reference run against PyTorch) and the end-to-end tests
(hardware simulation against PyTorch). Each case builds its model and inputs from a fixed
seed, so every call gives the same weights and data. Models are a few hundred MACs at most.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch
from torch import nn


@dataclass(frozen=True)
class ZooCase:
    """One zoo model: ``build()`` returns ``(model in eval mode, example_inputs tuple)``.

    ``exact`` is True for integer models (outputs must match bit for bit).
    """

    name: str
    build_fn: Callable[[], tuple[nn.Module, tuple[torch.Tensor, ...]]]
    exact: bool = False

    def build(self) -> tuple[nn.Module, tuple[torch.Tensor, ...]]:
        """Build the model and its inputs with the case's fixed seed."""
        torch.manual_seed(sum(map(ord, self.name)))
        model, inputs = self.build_fn()
        return model.eval(), inputs


def _seq(*layers: nn.Module) -> nn.Module:
    return nn.Sequential(*layers)


class _Binary(nn.Module):
    def __init__(self, fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor]) -> None:
        super().__init__()
        self.fn = fn

    def forward(self, a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        return self.fn(a, b)


class Elementwise(nn.Module):
    """add, sub, mul, div of two inputs."""

    def forward(self, a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        return (a + b) * (a - b) / (b * b + 1.0)


class Residual(nn.Module):
    """x + Linear(ReLU(Linear(x)))."""

    def __init__(self, n: int = 6) -> None:
        super().__init__()
        self.fc1 = nn.Linear(n, n)
        self.fc2 = nn.Linear(n, n)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.fc2(torch.relu(self.fc1(x)))


class MultiInOut(nn.Module):
    """Two inputs of different shapes, two outputs."""

    def __init__(self) -> None:
        super().__init__()
        self.fc = nn.Linear(4, 3)

    def forward(self, x: torch.Tensor, y: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        h = self.fc(x)
        return torch.sigmoid(h) * y, h.sum(dim=1, keepdim=True)


class Attention(nn.Module):
    """Single-head self-attention with softmax."""

    def __init__(self, dim: int = 4) -> None:
        super().__init__()
        self.q = nn.Linear(dim, dim, bias=False)
        self.k = nn.Linear(dim, dim, bias=False)
        self.v = nn.Linear(dim, dim, bias=False)
        self.scale = dim**-0.5

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        scores = torch.bmm(self.q(x), self.k(x).transpose(1, 2)) * self.scale
        return torch.bmm(torch.softmax(scores, dim=-1), self.v(x))


class IntMLP(nn.Module):
    """Integer-only two-layer perceptron with ReLU (int32 weights, matmul + bias)."""

    def __init__(self, dtype: torch.dtype = torch.int32) -> None:
        super().__init__()
        self.register_buffer("w1", torch.randint(-4, 5, (4, 6), dtype=dtype))
        self.register_buffer("b1", torch.randint(-4, 5, (6,), dtype=dtype))
        self.register_buffer("w2", torch.randint(-4, 5, (6, 3), dtype=dtype))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = torch.relu(torch.matmul(x, self.w1) + self.b1)
        return torch.matmul(h, self.w2)


class Int8Ops(nn.Module):
    """int8 elementwise ops (wrapping arithmetic) and ReLU."""

    def forward(self, a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        return torch.relu(a * b + a - b)


class Int8ScalarOps(nn.Module):
    """int8 tensors with Python-number operands: mul, sub, floor division, remainder."""

    def forward(self, a: torch.Tensor) -> torch.Tensor:
        return (a * 3 - 2) // 2 + a % 3


class ReshapePermute(nn.Module):
    """View/transpose/permute/flatten: data movement only, two outputs."""

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        return x.reshape(2, 6).t().contiguous() * 2.0, x.permute(2, 0, 1).flatten(1)


class CatSlicePad(nn.Module):
    """Concatenation, slicing and zero padding."""

    def forward(self, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        z = torch.cat([x, y], dim=1)[:, 1:4]
        return nn.functional.pad(z, (1, 2))


class WhereClamp(nn.Module):
    """Value-dependent choice with torch.where, clamp and leaky ReLU."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = torch.where(x > 0, x, x * 0.1).clamp(-0.5, 0.5)
        return nn.functional.leaky_relu(y + x, 0.2)


class Reductions(nn.Module):
    """mean over spatial dims, max over channels, and a scalar (0-d) sum."""

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        return x.mean(dim=(2, 3)), x.amax(dim=1), x.sum()


class CausalMask(nn.Module):
    """masked_fill with a constant boolean mask buffer (-inf), softmax, uint8 buffer."""

    def __init__(self, n: int = 3) -> None:
        super().__init__()
        self.register_buffer("mask", torch.tril(torch.ones(n, n, dtype=torch.bool)))
        self.register_buffer("offset", torch.arange(1, n + 1, dtype=torch.uint8))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        scores = x.masked_fill(~self.mask, float("-inf"))
        return torch.softmax(scores, dim=-1) + self.offset.float()


class Powers(nn.Module):
    """x**2, x**3 and |x|**0.5 (become mulf and sqrt, no pow)."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x**2 - x**3 + torch.abs(x) ** 0.5


class SameOutputTwice(nn.Module):
    """Returns one tensor twice (each output still gets its own memory)."""

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        y = x * 2.0
        return y, y


def _rand_bn(bn: nn.Module) -> nn.Module:
    with torch.no_grad():
        bn.running_mean.uniform_(-0.5, 0.5)
        bn.running_var.uniform_(0.5, 1.5)
        bn.weight.uniform_(0.5, 1.5)
        bn.bias.uniform_(-0.5, 0.5)
    return bn


def _r(*shape: int) -> torch.Tensor:
    return torch.randn(*shape)


def _i(lo: int, hi: int, *shape: int, dtype: torch.dtype) -> torch.Tensor:
    return torch.randint(lo, hi, shape, dtype=dtype)


ZOO: list[ZooCase] = [
    ZooCase("linear", lambda: (nn.Linear(4, 3), (_r(1, 4),))),
    ZooCase("relu", lambda: (nn.ReLU(), (_r(2, 5),))),
    ZooCase("mlp_batch3", lambda: (_seq(nn.Linear(4, 6), nn.ReLU(), nn.Linear(6, 2)), (_r(3, 4),))),
    ZooCase("conv2d_padding", lambda: (nn.Conv2d(1, 2, 3, padding=1), (_r(1, 1, 5, 5),))),
    ZooCase("conv2d_stride", lambda: (nn.Conv2d(2, 2, 3, stride=2), (_r(1, 2, 6, 6),))),
    ZooCase(
        "conv2d_groups",
        lambda: (nn.Conv2d(4, 4, 3, padding=1, groups=2), (_r(1, 4, 4, 4),)),
    ),
    ZooCase(
        "conv2d_depthwise_batch2",
        lambda: (nn.Conv2d(2, 2, 3, groups=2, bias=False), (_r(2, 2, 4, 4),)),
    ),
    ZooCase("maxpool2d", lambda: (nn.MaxPool2d(2), (_r(1, 2, 4, 4),))),
    ZooCase("avgpool2d", lambda: (nn.AvgPool2d(2), (_r(1, 2, 4, 4),))),
    ZooCase("flatten_linear", lambda: (_seq(nn.Flatten(), nn.Linear(12, 2)), (_r(2, 3, 2, 2),))),
    ZooCase("batchnorm2d", lambda: (_rand_bn(nn.BatchNorm2d(3)), (_r(2, 3, 2, 2),))),
    ZooCase("batchnorm1d", lambda: (_rand_bn(nn.BatchNorm1d(4)), (_r(3, 4),))),
    ZooCase("layernorm", lambda: (nn.LayerNorm(6), (_r(2, 6),))),
    ZooCase("gelu", lambda: (nn.GELU(), (_r(2, 5),))),
    ZooCase("gelu_tanh", lambda: (nn.GELU(approximate="tanh"), (_r(2, 5),))),
    ZooCase("sigmoid", lambda: (nn.Sigmoid(), (_r(2, 5),))),
    ZooCase("tanh", lambda: (nn.Tanh(), (_r(2, 5),))),
    ZooCase("softmax", lambda: (nn.Softmax(dim=-1), (_r(2, 5),))),
    ZooCase("matmul", lambda: (_Binary(torch.matmul), (_r(3, 4), _r(4, 2)))),
    ZooCase("bmm", lambda: (_Binary(torch.bmm), (_r(2, 3, 4), _r(2, 4, 2)))),
    ZooCase("elementwise", lambda: (Elementwise(), (_r(2, 4), _r(2, 4)))),
    ZooCase("residual", lambda: (Residual(), (_r(2, 6),))),
    ZooCase("multi_in_out", lambda: (MultiInOut(), (_r(2, 4), _r(2, 3)))),
    ZooCase("attention", lambda: (Attention(), (_r(1, 3, 4),))),
    ZooCase(
        "cnn",
        lambda: (
            _seq(
                nn.Conv2d(1, 2, 3, padding=1),
                nn.ReLU(),
                nn.MaxPool2d(2),
                nn.Flatten(),
                nn.Linear(8, 3),
            ),
            (_r(1, 1, 4, 4),),
        ),
    ),
    ZooCase("reshape_permute", lambda: (ReshapePermute(), (_r(3, 2, 2),))),
    ZooCase("cat_slice_pad", lambda: (CatSlicePad(), (_r(2, 3), _r(2, 2)))),
    ZooCase("where_clamp", lambda: (WhereClamp(), (_r(2, 5),))),
    ZooCase("reductions", lambda: (Reductions(), (_r(1, 2, 3, 3),))),
    ZooCase("adaptive_avgpool", lambda: (nn.AdaptiveAvgPool2d(1), (_r(1, 2, 4, 4),))),
    ZooCase("causal_mask", lambda: (CausalMask(), (_r(3, 3),))),
    ZooCase("powers", lambda: (Powers(), (_r(2, 4),))),
    ZooCase("same_output_twice", lambda: (SameOutputTwice(), (_r(2, 3),))),
    ZooCase("int32_mlp", lambda: (IntMLP(), (_i(-8, 8, 2, 4, dtype=torch.int32),)), exact=True),
    ZooCase(
        "int8_elementwise",
        lambda: (
            Int8Ops(),
            (_i(-20, 20, 2, 4, dtype=torch.int8), _i(-20, 20, 2, 4, dtype=torch.int8)),
        ),
        exact=True,
    ),
    ZooCase(
        "int8_scalar_ops",
        lambda: (Int8ScalarOps(), (_i(-40, 40, 2, 4, dtype=torch.int8),)),
        exact=True,
    ),
    ZooCase(
        "int8_mlp", lambda: (IntMLP(torch.int8), (_i(-3, 4, 2, 4, dtype=torch.int8),)), exact=True
    ),
]


def zoo_case(name: str) -> ZooCase:
    """The zoo case called ``name`` (KeyError listing the names if there is none)."""
    for case in ZOO:
        if case.name == name:
            return case
    raise KeyError(f"no zoo case {name!r}; cases: {', '.join(c.name for c in ZOO)}")
