"""Verilator and Icarus agree on the same design, cycle by cycle.

A synchronous design without races has one behaviour: both simulators must report the same
cycle count and final memories, and every net of the top module must carry the same value in
every cycle (``simulate(trace=...)``). A race (a blocking assignment in a clocked block, a
testbench that samples a signal in the step it changes) or a value that only one simulator
defines (an undriven net: 0 under Verilator's ``--x-initial 0``, X under Icarus) shows up
here as the first cycle and net where the two differ, long before it changes a cycle count.

Programs: test/float/fp_ops.futil (every float unit, loop, par) and a few corpus programs
that cover seq/par/if/while, static control, invoke and CIRCT's shapes.
"""

from __future__ import annotations

import numpy as np
import pytest
from calyx_corpus import CORPUS, ROOT, load_json
from torch2calyx.calyx import compile_file
from torch2calyx.errors import SimulationError
from torch2calyx.sim import design_nets, simulate

pytestmark = [pytest.mark.verilator, pytest.mark.icarus]

EQUIVALENCE_CORPUS = ["circt_call", "float_ops", "par_divide", "static_control", "sum_while"]


@pytest.fixture(scope="module")
def sim_cache(tmp_path_factory):
    return tmp_path_factory.mktemp("equivalence-cache")


def _fp_ops_data() -> dict:
    f32 = {"numeric_type": "ieee754_float", "is_signed": True, "width": 32}
    i32 = {"numeric_type": "bitnum", "is_signed": True, "width": 32}
    a = np.array([1.5, -2.25, 1e-40, 3.0e38], dtype=np.float32)
    b = np.array([0.1, -0.0, 3.0, 10.0], dtype=np.float32)
    data = {
        "a": {"data": a.tolist(), "format": f32},
        "b": {"data": b.tolist(), "format": f32},
        "n": {"data": [16777217, -7, 0, 2147483647], "format": i32},
        "out_lt": {"data": [0] * 4, "format": {**i32, "is_signed": False, "width": 1}},
        "out_toint": {"data": [0] * 4, "format": i32},
    }
    for op in ("add", "sub", "mul", "div", "sqrt", "tofp"):
        data[f"out_{op}"] = {"data": [0.0] * 4, "format": f32}
    return data


def _program(name: str):
    if name == "fp_ops":
        return ROOT / "test" / "float" / "fp_ops.futil", _fp_ops_data()
    futil = next(p for p in CORPUS if p.stem == name)
    return futil, load_json(futil.with_name(futil.name + ".data"))


def _bits(values):
    """Memories compared bit for bit (floats by their binary32 pattern, so NaN == NaN)."""
    if isinstance(values, dict):
        return {k: _bits(v) for k, v in values.items()}
    if isinstance(values, list):
        return [_bits(v) for v in values]
    if isinstance(values, float | np.floating):
        return int(np.array(values, dtype=np.float32).view(np.uint32))
    return values


@pytest.mark.parametrize("name", ["fp_ops", *EQUIVALENCE_CORPUS])
def test_verilator_and_icarus_agree_every_cycle(name, tmp_path, sim_cache):
    futil, data = _program(name)
    sv = tmp_path / "design.sv"
    compile_file(futil, sv, manifest=False)
    nets = design_nets(sv.read_text(), "main")
    assert "done_reg" in nets
    runs = {
        sim: simulate(sv, data=data, simulator=sim, build_dir=sim_cache, trace=nets, progress=False)
        for sim in ("verilator", "icarus")
    }
    ver, ica = runs["verilator"], runs["icarus"]
    assert ver.cycles == ica.cycles, f"{name}: {ver.cycles} cycles (Verilator) != {ica.cycles}"
    assert _bits(ver.memories) == _bits(ica.memories)
    assert len(ver.trace) == ver.cycles
    assert len(ica.trace) == ica.cycles
    for cycle, (v_row, i_row) in enumerate(zip(ver.trace, ica.trace, strict=True)):
        undefined = [n for n, x in zip(nets, i_row, strict=True) if set(x) & set("xXzZ")]
        assert not undefined, f"{name} cycle {cycle}: X/Z under Icarus on {undefined}"
        diff = [(n, v, i) for n, v, i in zip(nets, v_row, i_row, strict=True) if v != i]
        assert not diff, f"{name} cycle {cycle}: (net, Verilator, Icarus) {diff[:8]}"


def test_fp_ops_cycle_count_is_the_schedule(tmp_path, sim_cache):
    """428 cycles, derived from the schedule rather than measured: init 2; per iteration
    loads 3, add/sub/mul 4 each (latency 2 + register), div/sqrt 32 each (latency 30),
    lt/toint/tofp 3 each (latency 1), eight stores 2 each, step 2 = 106; four iterations;
    the last condition check and the done cycle 2."""
    futil, data = _program("fp_ops")
    sv = tmp_path / "design.sv"
    compile_file(futil, sv, manifest=False)
    per_iteration = 3 + 3 * 4 + 2 * 32 + 3 * 3 + 8 * 2 + 2
    expected = 2 + 4 * per_iteration + 2
    for sim in ("verilator", "icarus"):
        result = simulate(sv, data=data, simulator=sim, build_dir=sim_cache, progress=False)
        assert result.cycles == expected, sim


def test_trace_of_an_unknown_net_is_an_error(tmp_path, sim_cache):
    futil, data = _program("sum_while")
    sv = tmp_path / "design.sv"
    compile_file(futil, sv, manifest=False)
    with pytest.raises(SimulationError, match="cannot trace no_such_net: not a net of 'main'"):
        simulate(sv, data=data, simulator="icarus", build_dir=sim_cache, trace=["no_such_net"])
