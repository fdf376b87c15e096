"""Parallel lanes (issue 12): unroll-lanes + bank-memories, simulated against PyTorch.

Lanes change the summation order only where a reduction is split into partial sums (joined
by an adder tree), so results are compared with PyTorch within float32 tolerances; every
design must also take fewer cycles than the one-lane design.
"""

from __future__ import annotations

import json
import re

import pytest
import torch
import torch2calyx
from torch import nn
from torch2calyx.errors import Torch2CalyxError
from torch2calyx.flow_cli import compare_outputs

LANES_NOTE = re.compile(r"t2c\.lanes = (\d+)")


class TinyAttention(nn.Module):
    """Single-head attention over 4 tokens of width 8 (a matmul, softmax, matmul)."""

    def __init__(self) -> None:
        super().__init__()
        self.qkv = nn.Linear(8, 24)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        q, k, v = self.qkv(x).split(8, dim=-1)
        return torch.softmax(q @ k.transpose(-2, -1), dim=-1) @ v


def _models():
    torch.manual_seed(3)
    return {
        # 3 outputs: no lane split divides the last layer's outputs
        "mlp": (
            nn.Sequential(nn.Linear(16, 8), nn.ReLU(), nn.Linear(8, 3)).eval(),
            (torch.randn(1, 16),),
        ),
        "conv": (
            nn.Sequential(nn.Conv2d(2, 4, 3), nn.ReLU(), nn.MaxPool2d(2)).eval(),
            (torch.randn(1, 2, 8, 8),),
        ),
        "attention": (TinyAttention().eval(), (torch.randn(1, 4, 8),)),
    }


MODELS = _models()
TOLERANCE = {"rtol": 1e-5, "atol": 1e-6}


def _check(design, model, inputs):
    result = design.simulate(*inputs)
    with torch.no_grad():
        expected = model(*inputs)
    for got, want in zip(result.outputs, (expected,), strict=True):
        torch.testing.assert_close(got, want, **TOLERANCE)
    report = compare_outputs((expected,), result.outputs)
    assert report.ok, "\n".join(report.lines)
    return result.cycles


@pytest.mark.verilator
@pytest.mark.parametrize("lanes", [2, 4])
@pytest.mark.parametrize("name", sorted(MODELS))
def test_lanes_match_pytorch_in_fewer_cycles(name, lanes, tmp_path):
    model, inputs = MODELS[name]
    one = torch2calyx.compile(model, inputs, out_dir=tmp_path / "one")
    many = torch2calyx.compile(model, inputs, out_dir=tmp_path / "many", lanes=lanes)
    cycles_one = _check(one, model, inputs)
    cycles_many = _check(many, model, inputs)
    assert cycles_many < cycles_one, (cycles_one, cycles_many)
    metadata = json.loads((tmp_path / "many" / "metadata.json").read_text())
    assert metadata["lanes"] == lanes


@pytest.mark.verilator
def test_four_lanes_on_a_matvec_quarter_the_cycles(tmp_path):
    """64 -> 32 features: 2048 MACs, about 2048 cycles on one lane, about 512 on four."""
    torch.manual_seed(0)
    model = nn.Linear(64, 32, bias=False).eval()
    inputs = (torch.randn(1, 64),)
    design = torch2calyx.compile(model, inputs, out_dir=tmp_path / "d", lanes=4)
    cycles = _check(design, model, inputs)
    assert cycles < 2048 / 4 * 1.2, cycles


@pytest.mark.verilator
def test_split_reduction_joins_on_the_lane_adders(tmp_path):
    """4 outputs of a 48-long dot product at 16 lanes: the reduction is split into 16 partial
    sums, which a nest after the stream adds up on the lanes' own adders (no adder tree of
    its own: 16 float adders for 16 lanes), matching PyTorch in fewer cycles than one lane."""
    torch.manual_seed(1)
    model = nn.Linear(48, 4).eval()
    inputs = (torch.randn(1, 48),)
    one = torch2calyx.compile(model, inputs, out_dir=tmp_path / "one")
    many = torch2calyx.compile(model, inputs, out_dir=tmp_path / "many", lanes=16)
    futil = (tmp_path / "many" / "program.futil").read_text()
    adders = len(re.findall(r"= pipelined_addFN\(", futil))
    multipliers = len(re.findall(r"= pipelined_mulFN\(", futil))
    assert multipliers == 16 and adders == 16, (multipliers, adders)
    assert max(lanes for _, lanes in _nest_lanes(many)) == 16
    assert _check(many, model, inputs) < _check(one, model, inputs)


