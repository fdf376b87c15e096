"""Pipelined loop nests (issue 11): same bits as the sequential hardware, far fewer cycles.

Pipelining keeps the summation order of every reduction (interleaved outputs, not partial
sums), so the pipelined and the sequential design must agree bit for bit, and both match
PyTorch within the float tolerance.
"""

from __future__ import annotations

import re

import pytest
import torch
import torch2calyx
from torch import nn
from torch2calyx.flow_cli import compare_outputs

II_NOTE = re.compile(r"// pipelined loop nest: initiation interval (\d+), (\d+) iterations")


def _models():
    torch.manual_seed(1)
    mlp = nn.Sequential(nn.Linear(12, 10), nn.ReLU(), nn.Linear(10, 4)).eval()
    conv = nn.Sequential(nn.Conv2d(2, 4, 3), nn.ReLU(), nn.MaxPool2d(2)).eval()
    # an odd number of outputs: the reduction is not interleaved (II 2)
    odd = nn.Sequential(nn.Linear(6, 5)).eval()
    # divisions and square roots (LayerNorm, softmax) in pipelined nests
    norm = nn.Sequential(nn.Linear(8, 8), nn.LayerNorm(8), nn.Softmax(-1)).eval()
    return {
        "norm": (norm, (torch.randn(2, 8),)),
        "mlp": (mlp, (torch.randn(1, 12),)),
        "conv": (conv, (torch.randn(1, 2, 8, 8),)),
        "odd": (odd, (torch.randn(1, 6),)),
    }


MODELS = _models()


@pytest.mark.verilator
@pytest.mark.parametrize("name", sorted(MODELS))
def test_pipelined_matches_sequential_bit_for_bit(name, tmp_path):
    model, inputs = MODELS[name]
    piped = torch2calyx.compile(model, inputs, out_dir=tmp_path / "piped")
    seq = torch2calyx.compile(model, inputs, out_dir=tmp_path / "seq", pipeline=False)
    notes = II_NOTE.findall(piped.calyx.read_text())
    assert notes, "no loop nest was pipelined"
    assert not II_NOTE.findall(seq.calyx.read_text())
    a = piped.simulate(*inputs)
    b = seq.simulate(*inputs)
    with torch.no_grad():
        expected = model(*inputs)
    report = compare_outputs((expected,), a.outputs)
    assert report.ok, "\n".join(report.lines)
    for x, y in zip(a.outputs, b.outputs, strict=True):
        assert torch.equal(x.view(torch.int32), y.view(torch.int32))
    assert a.cycles < b.cycles


@pytest.mark.verilator
def test_mlp_reaches_one_mac_per_cycle(tmp_path):
    """Every nest of the MLP is pipelined; the matmuls at II 1."""
    model, inputs = MODELS["mlp"]
    design = torch2calyx.compile(model, inputs, out_dir=tmp_path / "d")
    notes = [(int(ii), int(n)) for ii, n in II_NOTE.findall(design.calyx.read_text())]
    assert (1, 12 * 10) in notes and (1, 10 * 4) in notes
    assert "std_mulFN" not in design.calyx.read_text()  # no sequential unit left
    macs = 12 * 10 + 10 * 4
    cycles = design.simulate(*inputs).cycles
    assert cycles < 2 * macs


@pytest.mark.icarus
@pytest.mark.parametrize("name", ["mlp", "norm"])
def test_pipelined_under_icarus(name, tmp_path):
    """The pipelined MLP, and the pipelined divider (LayerNorm, softmax), under Icarus."""
    model, inputs = MODELS[name]
    design = torch2calyx.compile(model, inputs, out_dir=tmp_path / "d")
    v = design.simulate(*inputs)
    i = design.simulate(*inputs, simulator="icarus")
    assert v.cycles == i.cycles
    for x, y in zip(v.outputs, i.outputs, strict=True):
        assert torch.equal(x, y)


@pytest.mark.verilator
def test_divisions_use_the_pipelined_divider(tmp_path):
    """LayerNorm's and softmax's divisions and square root issue in pipelined nests."""
    model, inputs = MODELS["norm"]
    design = torch2calyx.compile(model, inputs, out_dir=tmp_path / "d")
    text = design.calyx.read_text()
    assert "pipelined_divSqrtF32" in text
    assert "std_divSqrtFN" not in text  # no sequential divider left
    assert re.search(r"\.sqrtOp\s*=\s*1'd1", text)  # LayerNorm's square root
