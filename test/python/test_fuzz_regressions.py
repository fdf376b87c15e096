"""Regression tests of what the long fuzz runs found (issue 19), after ``test_fuzz.py``'s.

- ``.mlir``: a constant index outside a constant global (``affine.load %w[-2147483648, 1]``)
  segfaulted torch-mlir's canonicalizer (``%w[5, 1]`` folded to a garbage constant); other
  statically invalid accesses and loops went through silently.
- ``.futil``: a 2147483647-bit ``@clk`` port kept Icarus elaborating forever; combinational
  cycles never settle in a simulator; a simulator that does not finish is now stopped.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1].parent
CORPUS = ROOT / "test" / "calyx" / "corpus"
CLI = [sys.executable, "-m", "torch2calyx"]


def run_cli(*args: str, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    environ = dict(os.environ, **(env or {}))
    environ.pop("T2C_DEBUG", None)
    return subprocess.run(
        [*CLI, *args], cwd=cwd, capture_output=True, text=True, env=environ, timeout=300
    )


def assert_clear(proc: subprocess.CompletedProcess, stage: str, *patterns: str) -> None:
    assert proc.returncode == 1, (proc.returncode, proc.stderr)
    assert "Traceback" not in proc.stderr and "internal error" not in proc.stderr, proc.stderr
    assert proc.stderr.startswith(f"torch2calyx: error: [{stage}] "), proc.stderr
    for pattern in patterns:
        assert pattern in proc.stderr, proc.stderr


# --- .mlir: statically invalid accesses, checked before torch-mlir's passes ------------------

# the fuzz case (externalize-globals#0 with one number mutated), line 9 holds the load
CRASH_MLIR = """// fuzz case mlir#1543 of seed 11
memref.global "private" constant @w : memref<2x2xf32> = dense<[[0.1, -0.0], [1.0, 2.0]]>
memref.global "private" constant @b : memref<2xf32> = dense<[-1.5, 0x7F800000]>
func.func @forward(%x: memref<2xf32> {t2c.name = "x"}, %y: memref<2xf32>) {
  %b = memref.get_global @b : memref<2xf32>
  %w = memref.get_global @w : memref<2x2xf32>
  %u = affine.load %b[1] : memref<2xf32>
  %w2 = memref.get_global @w : memref<2x2xf32>
  %v = affine.load %w[-2147483648, 1] : memref<2x2xf32>
  affine.store %v, %y[0] : memref<2xf32>
  return
}
"""


def test_constant_index_outside_a_constant_global_is_an_error(tmp_path):
    (tmp_path / "k.mlir").write_text(CRASH_MLIR)
    proc = run_cli("compile", "k.mlir", "-o", "out", cwd=tmp_path)
    assert_clear(proc, "frontend", "k.mlir:9:8: 'affine.load' reads memref<2x2xf32>", "-2147483648")
    assert proc.returncode == 1 and not (tmp_path / "out").exists()


def _loop_level(body: str, args: str = "%a: memref<4xf32>, %o: memref<4xf32>") -> str:
    return (
        'memref.global "private" constant @w : memref<2x3xf32> = '
        "dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]>\n"
        f"func.func @f({args}) {{\n"
        "  %w = memref.get_global @w : memref<2x3xf32>\n"
        "  %c0 = arith.constant 0 : index\n"
        "  %c1 = arith.constant 1 : index\n"
        "  %c7 = arith.constant 7 : index\n"
        f"{body}"
        "  return\n}\n"
    )


_STORE = "  affine.store %v, %o[0] : memref<4xf32>\n"
BAD_MLIR = {
    # folded to a garbage constant by torch-mlir before the check
    "affine-constant": (
        "  %v = affine.load %w[1, 3] : memref<2x3xf32>\n" + _STORE,
        "<t>:7:8: 'affine.load' reads memref<2x3xf32> at index 3 in dimension 1, outside 0..2",
    ),
    "affine-operand": (
        "  %v = affine.load %w[%c7 - 6, symbol(%c7) floordiv 2] : memref<2x3xf32>\n" + _STORE,
        "at index 3 in dimension 1",
    ),
    "memref-load": (
        "  %i = affine.apply affine_map<(d0) -> (d0 * 2)>(%c1)\n"
        "  %v = memref.load %w[%i, %c0] : memref<2x3xf32>\n" + _STORE,
        "<t>:8:8: 'memref.load' reads memref<2x3xf32> at index 2 in dimension 0",
    ),
    "store": (
        "  %v = affine.load %a[0] : memref<4xf32>\n  memref.store %v, %o[%c7] : memref<4xf32>\n",
        "'memref.store' writes memref<4xf32> at index 7",
    ),
    "off-by-one-loop": (
        "  affine.for %i = 0 to 5 {\n    %v = affine.load %a[%i] : memref<4xf32>\n"
        "    affine.store %v, %o[%i] : memref<4xf32>\n  }\n",
        "<t>:8:10: 'affine.load' reads memref<4xf32> at indices 0..4 in dimension 0 over the "
        "iterations of the enclosing loops, outside 0..3",
    ),
    "nested-loops": (
        "  affine.for %i = 0 to 2 {\n    affine.for %j = 0 to 2 {\n"
        "      %v = affine.load %a[%i * 2 + %j + 1] : memref<4xf32>\n"
        "      affine.store %v, %o[0] : memref<4xf32>\n    }\n  }\n",
        "at indices 1..4 in dimension 0",
    ),
    "single-iteration-loop": (
        "  affine.for %i = 2 to 3 {\n    %v = affine.load %w[%i, 0] : memref<2x3xf32>\n"
        "    affine.store %v, %o[0] : memref<4xf32>\n  }\n",
        "at index 2 in dimension 0",
    ),
    "mod-zero": (
        "  %v = affine.load %a[%c1 mod 0] : memref<4xf32>\n" + _STORE,
        "divides by 0 in the affine expression d0 mod 0",
    ),
    "scf-step-zero": (
        "  scf.for %i = %c0 to %c7 step %c0 {\n    %v = memref.load %a[%c0] : memref<4xf32>\n"
        "    memref.store %v, %o[%c0] : memref<4xf32>\n  }\n",
        "<t>:7:3: 'scf.for' has step 0",
    ),
    "zero-sized": (
        "  %z = memref.alloc() : memref<0xf32>\n  %v = affine.load %z[0] : memref<0xf32>\n"
        + _STORE,
        "whose dimension 0 has size 0",
    ),
}


@pytest.mark.parametrize("case", BAD_MLIR, ids=list(BAD_MLIR))
def test_invalid_loop_level_access_is_an_error(case):
    from torch2calyx.errors import FrontendError
    from torch2calyx.frontend import lower_mlir_text

    body, message = BAD_MLIR[case]
    with pytest.raises(FrontendError) as info:
        lower_mlir_text(_loop_level(body), source="<t>")
    assert message in str(info.value)


def test_constant_index_in_linalg_input_is_an_error():
    """tensor.extract of a constant tensor: the linalg path checks before bufferizing."""
    from torch2calyx.errors import FrontendError
    from torch2calyx.frontend import lower_mlir_text

    text = (
        "func.func @f(%a: tensor<2xf32>) -> tensor<2xf32> {\n"
        "  %w = arith.constant dense<[1.0, 2.0]> : tensor<2xf32>\n"
        "  %c5 = arith.constant 5 : index\n"
        "  %c0 = arith.constant 0 : index\n"
        "  %e = tensor.extract %w[%c5] : tensor<2xf32>\n"
        "  %r = tensor.insert %e into %a[%c0] : tensor<2xf32>\n"
        "  return %r : tensor<2xf32>\n}\n"
    )
    with pytest.raises(FrontendError, match=r"<t>:5:8: 'tensor.extract' reads tensor<2xf32> at"):
        lower_mlir_text(text, source="<t>")


GOOD_MLIR = {
    # an access whose out-of-range iterations a condition excludes (padding)
    "guarded": (
        "  affine.for %i = 0 to 4 {\n"
        "    affine.if affine_set<(d0) : (d0 - 1 >= 0)>(%i) {\n"
        "      %v = affine.load %a[%i - 1] : memref<4xf32>\n"
        "      affine.store %v, %o[%i] : memref<4xf32>\n    }\n  }\n"
    ),
    # the interval of i - i + 3 is -0..6 when the counter's two uses are taken apart; the
    # index is always 3: not exact, so not reported
    "same-counter-twice": (
        "  affine.for %i = 0 to 4 {\n"
        "    %v = affine.load %a[%i - %i + 3] : memref<4xf32>\n"
        "    affine.store %v, %o[%i] : memref<4xf32>\n  }\n"
    ),
    "in-bounds": (
        "  affine.for %i = 0 to 2 {\n    affine.for %j = 0 to 3 {\n"
        "      %v = affine.load %w[%i, %j] : memref<2x3xf32>\n"
        "      affine.store %v, %o[(%i * 3 + %j) mod 4] : memref<4xf32>\n    }\n  }\n"
    ),
    # a loop that never runs: its body's ranges are not checked
    "empty-loop": (
        "  affine.for %i = 4 to 4 {\n    %v = affine.load %a[%i] : memref<4xf32>\n"
        "    affine.store %v, %o[0] : memref<4xf32>\n  }\n" + "  %v = affine.load %a[3] : "
        "memref<4xf32>\n" + _STORE
    ),
}


@pytest.mark.parametrize("case", GOOD_MLIR, ids=list(GOOD_MLIR))
def test_valid_loop_level_access_is_accepted(case):
    from torch2calyx.frontend import lower_mlir_text

    lowered = lower_mlir_text(_loop_level(GOOD_MLIR[case]), source="<t>")
    assert [a.role for a in lowered.args] == ["input", "output"]


# --- .futil: interface port widths, sizes, combinational cycles ------------------------------


def _program(cells: str, wires: str, control: str = "seq { A; }") -> str:
    return (
        'import "primitives/core.futil";\nimport "primitives/memories/comb.futil";\n'
        "component main(@go go: 1, @clk clk: 1, @reset reset: 1) -> (@done done: 1) {\n"
        f"  cells {{\n    @external(1) mem = comb_mem_d1(32, 1, 1);\n{cells}  }}\n"
        f"  wires {{\n{wires}"
        "    group W { mem.addr0 = 1'd0; mem.write_data = 32'd7; mem.write_en = 1'd1;"
        " W[done] = mem.done; }\n  }\n"
        f"  control {{ seq {{ {control} W; }} }}\n}}\n"
    )


def _check(text: str):
    from torch2calyx.calyx.checks import check_program
    from torch2calyx.calyx.library import load_program

    return check_program(load_program(text=text))


_REG_GROUP = "    group A {{ {body} r.write_en = 1'd1; A[done] = r.done; }}\n"
BAD_FUTIL = {
    # a std_not fed by itself through a wire: oscillates
    "continuous": (
        "    n = std_not(1);\n    w = std_wire(1);\n    r = std_reg(1);\n",
        "    w.in = n.out;\n    n.in = w.out;\n" + _REG_GROUP.format(body="r.in = n.out;"),
        "<string>:11:5: error: combinational cycle in the continuous assignments of 'main': "
        "n.in -> n.out (inside 'n') -> w.in (line 11) -> w.out (inside 'w') -> n.in (line 12)",
    ),
    "group": (
        "    a = std_add(8);\n    b = std_add(8);\n    r = std_reg(8);\n",
        _REG_GROUP.format(
            body="a.left = b.out; a.right = 8'd1; b.left = a.out; b.right = 8'd1; r.in = a.out;"
        ),
        "combinational cycle in group 'A' of 'main': a.left -> a.out (inside 'a') -> b.left",
    ),
    # a guard reads a port that the guarded assignment drives through a comparator
    "guard": (
        "    lt = std_lt(8);\n    x = std_wire(8);\n    r = std_reg(8);\n",
        _REG_GROUP.format(
            body="lt.left = x.out; lt.right = 8'd3; x.in = lt.out ? 8'd1; r.in = x.out;"
        ),
        "lt.left -> lt.out (inside 'lt') -> x.in (line 11) -> x.out (inside 'x') -> lt.left",
    ),
    # comb_mem_d1 reads combinationally: the address from its own read_data
    "comb-mem-read": (
        "    m = comb_mem_d1(1, 2, 1);\n    r = std_reg(1);\n",
        _REG_GROUP.format(body="m.addr0 = m.read_data; r.in = m.read_data;"),
        "<string>:10:15: error: combinational cycle in group 'A' of 'main': m.addr0 -> "
        "m.read_data (inside 'm') -> m.addr0 (line 10)",
    ),
    "sub-component": None,  # built below: a component whose output follows its input
    "clk-width": (
        "",
        "",
        "port 'clk' of 'sub' is the @clk port and must be 1 bit wide, not 2147483647",
    ),
    "wide-register": (
        "    r = std_reg(2147483647);\n",
        _REG_GROUP.format(body=""),
        "port 'in' of cell 'r' is 2,147,483,647 bits wide, more than the 65,536 bits",
    ),
    "huge-memory": (
        "    m = comb_mem_d1(32, 2147483647, 31);\n    r = std_reg(1);\n",
        _REG_GROUP.format(body="r.in = 1'd1; m.addr0 = 31'd0;"),
        "holds 2,147,483,647 words, more than the limit of 1,048,576 words",
    ),
}
_SUB = (
    "component sub(@go go: 1, @clk clk: {clk}, @reset reset: 1, in0: 8) -> (out0: 8, "
    "@done done: 1) {{\n  cells {{ a = std_add(8); }}\n"
    "  wires {{ a.left = in0; a.right = 8'd1; out0 = a.out; done = go; }}\n  control {{}}\n}}\n"
)


def _bad_futil(case: str) -> str:
    if case == "sub-component":
        cells = "    s = sub();\n    r = std_reg(8);\n"
        body = "s.in0 = s.out0; s.go = 1'd1; r.in = s.out0;"
        return _SUB.format(clk=1) + _program(cells, _REG_GROUP.format(body=body))
    cells, wires, _ = BAD_FUTIL[case]
    text = _program(cells, wires, "seq { A; }" if wires else "")
    if case == "clk-width":
        return _SUB.format(clk=2147483647) + text
    return text


@pytest.mark.parametrize("case", BAD_FUTIL, ids=list(BAD_FUTIL))
def test_invalid_calyx_program_is_an_error(case):
    from torch2calyx.calyx.diagnostics import CalyxCheckError

    expected = BAD_FUTIL[case][2] if BAD_FUTIL[case] else "s.in0 -> s.out0 (inside 's') -> s.in0"
    with pytest.raises(CalyxCheckError) as info:
        _check(_bad_futil(case))
    assert expected in str(info.value), str(info.value)


GOOD_FUTIL = {
    # the usual counter: the value comes back through a register
    "register-feedback": (
        "    a = std_add(8);\n    r = std_reg(8);\n",
        _REG_GROUP.format(body="a.left = r.out; a.right = 8'd1; r.in = a.out;"),
    ),
    # a memory's write data computed from its own read data: the write lands a cycle later
    "memory-read-modify-write": (
        "    m = comb_mem_d1(1, 2, 1);\n    a = std_add(1);\n    r = std_reg(1);\n",
        _REG_GROUP.format(
            body="m.addr0 = 1'd0; a.left = m.read_data; a.right = 1'd1; m.write_data = a.out; "
            "m.write_en = 1'd1; r.in = a.out;"
        ),
    ),
    # each half of the loop is in a different group; groups run one after the other
    "across-sequential-groups": (
        "    a = std_add(8);\n    b = std_add(8);\n    r = std_reg(8);\n    q = std_reg(8);\n",
        _REG_GROUP.format(body="a.left = b.out; a.right = 8'd1; r.in = a.out;")
        + "    group B { b.left = a.out; b.right = 8'd1; q.in = b.out; q.write_en = 1'd1; "
        "B[done] = q.done; }\n",
    ),
}


@pytest.mark.parametrize("case", GOOD_FUTIL, ids=list(GOOD_FUTIL))
def test_valid_feedback_is_accepted(case):
    cells, wires = GOOD_FUTIL[case]
    _check(_program(cells, wires, "seq { A; B; }" if "group B" in wires else "seq { A; }"))


def test_every_corpus_and_golden_program_passes_the_checks():
    files = sorted(CORPUS.glob("*.futil")) + sorted((ROOT / "test/calyx/golden").glob("*.futil"))
    assert len(files) > 20
    from torch2calyx.calyx.checks import check_program
    from torch2calyx.calyx.library import load_program

    for f in files:
        check_program(load_program(f))


def test_fuzz_case_with_a_wide_clock_port_fails_before_simulating(tmp_path):
    """futil#485 of seed 11: '@clk clk: 2147483647' in a sub-component kept iverilog busy
    until the fuzzer's 60 s timeout; now the checks reject it before any simulator runs."""
    text = (CORPUS / "circt_style.futil").read_text()
    text = text.replace("@clk clk: 1, @reset reset: 1) -> (out0", "@clk clk: 2147483647, "
                        "@reset reset: 1) -> (out0", 1)  # fmt: skip
    assert "2147483647" in text
    (tmp_path / "p.futil").write_text(text)
    data = str(CORPUS / "circt_style.futil.data")
    proc = run_cli("run-calyx", "p.futil", "--data", data, "--sim", "icarus", cwd=tmp_path)
    assert_clear(proc, "calyx", "@clk port and must be 1 bit wide", "p.futil:")


