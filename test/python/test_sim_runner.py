"""simulate(): data encoding, model cache, cycle limit and input validation."""

from __future__ import annotations

import json
import math
import re

import pytest
from calyx_corpus import CORPUS, load_json
from torch2calyx.calyx import compile_file
from torch2calyx.cli import main
from torch2calyx.errors import SimulationError
from torch2calyx.sim import simulate
from torch2calyx.sim.data import MemoryFormat, parse_data

SUM = next(p for p in CORPUS if p.stem == "sum_while")
U32 = {"numeric_type": "bitnum", "is_signed": False, "width": 32}


def test_formats_round_trip():
    f32 = MemoryFormat.from_json(
        "m", {"numeric_type": "ieee754_float", "is_signed": True, "width": 32}
    )
    assert f32.encode("m", 1.5) == 0x3FC00000 and f32.decode(0x3FC00000) == 1.5
    assert math.isnan(f32.decode(0x7FC00000))
    s8 = MemoryFormat.from_json("m", {"numeric_type": "bitnum", "is_signed": True, "width": 8})
    assert s8.encode("m", -1) == 0xFF and s8.decode(0x80) == -128
    fx = MemoryFormat.from_json(
        "m", {"numeric_type": "fixed_point", "is_signed": True, "width": 16, "frac_width": 8}
    )
    assert fx.encode("m", -1.5) == 0xFE80 and fx.decode(0xFE80) == -1.5
    mems = parse_data({"m": {"data": [[1, 2, 3], [4, 5, 6]], "format": U32}})
    assert mems[0].shape == [2, 3] and mems[0].decode_hex(mems[0].to_hex()) == [
        [1, 2, 3],
        [4, 5, 6],
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"m": {"data": [256], "format": {**U32, "width": 8}}}, "does not fit a unsigned 8-bit"),
        ({"m": {"data": [1.5], "format": U32}}, "is not an integer but the format is bitnum"),
        ({"m": {"data": [1], "format": {**U32, "numeric_type": "posit"}}}, "numeric_type must"),
        ({"m": {"data": [[1], [2, 3]], "format": U32}}, "ragged"),
        ({"m": [1, 2]}, 'expected {"data"'),
        (
            {
                "m": {
                    "data": [0.1],
                    "format": {**U32, "numeric_type": "fixed_point", "frac_width": 4},
                }
            },
            "0.1 is not representable with frac_width 4 (nearest: 0.125)",
        ),
        (
            {
                "m": {
                    "data": [-1.5],
                    "format": {**U32, "numeric_type": "fixed_point", "frac_width": 4},
                }
            },
            "does not fit a unsigned 32-bit",
        ),
    ],
)
def test_bad_data_is_reported(data, message):
    with pytest.raises(SimulationError, match=re.escape(message)):
        parse_data(data)


@pytest.mark.icarus
def test_design_and_data_must_agree(tmp_path):
    sv = tmp_path / "sum.sv"
    compile_file(SUM, sv, manifest=False)
    data = load_json(SUM.with_name(SUM.name + ".data"))
    missing = {"mem": data["mem"]}
    with pytest.raises(SimulationError, match="@external memory 'out' of 'main' is missing"):
        simulate(sv, data=missing, simulator="icarus", build_dir=tmp_path)
    short = {**data, "mem": {**data["mem"], "data": [1, 2]}}
    with pytest.raises(SimulationError, match="holds 4 words in the design but the data JSON"):
        simulate(sv, data=short, simulator="icarus", build_dir=tmp_path)
    extra = {**data, "nope": data["out"]}
    with pytest.raises(SimulationError, match="names memory 'nope', which is not a memory"):
        simulate(sv, data=extra, simulator="icarus", build_dir=tmp_path)
    with pytest.raises(SimulationError, match="unknown simulator 'modelsim'"):
        simulate(sv, data=data, simulator="modelsim", build_dir=tmp_path)


@pytest.mark.icarus
def test_cycle_limit_is_a_clear_error(tmp_path):
    sv = tmp_path / "sum.sv"
    compile_file(SUM, sv, manifest=False)
    data = load_json(SUM.with_name(SUM.name + ".data"))
    result = simulate(sv, data=data, simulator="icarus", build_dir=tmp_path)
    with pytest.raises(SimulationError, match=f"did not raise done within {result.cycles - 1}"):
        simulate(
            sv, data=data, simulator="icarus", build_dir=tmp_path, cycle_limit=result.cycles - 1
        )


@pytest.mark.icarus
def test_run_calyx_cli_prints_expect_shaped_json(tmp_path, capsys):
    code = main(
        [
            "run-calyx",
            str(SUM),
            "--data",
            str(SUM.with_name(SUM.name + ".data")),
            "--sim",
            "icarus",
            "--build-dir",
            str(tmp_path),
        ]
    )
    out, err = capsys.readouterr()
    assert code == 0
    assert json.loads(out) == load_json(SUM.with_name(SUM.name + ".expect"))
    assert "cycles: " in err


def test_calyx2sv_cli_reports_errors_without_traceback(tmp_path, capsys):
    bad = tmp_path / "bad.futil"
    bad.write_text("component main() -> () { cells { r = std_reg(8) } wires {} }\n")
    code = main(["calyx2sv", str(bad), "-o", str(tmp_path / "o.sv")])
    _, err = capsys.readouterr()
    assert code == 1
    assert f"{bad}:1:49: error: expected ';' after the cell definition" in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    "simulator",
    [
        pytest.param("icarus", marks=pytest.mark.icarus),
        pytest.param("verilator", marks=pytest.mark.verilator),
    ],
)
def test_failing_assertion_stops_the_run(tmp_path, simulator):
    """std_assert (primitives/assert.futil) whose input is 0 while enabled makes the run fail
    with the assertion's message; a design without @external memories runs on empty data."""
    futil = tmp_path / "fails.futil"
    futil.write_text(
        'import "primitives/core.futil";\nimport "primitives/assert.futil";\n'
        "component main() -> () {\n  cells { r = std_reg(8); @protected a = std_assert(); }\n"
        "  wires {\n    a.in = r.out == 8'd3 ? 1'd1;\n"
        "    group w { r.in = 8'd2; r.write_en = 1'd1; w[done] = r.done; }\n"
        "    group check { a.en = 1'd1; r.in = 8'd2; r.write_en = 1'd1; check[done] = r.done; }\n"
        "  }\n  control { seq { w; check; } }\n}\n"
    )
    sv = tmp_path / "fails.sv"
    compile_file(futil, sv, manifest=False)
    with pytest.raises(SimulationError, match="std_assert .*the asserted condition is 0"):
        simulate(sv, data={}, simulator=simulator, build_dir=tmp_path, progress=False)
    # the same check on a register holding 3 passes
    ok = tmp_path / "holds.futil"
    ok.write_text(futil.read_text().replace("8'd2", "8'd3"))
    compile_file(ok, tmp_path / "holds.sv", manifest=False)
    result = simulate(
        tmp_path / "holds.sv", data={}, simulator=simulator, build_dir=tmp_path, progress=False
    )
    assert result.memories == {} and result.cycles > 0
