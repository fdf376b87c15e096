"""Shared components (issue 14): outline-repeated-nests + lower-to-calyx's invoke.

Sharing moves repeated loop nests into one component without changing a single arithmetic
operation or its order, so a design with sharing must give bit-identical outputs to the
one without; both are also compared with PyTorch within float32 tolerances.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import torch
import torch2calyx
from torch import nn
from torch2calyx.flow import pass_pipeline, program_size

TOLERANCE = {"rtol": 1e-4, "atol": 1e-5}


class Heads(nn.Module):
    """Attention written head by head (a list of heads, as many models do): every head is
    the same computation on its own weights."""

    def __init__(self, embed: int = 6, heads: int = 3, head_dim: int = 2) -> None:
        super().__init__()
        self.q = nn.ModuleList(nn.Linear(embed, head_dim) for _ in range(heads))
        self.k = nn.ModuleList(nn.Linear(embed, head_dim) for _ in range(heads))
        self.v = nn.ModuleList(nn.Linear(embed, head_dim) for _ in range(heads))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        outs = []
        for q, k, v in zip(self.q, self.k, self.v, strict=True):
            scores = q(x) @ k(x).transpose(-2, -1)
            outs.append(torch.softmax(scores, dim=-1) @ v(x))
        return torch.cat(outs, dim=-1)


class Lstm(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.lstm = nn.LSTM(2, 3)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.lstm(x)[0]


def _models():
    torch.manual_seed(5)
    return {
        "lstm": (Lstm().eval(), (torch.randn(4, 1, 2),)),
        "heads": (Heads().eval(), (torch.randn(1, 4, 6),)),
        "mlp": (
            nn.Sequential(nn.Linear(8, 6), nn.ReLU(), nn.Linear(6, 3)).eval(),
            (torch.randn(1, 8),),
        ),
    }


MODELS = _models()


def _compile_both(name, tmp_path):
    model, inputs = MODELS[name]
    off = torch2calyx.compile(model, inputs, out_dir=tmp_path / "off", share=False)
    on = torch2calyx.compile(model, inputs, out_dir=tmp_path / "on")
    return model, inputs, off, on


def test_share_is_in_the_pipeline_unless_turned_off():
    assert pass_pipeline()[-3:-1] == ("outline-repeated-nests", "lower-to-calyx")
    assert "outline-repeated-nests" not in pass_pipeline(share=False)
    assert "outline-repeated-nests" in pass_pipeline(pipeline=False)


def test_program_size_counts_components_and_instances():
    futil = (
        "component f(a: 32) -> () {\n  cells {\n  }\n}\n"
        'component main<"toplevel"=1>() -> () {\n  cells {\n'
        "    f_inst = f();\n    @external m = seq_mem_d1(32, 4, 2);\n  }\n}\n"
    )
    assert program_size(futil) == {
        "components": 2,
        "instances": 2,
        "futil_lines": futil.count("\n"),
        "futil_bytes": len(futil),
    }


@pytest.mark.verilator
@pytest.mark.parametrize("name", ["lstm", "heads"])
def test_repeated_layers_share_a_component_and_match_pytorch(name, tmp_path):
    model, inputs, off, on = _compile_both(name, tmp_path)
    size_off, size_on = off.metadata.size, on.metadata.size
    assert size_off["components"] == 1
    assert size_on["components"] >= 2
    assert size_on["futil_lines"] < size_off["futil_lines"]
    assert "invoke " in on.calyx.read_text()
    recorded = json.loads((on.out_dir / "metadata.json").read_text())
    assert recorded["share"] is True and recorded["size"] == size_on
    got_off, got_on = off.simulate(*inputs), on.simulate(*inputs)
    with torch.no_grad():
        expected = model(*inputs)
    torch.testing.assert_close(got_on.outputs[0], expected, **TOLERANCE)
    # same operations in the same order: sharing must not change a bit
    assert torch.equal(got_on.outputs[0], got_off.outputs[0])


@pytest.mark.verilator
def test_lstm_time_steps_share_their_components(tmp_path):
    """Every time step of an LSTM, the first (zero initial state) and the last included,
    lowers to the same nests (frontend/repeated_steps.py), and the four gate activations
    and the cell state's tanh share two components: a few components for the whole
    layer, a program several times smaller than without sharing."""
    model, inputs = MODELS["lstm"]
    off = torch2calyx.compile(model, inputs, out_dir=tmp_path / "off", share=False)
    on = torch2calyx.compile(model, inputs, out_dir=tmp_path / "on")
    size = on.metadata.size
    assert 2 <= size["components"] <= 10
    assert size["instances"] == size["components"]
    # several times smaller (3.8x on 2026-12-06: delay lines and merged cells shrank both)
    assert size["futil_lines"] * 3 < off.metadata.size["futil_lines"]
    # 4 steps of about 9 nests each, all but a few invoked from main
    assert on.calyx.read_text().count("invoke ") >= 30
    got = on.simulate(*inputs)
    with torch.no_grad():
        expected = model(*inputs)
    torch.testing.assert_close(got.outputs[0], expected, **TOLERANCE)


@pytest.mark.verilator
def test_sharing_with_lanes(tmp_path):
    """Sharing runs after unroll-lanes and bank-memories: a lane-split nest is shared with
    its banks as ref memories."""
    model, inputs = MODELS["lstm"]
    off = torch2calyx.compile(model, inputs, out_dir=tmp_path / "off", lanes=2, share=False)
    on = torch2calyx.compile(model, inputs, out_dir=tmp_path / "on", lanes=2)
    assert on.metadata.size["components"] >= 2
    assert any(nest["lanes"] == 2 for nest in on.metadata.nests)
    got_off, got_on = off.simulate(*inputs), on.simulate(*inputs)
    with torch.no_grad():
        expected = model(*inputs)
    torch.testing.assert_close(got_on.outputs[0], expected, **TOLERANCE)
    assert torch.equal(got_on.outputs[0], got_off.outputs[0])


def test_shared_nests_stay_pipelined(tmp_path):
    model, inputs = MODELS["lstm"]
    design = torch2calyx.compile(model, inputs, out_dir=tmp_path / "d")
    futil = design.calyx.read_text()
    # the pipelined nests notes of the callee components (not of main)
    main_at = futil.index("component main")
    assert "// pipelined loop nest" in futil[:main_at]


def test_nothing_to_share_leaves_the_program_unchanged(tmp_path):
    model, inputs, off, on = _compile_both("mlp", tmp_path)
    assert on.metadata.size["components"] == 1
    assert on.calyx.read_text() == off.calyx.read_text()


@pytest.mark.verilator
def test_cli_no_share_and_size_summary(tmp_path):
    model_file = tmp_path / "lstm_model.py"
    model_file.write_text(
        "import torch\nfrom torch import nn\n"
        "class M(nn.Module):\n"
        "    def __init__(self):\n        super().__init__()\n"
        "        self.lstm = nn.LSTM(2, 3)\n"
        "    def forward(self, x):\n        return self.lstm(x)[0]\n"
        "torch.manual_seed(1)\nmodel = M().eval()\nexample_inputs = (torch.randn(3, 1, 2),)\n"
    )
    outputs = {}
    for flag in ("--no-share", None):
        out = tmp_path / ("off" if flag else "on")
        cmd = [sys.executable, "-m", "torch2calyx", "compile", str(model_file), "-o", str(out)]
        done = subprocess.run(cmd + ([flag] if flag else []), capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        outputs[flag] = done.stdout
    assert "sharing off (--no-share)" in outputs["--no-share"]
    assert "1 components, 1 instances" in outputs["--no-share"]
    assert "sharing on" in outputs[None]
    assert "1 components" not in outputs[None]