@pytest.mark.parametrize("bad", [0, 3, -2, 2.0, "4", True])
def test_lanes_must_be_a_power_of_two(bad, tmp_path):
    model, inputs = MODELS["mlp"]
    with pytest.raises(Torch2CalyxError, match="power of 2"):
        torch2calyx.compile(model, inputs, out_dir=tmp_path / "d", lanes=bad)
    assert not (tmp_path / "d").exists()


class TwoLayers(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.fc1 = nn.Linear(16, 32)
        self.fc2 = nn.Linear(32, 8)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc2(torch.relu(self.fc1(x)))


def _nest_lanes(design) -> list[tuple[int, int]]:
    metadata = json.loads((design.out_dir / "metadata.json").read_text())
    return [(n["iterations"], n["lanes"]) for n in metadata["nests"]]


@pytest.mark.verilator
def test_lanes_per_layer(tmp_path):
    """{"fc1": 4}: fc1's matmul (16 x 32 = 512 MACs) runs on 4 lanes, 128 iterations each;
    fc2 (32 x 8) and the ReLU stay on one lane. '*' sets the others' count."""
    torch.manual_seed(0)
    model, inputs = TwoLayers().eval(), (torch.randn(1, 16),)
    one = torch2calyx.compile(model, inputs, out_dir=tmp_path / "one")
    fc1 = torch2calyx.compile(model, inputs, out_dir=tmp_path / "fc1", lanes={"fc1": 4})
    assert (128, 4) in _nest_lanes(fc1)
    nests = json.loads((fc1.out_dir / "metadata.json").read_text())["nests"]
    assert {n["layer"] for n in nests if n["lanes"] == 4} == {"fc1"}
    assert (256, 1) in _nest_lanes(fc1)  # fc2: 32 x 8 MACs on one lane
    assert json.loads((fc1.out_dir / "metadata.json").read_text())["lanes"] == {
        "fc1": 4,
        "*": 1,
    }
    rest = torch2calyx.compile(model, inputs, out_dir=tmp_path / "rest", lanes={"fc2": 4, "*": 2})
    assert (256, 2) in _nest_lanes(rest)  # fc1 on 2 lanes
    assert (64, 4) in _nest_lanes(rest)  # fc2 on 4
    cycles = [_check(d, model, inputs) for d in (one, fc1, rest)]
    assert cycles[1] < cycles[0] and cycles[2] < cycles[1], cycles


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ({"fc3": 2}, "no module named 'fc3'; its modules are: fc1, fc2"),
        ({"fc1": 3}, r"lanes\['fc1'\]=3: the number of parallel lanes must be a power of 2"),
        ({"fc1:x": 2}, "a key must be a module name"),
        ({"*": 0}, "power of 2"),
    ],
)
def test_lanes_per_layer_errors(bad, message, tmp_path):
    model, inputs = TwoLayers().eval(), (torch.randn(1, 16),)
    with pytest.raises(Torch2CalyxError, match=message):
        torch2calyx.compile(model, inputs, out_dir=tmp_path / "d", lanes=bad)
    assert not (tmp_path / "d").exists()


def test_cli_lanes_per_layer(tmp_path):
    from torch2calyx.lanes import parse_cli_lanes

    assert parse_cli_lanes("4") == 4
    assert parse_cli_lanes("fc1=8, *=2") == {"fc1": 8, "*": 2}
    with pytest.raises(Torch2CalyxError, match="counts per layer"):
        parse_cli_lanes("fc1:8")