# --- the simulators' wall-clock timeout -------------------------------------------------------


@pytest.mark.icarus
def test_simulation_that_never_settles_is_stopped(tmp_path):
    """Two groups under par close a loop through a std_not (no single group holds it, so the
    checks accept the program): Icarus spins at one time step; T2C_SIM_TIMEOUT stops it."""
    cells = "    n = std_not(1);\n    w = std_wire(1);\n    r = std_reg(1);\n    q = std_reg(1);\n"
    wires = _REG_GROUP.format(body="n.in = w.out; r.in = n.out;") + (
        "    group B { w.in = n.out; q.in = w.out; q.write_en = 1'd1; B[done] = q.done; }\n"
    )
    (tmp_path / "p.futil").write_text(_program(cells, wires, "par { A; B; }"))
    data = {"mem": {"data": [0], "format": {"numeric_type": "bitnum", "width": 32}}}
    (tmp_path / "d.json").write_text(json.dumps(data))
    proc = run_cli(
        "run-calyx", "p.futil", "--data", "d.json", "--sim", "icarus", "--build-dir", "b",
        cwd=tmp_path, env={"T2C_SIM_TIMEOUT": "5"},
    )  # fmt: skip
    assert_clear(proc, "simulation", "icarus simulation did not finish within 5 s", "vvp")
    assert [p.name for p in (tmp_path / "b").iterdir() if p.name.startswith("run-")] == []


