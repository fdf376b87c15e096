"""Parallel lanes on trip counts the lane count does not divide (issue 12, the remainder).

A convolution with 3 output channels has no loop a power of 2 divides that gives every lane
its own bank: unroll-lanes pads the channel loop to 4 and disables the 4th lane (its stores
guarded). Each design is simulated (Verilator) and compared with PyTorch, in fewer cycles than
one lane (rtol 1e-5 / atol 1e-6, the helper of test_lanes.py), and metadata.json records
the padding.
"""

from __future__ import annotations

import json

import pytest
import torch
import torch2calyx
from test_lanes import _check
from torch import nn


def _models():
    torch.manual_seed(5)
    return {
        "conv_relu_7x7": (
            nn.Sequential(nn.Conv2d(1, 3, 3), nn.ReLU()).eval(),
            (torch.randn(1, 1, 7, 7),),
        ),
        "conv_relu_pool_8x8": (
            nn.Sequential(nn.Conv2d(2, 3, 3), nn.ReLU(), nn.MaxPool2d(2)).eval(),
            (torch.randn(1, 2, 8, 8),),
        ),
    }


MODELS = _models()


def _padded(design) -> list[dict]:
    metadata = json.loads((design.out_dir / "metadata.json").read_text())
    return [n for n in metadata["nests"] if "padded" in n]


@pytest.mark.verilator
@pytest.mark.parametrize("lanes", [2, 4])
@pytest.mark.parametrize("name", sorted(MODELS))
def test_padded_lanes_match_pytorch_in_fewer_cycles(name, lanes, tmp_path):
    model, inputs = MODELS[name]
    one = torch2calyx.compile(model, inputs, out_dir=tmp_path / "one")
    many = torch2calyx.compile(model, inputs, out_dir=tmp_path / "many", lanes=lanes)
    assert not _padded(one)
    padded = _padded(many)
    # the convolution (and the nests after it) run the 3 channels on `lanes` lanes
    assert padded, json.loads((tmp_path / "many" / "metadata.json").read_text())["nests"]
    assert all(n["lanes"] == lanes and n["padded"] == {"trips": 3, "to": 4} for n in padded)
    assert "trip count 3 padded to 4" in (tmp_path / "many" / "program.futil").read_text()
    cycles_one = _check(one, model, inputs)
    cycles_many = _check(many, model, inputs)
    assert cycles_many < cycles_one, (cycles_one, cycles_many)
