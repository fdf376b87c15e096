"""The `memories` interface (torch2calyx.interfaces): the top's input and output memories are
ports, the weights on-chip memories loaded from .hex files; the testbench drives only the
top's ports and the results match PyTorch. And the open ECP5 flow (yosys synth_ecp5 +
nextpnr-ecp5) on a tiny design.

Floats within rtol 1e-3 / atol 1e-4 (the tolerances of test_e2e), integers exactly.
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
from torch2calyx.design import Design
from torch2calyx.errors import Torch2CalyxError
from torch2calyx.flow_cli import compare_outputs
from torch2calyx.interfaces import read_interface
from torch2calyx.modelfile import load_model_file
from torch2calyx.sim.testbench import port_testbench

ROOT = Path(__file__).resolve().parents[2]
RTOL, ATOL = 1e-3, 1e-4


class TwoInputs(nn.Module):
    """Two inputs, two weight tensors and a bias: y = relu(fc(x)) * s."""

    def __init__(self) -> None:
        super().__init__()
        torch.manual_seed(3)
        self.fc = nn.Linear(6, 5)

    def forward(self, x: torch.Tensor, s: torch.Tensor) -> torch.Tensor:
        return torch.relu(self.fc(x)) * s


def _two_inputs():
    torch.manual_seed(4)
    return TwoInputs().eval(), (torch.randn(2, 6), torch.randn(2, 5))


def _reference(model, inputs):
    with torch.no_grad():
        out = model(*inputs)
    return out if isinstance(out, tuple | list) else (out,)


def _top_ports(verilog: str, top: str = "main") -> dict[str, tuple[str, int]]:
    m = re.search(rf"^module {top} \((.*?)\);", verilog, re.M | re.S)
    assert m, f"no module {top}"
    ports = {}
    for p in re.finditer(
        r"(input|output)\s+(?:wire\s+)?logic(?:\s*\[(\d+):0\])?\s+(\w+)", m.group(1)
    ):
        ports[p.group(3)] = (p.group(1), int(p.group(2)) + 1 if p.group(2) else 1)
    return ports


@pytest.fixture(scope="module")
def two_inputs_design(tmp_path_factory):
    model, inputs = _two_inputs()
    out = tmp_path_factory.mktemp("iface") / "two_inputs"
    return torch2calyx.compile(model, inputs, out_dir=out, interface="memories"), model, inputs


def test_memories_top_has_the_memory_ports(two_inputs_design):
    design, _, _ = two_inputs_design
    assert design.metadata.interface == "memories"
    text = design.verilog.read_text()
    ports = _top_ports(text)
    for name in ("go", "clk", "reset"):
        assert ports[name][0] == "input"
    assert ports["done"][0] == "output"
    # every model input and output memory: Calyx's external-memory ports (seq_mem_d1 here)
    for mem in design.metadata.inputs + design.metadata.outputs:
        words = mem.size
        assert ports[f"{mem.name}_addr0"] == ("output", max(1, (words - 1).bit_length()))
        for port, direction, width in (
            ("content_en", "output", 1),
            ("write_en", "output", 1),
            ("write_data", "output", 32),
            ("read_data", "input", 32),
            ("done", "input", 1),
        ):
            assert ports[f"{mem.name}_{port}"] == (direction, width), (mem.name, port)
    # weights are not ports: they are on-chip memories initialized from .hex files
    weights = [m for m in design.metadata.memories if m.role == "weight"]
    assert weights
    data = json.loads(design.data.read_text())
    top = re.search(r"^module main \(.*?^endmodule", text, re.M | re.S).group(0)
    assert "// @external" not in top
    for mem in weights:
        assert not any(p.startswith(mem.name + "_") for p in ports), mem.name
        hex_file = design.out_dir / f"{mem.name}.hex"
        assert len(hex_file.read_text().split()) == len(data[mem.name]["data"])
        assert f'.INIT_FILE("{mem.name}.hex")' in top
    assert "$readmemh(INIT_FILE, mem)" in text
    # interface.json describes the same ports
    described = {p.name for m in read_interface(design.out_dir) for p in m.ports}
    assert {p for p in ports if p not in ("go", "clk", "reset", "done")} <= described


@pytest.mark.verilator
def test_memories_simulate_verilator_matches_pytorch(two_inputs_design, tmp_path):
    design, model, inputs = two_inputs_design
    result = design.simulate(*inputs)
    report = compare_outputs(_reference(model, inputs), result.outputs, rtol=RTOL, atol=ATOL)
    assert report.ok, "\n".join(report.lines)
    # the same hardware behind another interface takes the same cycles
    plain = torch2calyx.compile(model, inputs, out_dir=tmp_path / "tb", interface="testbench")
    assert plain.simulate(*inputs).cycles == result.cycles
    # other inputs through the same (cached) model, and a reloaded design directory
    other = (torch.randn(2, 6), torch.randn(2, 5))
    again = Design.load(design.out_dir).simulate(*other)
    report = compare_outputs(_reference(model, other), again.outputs, rtol=RTOL, atol=ATOL)
    assert report.ok, "\n".join(report.lines)


@pytest.mark.icarus
def test_memories_simulate_icarus_int_mlp(tmp_path):
    model, inputs = load_model_file(ROOT / "examples" / "int_mlp.py")
    design = torch2calyx.compile(
        model, inputs, out_dir=tmp_path / "int_mlp", interface="memories", simulator="icarus"
    )
    result = design.simulate(*inputs)
    report = compare_outputs(_reference(model, inputs), result.outputs)
    assert report.ok, "\n".join(report.lines)


def test_port_testbench_has_no_hierarchical_reference(two_inputs_design):
    design, _, _ = two_inputs_design
    ports = read_interface(design.out_dir)
    io = [m.name for m in ports if m.init_file is None]
    bench = port_testbench("main", ports, io)
    assert "dut." not in bench
    for name in io:
        assert f"{name}_mem" in bench


def test_unknown_interface_is_rejected():
    model, inputs = _two_inputs()
    with pytest.raises(Torch2CalyxError, match="interface='axi4'"):
        torch2calyx.compile(model, inputs, interface="axi4")


@pytest.mark.verilator
def test_cli_compile_interface_memories(tmp_path):
    out = tmp_path / "mlp"
    cmd = [sys.executable, "-m", "torch2calyx.cli", "verify", str(ROOT / "examples" / "mlp.py")]
    proc = subprocess.run(
        [*cmd, "-o", str(out), "--interface", "memories"], capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "verification PASSED" in proc.stdout
    assert json.loads((out / "metadata.json").read_text())["interface"] == "memories"
    assert (out / "interface.json").is_file()


@pytest.mark.yosys
def test_ecp5_place_and_route_int_mlp(tmp_path):
    from torch2calyx.synth import place_and_route

    model, inputs = load_model_file(ROOT / "examples" / "int_mlp.py")
    design = torch2calyx.compile(model, inputs, out_dir=tmp_path / "d", interface="memories")
    stages = []
    result = place_and_route(
        design.verilog, target="ecp5-85k", work_dir=tmp_path / "pnr", progress=stages.append
    )
    assert result.fmax_mhz is not None and result.fmax_mhz > 10, result
    assert result.lut4 > 0 and result.ff > 0 and result.io > 0
    assert result.part == "LFE5U-85F" and result.speed == 8
    assert any("routing" in s for s in stages), stages
    assert any(line.startswith("Fmax: ") for line in result.lines())
    assert (tmp_path / "pnr" / "main.config").is_file()


def test_ecp5_refuses_the_testbench_interface(tmp_path):
    model, inputs = _two_inputs()
    design = torch2calyx.compile(model, inputs, out_dir=tmp_path / "tb")
    from torch2calyx.cli import main

    assert main(["synth", str(design.out_dir), "--fpga", "ecp5-85k"]) == 1


@pytest.mark.icarus
def test_axi_two_inputs_float_matches_pytorch(tmp_path):
    """cocotb + cocotbext-axi: both inputs over AXI4-Stream, start and interrupt over
    AXI4-Lite, the output words back over AXI4-Stream; the same cycles as the testbench."""
    model, inputs = _two_inputs()
    design = torch2calyx.compile(model, inputs, out_dir=tmp_path / "axi", interface="axi")
    text = design.verilog.read_text()
    ports = _top_ports(text)
    for name in ("ap_clk", "ap_rst_n", "s_axi_control_awaddr", "s_axis_tdata", "m_axis_tlast"):
        assert name in ports, name
    assert ports["interrupt"] == ("output", 1)
    assert not any(p.startswith("in0_") for p in ports), "memories must not be top ports"
    spec = json.loads((design.out_dir / "interface.json").read_text())["axi"]
    assert [s["memory"] for s in spec["s_axis"]] == [m.name for m in design.metadata.inputs]
    result = design.simulate(*inputs)
    report = compare_outputs(_reference(model, inputs), result.outputs, rtol=RTOL, atol=ATOL)
    assert report.ok, "\n".join(report.lines)
    plain = torch2calyx.compile(model, inputs, out_dir=tmp_path / "tb")
    assert plain.simulate(*inputs).cycles == result.cycles


@pytest.mark.icarus
def test_axi_int_mlp_exact(tmp_path):
    model, inputs = load_model_file(ROOT / "examples" / "int_mlp.py")
    design = torch2calyx.compile(model, inputs, out_dir=tmp_path / "axi", interface="axi")
    result = design.simulate(*inputs)
    assert torch.equal(result.outputs[0], _reference(model, inputs)[0])
