"""Per-layer profile (issue 16): cycles measured in simulation per PyTorch layer.

The check model is matmul-dominated with known work per layer (three Linear layers of 3,072,
6,144 and 1,536 MACs, a ReLU between): pipelined at one MAC per cycle, each layer's share of
the cycles must follow its share of the MACs within SHARE_TOLERANCE (absolute, as a fraction
of the total: the layers' fill/drain and bias steps cost a few dozen cycles each).
"""

from __future__ import annotations

import re
import subprocess

import pytest
import torch
import torch2calyx
from torch import nn
from torch2calyx.errors import SimulationError
from torch2calyx.sim.testbench import testbench as make_testbench

#: |cycle share - MAC share| allowed per Linear layer
SHARE_TOLERANCE = 0.03


class ThreeLinear(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.fc1 = nn.Linear(64, 48)
        self.act = nn.ReLU()
        self.fc2 = nn.Linear(48, 128)
        self.head = nn.Linear(128, 12)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.fc2(self.act(self.fc1(x))))


def _model():
    torch.manual_seed(7)
    return ThreeLinear().eval(), (torch.randn(1, 64),)


@pytest.fixture(scope="module")
def design(tmp_path_factory):
    model, inputs = _model()
    return torch2calyx.compile(model, inputs, out_dir=tmp_path_factory.mktemp("p") / "d")


def _check_sums(profile):
    assert profile.shared == 0
    assert sum(layer.cycles for layer in profile.layers) + profile.outside == profile.total
    assert sum(layer.alone for layer in profile.layers) == sum(x.cycles for x in profile.layers)


def test_metadata_names_the_layers_and_their_macs(design):
    layers = {r["name"]: r["macs"] for r in design.metadata.layers}
    assert layers == {"fc1": 3072, "act": 0, "fc2": 6144, "head": 1536}
    assert re.search(r"^// layer 1: fc1$", design.calyx.read_text(), re.M)


def test_shares_follow_the_macs_of_a_matmul_dominated_model(design):
    model, inputs = _model()
    result = design.simulate(*inputs, profile=True)
    with torch.no_grad():
        torch.testing.assert_close(result.outputs[0], model(*inputs), rtol=1e-5, atol=1e-6)
    profile = result.profile
    assert profile.total == result.cycles
    _check_sums(profile)
    by_name = {layer.name: layer for layer in profile.layers}
    macs = sum(layer.macs for layer in profile.layers)
    for name in ("fc1", "fc2", "head"):
        layer = by_name[name]
        # one pipelined lane: at most one MAC per cycle
        assert layer.cycles >= layer.macs
        assert abs(layer.cycles / profile.total - layer.macs / macs) <= SHARE_TOLERANCE, name
    assert 0 < by_name["act"].cycles < by_name["head"].cycles
    table = profile.table()
    assert "outside any layer" in table and "fc2" in table


def test_icarus_counts_the_same_cycles(design):
    _, inputs = _model()
    verilator = design.simulate(*inputs, profile=True).profile
    icarus = design.simulate(*inputs, profile=True, simulator="icarus").profile
    assert icarus.total == verilator.total
    assert [x.cycles for x in icarus.layers] == [x.cycles for x in verilator.layers]
    assert icarus.outside == verilator.outside


def test_lanes_in_parallel_count_each_cycle_once(tmp_path):
    """At 4 lanes every layer's lanes run in par: their cycles still add up to the total."""
    model, inputs = _model()
    one = torch2calyx.compile(model, inputs, out_dir=tmp_path / "l1")
    four = torch2calyx.compile(model, inputs, out_dir=tmp_path / "l4", lanes=4)
    p1 = one.simulate(*inputs, profile=True).profile
    p4 = four.simulate(*inputs, profile=True).profile
    _check_sums(p4)
    c1 = {x.name: x.cycles for x in p1.layers}
    c4 = {x.name: x.cycles for x in p4.layers}
    # fc2 (128 outputs) takes 4 lanes: about a quarter of its one-lane cycles
    assert c4["fc2"] < c1["fc2"] / 3
    assert c4["fc2"] >= 6144 / 4


def test_profile_of_an_mlir_design_is_a_clear_error(tmp_path):
    mlir = tmp_path / "k.mlir"
    mlir.write_text(
        "func.func @main(%x: memref<4xi32>, %y: memref<4xi32>) {\n"
        "  affine.for %i = 0 to 4 {\n"
        "    %v = affine.load %x[%i] : memref<4xi32>\n"
        "    affine.store %v, %y[%i] : memref<4xi32>\n"
        "  }\n"
        "  return\n"
        "}\n"
    )
    design = torch2calyx.compile(mlir, out_dir=tmp_path / "k")
    with pytest.raises(SimulationError, match="no layer annotations"):
        design.simulate(torch.arange(4, dtype=torch.int32), profile=True)


def test_testbench_prints_progress_when_asked(design):
    """The testbench's progress messages (the bar's input) under the real simulator."""
    from torch2calyx import sim

    _, inputs = _model()
    data = design.fill_inputs(inputs)
    bench = make_testbench("main", list(data))
    runner = sim.VerilatorSimulator(cache_dir=sim.default_cache_dir())
    model = runner.build(design.verilog.read_text(), bench)
    run_dir = design.out_dir.parent / "run"
    run_dir.mkdir(exist_ok=True)
    for m in sim.parse_data(data):
        (run_dir / f"{m.name}.in.hex").write_text(m.to_hex())
    out = subprocess.run(
        [*runner.run_command(model), f"+t2c_dir={run_dir}", "+t2c_progress=1000"],
        capture_output=True,
        text=True,
        check=True,
        cwd=run_dir,
    ).stdout
    cycles = int(re.search(r"T2C_CYCLES (\d+)", out).group(1))
    progress = [int(n) for n in re.findall(r"^T2C_PROGRESS (\d+)$", out, re.M)]
    assert progress == list(range(1000, cycles, 1000))


def test_progress_bar_run_gives_the_same_result(design, capfd):
    _, inputs = _model()
    quiet = design.simulate(*inputs)
    shown = design.simulate(*inputs, progress=True)
    assert shown.cycles == quiet.cycles
    assert torch.equal(shown.outputs[0], quiet.outputs[0])
    assert "[verilator]" in capfd.readouterr().err


def test_profile_of_the_axi_interface_is_a_clear_error():
    from torch2calyx.profile import activity_nets

    layers = [{"id": 1, "name": "fc1", "macs": 8}]
    assert activity_nets(layers, "memories") == ["core.t2c_layer1_active"]
    with pytest.raises(SimulationError, match="not supported with the axi interface"):
        activity_nets(layers, "axi")
