"""End to end: every example compiled, simulated and compared with PyTorch.

Floats within rtol 1e-3 / atol 1e-4, integers exactly. Verilator is the default simulator; one
example also runs under Icarus, and one with the real Calyx compiler when it is on PATH.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import torch
import torch2calyx
from torch2calyx.design import Design
from torch2calyx.flow_cli import compare_outputs
from torch2calyx.frontend.zoo import ZOO
from torch2calyx.modelfile import load_model_file

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted(p.stem for p in (ROOT / "examples").glob("*.py"))


def _reference(model, inputs):
    with torch.no_grad():
        out = model(*inputs)
    return out if isinstance(out, tuple | list) else (out,)


def _check(design, model, inputs, **sim_kwargs):
    result = design.simulate(*inputs, **sim_kwargs)
    report = compare_outputs(_reference(model, inputs), result.outputs)
    assert report.ok, "\n".join(report.lines)
    assert result.cycles > 0
    return result


@pytest.mark.verilator
@pytest.mark.parametrize("name", EXAMPLES)
def test_example_verilator(name, tmp_path):
    model, inputs = load_model_file(ROOT / "examples" / f"{name}.py")
    design = torch2calyx.compile(model, inputs, out_dir=tmp_path / name)
    for path in (design.calyx, design.verilog, design.data):
        assert path.is_file() and path.stat().st_size > 0
    first = _check(design, model, inputs)
    # a second run reuses the compiled simulator and gives the same cycle count
    second = design.simulate(*inputs)
    assert second.cycles == first.cycles
    # a reopened design directory simulates the same way
    again = Design.load(design.out_dir).simulate(*inputs)
    assert [torch.equal(a, b) for a, b in zip(again.outputs, first.outputs, strict=True)]


@pytest.mark.verilator
@pytest.mark.parametrize("case", ZOO, ids=[c.name for c in ZOO])
def test_layer_zoo_verilator(case, tmp_path):
    """Every layer the front end supports, in hardware, against PyTorch."""
    model, inputs = case.build()
    design = torch2calyx.compile(model, inputs, out_dir=tmp_path / case.name)
    _check(design, model, inputs)


@pytest.mark.icarus
def test_mlp_icarus(tmp_path):
    model, inputs = load_model_file(ROOT / "examples" / "mlp.py")
    design = torch2calyx.compile(model, inputs, out_dir=tmp_path / "mlp", simulator="icarus")
    _check(design, model, inputs)


@pytest.mark.calyx_binary
@pytest.mark.skipif(
    shutil.which("calyx") is None,
    reason="the real calyx compiler is not on "
    "PATH (not installable from this project's registries)",
)
def test_mlp_real_calyx_backend(tmp_path):
    model, inputs = load_model_file(ROOT / "examples" / "mlp.py")
    design = torch2calyx.compile(model, inputs, out_dir=tmp_path / "mlp", backend="calyx")
    _check(design, model, inputs)


def test_out_dir_none_is_kept_alive_by_the_design():
    model, inputs = load_model_file(ROOT / "examples" / "mlp.py")
    design = torch2calyx.compile(model, inputs)
    assert design.verilog.is_file()
    out = design.out_dir
    del design
    assert not out.exists()


@pytest.mark.verilator
def test_cli_verify_mlp(tmp_path):
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "torch2calyx.cli",
            "verify",
            str(ROOT / "examples" / "mlp.py"),
            "-o",
            str(tmp_path / "mlp"),
        ],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "verification PASSED" in proc.stdout
    assert "cycles:" in proc.stdout
    sim = subprocess.run(
        [sys.executable, "-m", "torch2calyx.cli", "simulate", str(tmp_path / "mlp")],
        capture_output=True,
        text=True,
    )
    assert sim.returncode == 0, sim.stdout + sim.stderr
    assert "cycles:" in sim.stdout
