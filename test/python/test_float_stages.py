"""compile(float_stages=N): deeper float adders and multipliers (a higher clock), the same bits.

The depth changes only when results come out, never what they are, so a design at depth 4 or
7 must agree bit for bit with the depth-2 design and match PyTorch; the pipelined nests keep
their initiation interval (the reductions get as many partial sums as the adder has stages).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import torch
import torch2calyx
from torch import nn
from torch2calyx.errors import Torch2CalyxError
from torch2calyx.flow import pass_pipeline
from torch2calyx.flow_cli import compare_outputs

ROOT = Path(__file__).resolve().parents[2]
II_NOTE = re.compile(r"// pipelined loop nest: initiation interval (\d+), (\d+) iterations")


def _mlp():
    torch.manual_seed(3)
    model = nn.Sequential(nn.Linear(12, 14), nn.ReLU(), nn.Linear(14, 4)).eval()
    return model, (torch.randn(1, 12),)


def _bits(outputs):
    return [o.contiguous().view(torch.int32) for o in outputs]


@pytest.mark.verilator
def test_pipelined_design_at_depth_7_is_bit_identical(tmp_path):
    model, inputs = _mlp()
    base = torch2calyx.compile(model, inputs, out_dir=tmp_path / "s2")
    deep = torch2calyx.compile(model, inputs, out_dir=tmp_path / "s7", float_stages=7)
    futil = deep.calyx.read_text()
    assert "pipelined_mulFN_s7(8, 24, 32)" in futil and "pipelined_addFN_s7(8, 24, 32)" in futil
    assert "pipelined_mulFN(" not in futil and "pipelined_addFN(" not in futil
    assert json.loads((deep.out_dir / "metadata.json").read_text())["float_stages"] == 7
    # the 14-output matmul keeps II 1 (7 partial sums); the 4-output one gets 4 sums, II 2
    notes = {int(n): int(ii) for ii, n in II_NOTE.findall(futil)}
    assert notes[12 * 14] == 1 and notes[14 * 4] == 2
    a, b = base.simulate(*inputs), deep.simulate(*inputs)
    with torch.no_grad():
        expected = model(*inputs)
    report = compare_outputs((expected,), b.outputs)
    assert report.ok, "\n".join(report.lines)
    for x, y in zip(_bits(a.outputs), _bits(b.outputs), strict=True):
        assert torch.equal(x, y)
    # a deeper pipeline costs its fill per nest and the II 2 nest, not cycles per MAC
    assert a.cycles < b.cycles < a.cycles + 14 * 4 + 10 * len(notes)


@pytest.mark.icarus
def test_sequential_design_at_depth_4_is_bit_identical(tmp_path):
    """Without pipelining the go/done units of depth 4 (std_addFN_s4, std_mulFN_s4) run every
    operation; under Icarus."""
    torch.manual_seed(4)
    model = nn.Sequential(nn.Linear(5, 3), nn.Sigmoid()).eval()
    inputs = (torch.randn(2, 5),)
    base = torch2calyx.compile(model, inputs, out_dir=tmp_path / "s2", pipeline=False)
    deep = torch2calyx.compile(
        model, inputs, out_dir=tmp_path / "s4", pipeline=False, float_stages=4
    )
    futil = deep.calyx.read_text()
    assert "std_mulFN_s4(8, 24, 32)" in futil and "std_addFN_s4(8, 24, 32)" in futil
    a = base.simulate(*inputs, simulator="icarus")
    b = deep.simulate(*inputs, simulator="icarus")
    with torch.no_grad():
        expected = model(*inputs)
    report = compare_outputs((expected,), b.outputs)
    assert report.ok, "\n".join(report.lines)
    for x, y in zip(_bits(a.outputs), _bits(b.outputs), strict=True):
        assert torch.equal(x, y)
    assert b.cycles > a.cycles  # every float operation waits for its deeper unit


def test_pass_pipeline_carries_the_depth():
    default = pass_pipeline()
    assert "lower-to-calyx" in default and "pipeline-loops" in default
    deep = pass_pipeline(float_stages=7)
    assert "lower-to-calyx{float-stages=7}" in deep and "pipeline-loops{interleave=7}" in deep
    laned = pass_pipeline(float_stages=4, lanes=4)
    assert "pipeline-loops{lanes=4 interleave=4}" in laned
    assert "lower-to-calyx{float-stages=4}" in pass_pipeline(float_stages=4, pipeline=False)


@pytest.mark.parametrize("bad", [3, 0, 6, "7", True])
def test_unknown_depth_is_a_clear_error(bad):
    model, inputs = _mlp()
    with pytest.raises(Torch2CalyxError, match=r"float_stages=.*choose one of 2, 4, 7"):
        torch2calyx.compile(model, inputs, float_stages=bad)


def test_cli_rejects_unknown_depth(tmp_path):
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "torch2calyx",
            "compile",
            str(ROOT / "examples" / "mlp.py"),
            "-o",
            str(tmp_path / "d"),
            "--float-stages",
            "6",
        ],
        capture_output=True,
        text=True,
    )
    assert proc.returncode != 0
    assert "--float-stages" in proc.stderr and "invalid choice" in proc.stderr
    assert "Traceback" not in proc.stderr