def test_timeout_stops_the_whole_process_group(tmp_path):
    """A build step that starts children (make, cc) is stopped with them."""
    from torch2calyx.errors import SimulationError
    from torch2calyx.sim.runners import IcarusSimulator

    pidfile = tmp_path / "child.pid"
    script = f"sleep 300 & echo $! > {pidfile}; wait"
    sim = IcarusSimulator(cache_dir=tmp_path)
    with pytest.raises(SimulationError, match=r"iverilog compile did not finish within 1 s"):
        sim.execute(["sh", "-c", script], what="iverilog compile", timeout=1)
    child = Path(f"/proc/{int(pidfile.read_text())}/stat")
    for _ in range(50):  # killed at once; it may take a moment to be reaped
        if not child.exists() or child.read_text().split(") ")[-1].startswith("Z"):
            break
        time.sleep(0.1)
    assert not child.exists() or child.read_text().split(") ")[-1].startswith("Z")


@pytest.mark.parametrize("value", ["abc", "-3", "nan", "0"])
def test_bad_sim_timeout_is_a_clear_error(tmp_path, value):
    data = str(CORPUS / "sum_while.futil.data")
    proc = run_cli(
        "run-calyx", str(CORPUS / "sum_while.futil"), "--data", data, "--sim", "icarus",
        cwd=tmp_path, env={"T2C_SIM_TIMEOUT": value},
    )  # fmt: skip
    assert_clear(proc, "simulation", f"T2C_SIM_TIMEOUT={value!r} must be a positive number")


def test_python_dash_m_runs_the_cli(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "torch2calyx", "--help"], capture_output=True, text=True
    )
    assert proc.returncode == 0 and proc.stdout.startswith("usage: torch2calyx"), proc.stderr


# --- second long run (seed 11 after the fixes above) ------------------------------------------

BAD_ARRAY = """func.func @output(%y: memref<4xf32> {t2c.banks = array<index: 2, 1>}) {
  return
}
"""


@pytest.mark.parametrize("command", ["lower", "passes"])
def test_dense_array_of_index_is_an_error(tmp_path, command):
    """array<index: 2, 1> (a mutated array<i64: 2, 1>) segfaulted MLIR's parser, both the
    project's MLIR 22 and torch-mlir's."""
    (tmp_path / "k.mlir").write_text(BAD_ARRAY)
    extra = ["-p", "flatten-memrefs"] if command == "passes" else []
    proc = run_cli(command, "k.mlir", *extra, "-o", "out.mlir", cwd=tmp_path)
    stage = "frontend" if command == "lower" else "passes"
    assert_clear(proc, stage, "k.mlir is not valid MLIR", "k.mlir:1:", "element type 'index'")
    assert not (tmp_path / "out.mlir").exists()


def test_parser_crash_in_the_child_process_is_reported(monkeypatch):
    """Without the pattern check, the crash happens in the child process and is reported."""
    from torch2calyx import passes

    monkeypatch.setattr(passes, "_DENSE_ARRAY", __import__("re").compile("(?!)"))
    checked = passes.check_parses(BAD_ARRAY, source_name="k.mlir")
    assert (checked.ok, checked.crashed) == (False, True)
    assert "MLIR's parser crashed on it (SIGSEGV)" in checked.diagnostics
    assert passes.check_parses("module {}\n").ok


def test_in_place_op_on_an_expanded_input():
    """x.add_(1) on an expanded input: counting the layers' MACs ran the graph on the
    caller's tensor (RuntimeError: more than one element ... refers to a single memory
    location, out of the API); it now runs on copies, as the eager check does."""
    import torch
    from torch2calyx.frontend import lower

    class M(torch.nn.Module):
        def forward(self, x):
            x = x.add_(1)
            return x * 2

    x = torch.randn(1, 4).expand(2, 4)
    before = x.clone()
    lowered = lower(M().eval(), (x,))
    assert lowered.args[0].role == "input" and lowered.args[0].shape == (2, 4)
    assert torch.equal(x, before)
