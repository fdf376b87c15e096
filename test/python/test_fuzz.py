"""Hardened inputs (issue 19): a bounded fuzz run and one regression test per crash class.

The fuzz run mutates .mlir, .futil (+ data JSON) and model files with a fixed seed and runs
each case in a child process with a timeout (``test/fuzz/harness.py``); any crash, hang,
internal error, traceback on the terminal or half-written output fails the test. The long
run is ``bench/fuzz.py --n 5000``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "test" / "fuzz"))

from harness import FAILURES, Fuzzer  # noqa: E402
from mutators import RESOURCE_SEED, CaseFactory  # noqa: E402

CLI = [sys.executable, "-c", "import sys; from torch2calyx.cli import main; sys.exit(main())"]
CI_CASES = {"mlir": 120, "futil": 120, "model": 60}
CI_SEED = 19


def run_cli(*args: str, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    environ = dict(os.environ, **(env or {}))
    environ.pop("T2C_DEBUG", None)
    return subprocess.run(
        [*CLI, *args], cwd=cwd, capture_output=True, text=True, env=environ, timeout=300
    )


def assert_clear_failure(proc: subprocess.CompletedProcess, stage: str, *patterns: str) -> None:
    assert proc.returncode == 1, (proc.returncode, proc.stderr)
    assert "Traceback" not in proc.stderr and "internal error" not in proc.stderr, proc.stderr
    assert proc.stderr.startswith(f"torch2calyx: error: [{stage}] "), proc.stderr
    for pattern in patterns:
        assert pattern in proc.stderr, proc.stderr


# --- the bounded fuzz run ---------------------------------------------------------------------


def test_fuzz_bounded_run():
    factory = CaseFactory(CI_SEED)
    cases = [factory.make(kind, i) for kind, n in CI_CASES.items() for i in range(n)]
    cases.sort(key=lambda c: (c["index"] / CI_CASES[c["kind"]], c["kind"]))
    fuzzer = Fuzzer(jobs=2)
    fuzzer.run(cases)
    print(fuzzer.table())
    failures = [
        f"{f['outcome']}: {f['kind']}#{f['index']} {f['op']} ({f['seed']} {f['mutations']}) "
        f"{f['detail']}"
        for f in fuzzer.failures
    ]
    assert not failures, "\n".join(failures)
    for kind, n in CI_CASES.items():
        counts = fuzzer.tally[kind]
        assert sum(counts.values()) == n
        assert not any(counts[o] for o in FAILURES)
        assert counts["ok"] > 0 and counts["clear"] > 0  # the mutations reach both ends


# --- crash class 1: dense_resource blob cut off (torch-mlir's parser segfaulted) -------------


@pytest.mark.parametrize("cut", [0, 1, 6, 20])
def test_truncated_resource_blob_is_an_error(tmp_path, cut):
    start = RESOURCE_SEED.index('blob: "') + len('blob: "')
    (tmp_path / "k.mlir").write_text(RESOURCE_SEED[: start + cut])
    proc = run_cli("compile", "k.mlir", "-o", "out", cwd=tmp_path)
    assert_clear_failure(proc, "frontend", "k.mlir is not valid MLIR", "k.mlir:12:")
    assert not (tmp_path / "out").exists()
    assert not list(tmp_path.glob("out.partial-*"))
    assert (tmp_path / "out.error.txt").is_file()


def test_truncated_resource_blob_in_linalg_is_an_error(tmp_path):
    """linalg input: the project's parser does not know linalg, torch-mlir parses it in a child
    process first."""
    text = (
        "module {\n  func.func @f(%a: tensor<2xf32>) -> tensor<2xf32> {\n"
        "    %w = arith.constant dense_resource<blob> : tensor<2xf32>\n"
        "    %e = tensor.empty() : tensor<2xf32>\n"
        "    %r = linalg.add ins(%a, %w : tensor<2xf32>, tensor<2xf32>) outs(%e : tensor<2xf32>)"
        " -> tensor<2xf32>\n    return %r : tensor<2xf32>\n  }\n}\n"
        '{-#\n  dialect_resources: { builtin: { blob: "0x0400000000'
    )
    (tmp_path / "k.mlir").write_text(text)
    proc = run_cli("lower", "k.mlir", "-o", "out.mlir", cwd=tmp_path)
    assert_clear_failure(proc, "frontend", "k.mlir is not valid MLIR")
    assert not (tmp_path / "out.mlir").exists()


def test_truncated_resource_blob_api():
    from torch2calyx.errors import FrontendError
    from torch2calyx.frontend import lower_mlir_text

    with pytest.raises(FrontendError, match=r"<t> is not valid MLIR: <t>:12:\d+"):
        lower_mlir_text(RESOURCE_SEED[: RESOURCE_SEED.index("0x0400") + 3], source="<t>")
    # the whole file parses: what it gets is the front end's usual verdict on resource blobs
    with pytest.raises(FrontendError, match="holds a dense_resource blob"):
        lower_mlir_text(RESOURCE_SEED, source="<t>")


# --- crash class 2: ref cells passed on through a component (KeyError: 'func') ----------------

REF_CHAIN = """import "primitives/core.futil";
import "primitives/memories/comb.futil";
component leaf() -> () {
  cells { ref m = comb_mem_d1(32, 1, 1); }
  wires {
    group w { m.addr0 = 1'd0; m.write_data = 32'd7; m.write_en = 1'd1; w[done] = m.done; }
  }
  control { w; }
}
component func() -> () {
  cells { ref mm = comb_mem_d1(32, 1, 1); l = leaf(); }
  wires {}
  control { invoke l[m = mm]()(); }
}
component main(@go go: 1, @clk clk: 1, @reset reset: 1) -> (@done done: 1) {
  cells { @external(1) mem = comb_mem_d1(32, 1, 1); f = func(); }
  wires {}
  control { invoke f[mm = mem]()(); }
}
"""


@pytest.mark.icarus
def test_ref_cells_passed_on_through_a_component(tmp_path):
    (tmp_path / "p.futil").write_text(REF_CHAIN)
    data = {"mem": {"data": [0], "format": {"numeric_type": "bitnum", "width": 32}}}
    (tmp_path / "p.data").write_text(json.dumps(data))
    proc = run_cli("run-calyx", "p.futil", "--data", "p.data", "--sim", "icarus", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["mem"] == [7]


# --- crash class 3: torch's logger printed a traceback when torch.export failed -------------


def test_shape_mismatch_prints_no_torch_traceback(tmp_path):
    model = tmp_path / "m.py"
    model.write_text(
        "import torch\nfrom torch import nn\n"
        "model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(9, 3)).eval()\n"
        "example_inputs = (torch.randn(1, 4),)\n"
    )
    proc = run_cli("compile", "m.py", "-o", "out", cwd=tmp_path)
    assert_clear_failure(proc, "frontend", "mat1 and mat2 shapes cannot be multiplied")
    assert proc.stderr.count("\n") <= 3, proc.stderr
    assert "fake_tensor" not in proc.stderr and "raise error_type" not in proc.stderr


def test_export_failure_keeps_torch_logging_intact(caplog):
    """The loggers torch's export failure is silenced on are restored afterwards."""
    import logging

    import torch
    from torch2calyx.errors import FrontendError
    from torch2calyx.frontend import lower

    torch_log = logging.getLogger("torch")
    before = (list(torch_log.handlers), torch_log.propagate)

    class Bad(torch.nn.Module):
        def forward(self, x):
            return torch.mm(x, torch.ones(5, 2))  # (1, 4) @ (5, 2)

    with pytest.raises(FrontendError, match="the model fails in PyTorch"):
        lower(Bad().eval(), (torch.randn(1, 4),))
    assert (list(torch_log.handlers), torch_log.propagate) == before


def test_out_of_range_dim_fails_in_pytorch_not_in_torch_mlir():
    """softmax over dim=-100 used to hang inside torch-mlir's passes (fuzz case)."""
    import torch
    from torch2calyx.errors import FrontendError
    from torch2calyx.frontend import lower

    class Soft(torch.nn.Module):
        def forward(self, x):
            return torch.softmax(x, dim=-100)

    with pytest.raises(FrontendError, match=r"fails in PyTorch.*IndexError.*test_fuzz\.py"):
        lower(Soft().eval(), (torch.randn(1, 3, 4),))


# --- resource guards --------------------------------------------------------------------------


def test_weights_over_the_memory_limit_name_the_layer(tmp_path):
    (tmp_path / "big.py").write_text(
        "import torch\nfrom torch import nn\n"
        "model = nn.Sequential(nn.Linear(1100, 1000)).eval()\n"
        "example_inputs = (torch.randn(1, 1100),)\n"
    )
    proc = run_cli("compile", "big.py", "-o", "out", cwd=tmp_path)
    assert_clear_failure(
        proc, "frontend", "layer 0 (Linear): 0.weight [1000, 1100]", "1,100,000", "1,048,576"
    )
    assert not (tmp_path / "out").exists()


def test_memory_limit_is_configurable():
    import torch
    from torch2calyx.errors import FrontendError
    from torch2calyx.frontend import lower

    model = torch.nn.Sequential(torch.nn.ReLU()).eval()
    os.environ["T2C_MAX_MEMORY_WORDS"] = "10"
    try:
        with pytest.raises(FrontendError, match=r"example input 0 \[2, 8\] has 16 elements"):
            lower(model, (torch.randn(2, 8),))
    finally:
        del os.environ["T2C_MAX_MEMORY_WORDS"]
    assert lower(model, (torch.randn(2, 8),)).args[0].shape == (2, 8)


def test_loop_nest_over_the_cycle_limit_names_the_layer(tmp_path):
    (tmp_path / "conv.py").write_text(
        "import torch\nfrom torch import nn\n"
        "model = nn.Sequential(nn.Conv2d(8, 8, 3, padding=1)).eval()\n"
        "example_inputs = (torch.randn(1, 8, 16, 16),)\n"
    )
    # 8*8*9*16*16 = 147,456 multiply-accumulates, one cycle each at best
    proc = run_cli("compile", "conv.py", "-o", "out", cwd=tmp_path, env={"T2C_CYCLE_LIMIT": "1e5"})
    assert_clear_failure(proc, "frontend", "T2C_CYCLE_LIMIT")
    proc = run_cli(
        "compile", "conv.py", "-o", "out", cwd=tmp_path, env={"T2C_CYCLE_LIMIT": "100000"}
    )
    assert_clear_failure(
        proc, "frontend", "module 0 (Conv2d)", "147,456 iterations", "cycle limit of 100,000"
    )
    # verify checks against its own --cycle-limit
    proc = run_cli("verify", "conv.py", "--cycle-limit", "1000", cwd=tmp_path)
    assert_clear_failure(proc, "frontend", "cycle limit of 1,000")


def test_cycle_guard_on_mlir_input_names_the_line(tmp_path):
    (tmp_path / "k.mlir").write_text(
        "func.func @k(%a: memref<4xf32>, %b: memref<4xf32>) {\n"
        "  affine.for %i = 0 to 300000 {\n    affine.for %j = 0 to 1000 {\n"
        "      %v = affine.load %a[0] : memref<4xf32>\n"
        "      affine.store %v, %b[0] : memref<4xf32>\n    }\n  }\n  return\n}\n"
    )
    proc = run_cli("compile", "k.mlir", "-o", "out", cwd=tmp_path)
    assert_clear_failure(proc, "frontend", "k.mlir:3:", "300,000,000 iterations", "200,000,000")


# --- data JSON values the simulator's encoder did not check -------------------------------------


@pytest.mark.parametrize(
    "value", [True, "abc", None, {"a": 1}], ids=["bool", "string", "null", "object"]
)
def test_bad_float_data_value_is_a_clear_error(tmp_path, value):
    corpus = ROOT / "test" / "calyx" / "corpus"
    data = json.loads((corpus / "float_dropin_add.futil.data").read_text())
    name = next(n for n, e in data.items() if e["format"]["numeric_type"] == "ieee754_float")
    data[name]["data"][0] = value
    (tmp_path / "d.json").write_text(json.dumps(data))
    proc = run_cli(
        "run-calyx", str(corpus / "float_dropin_add.futil"), "--data", "d.json",
        "--sim", "icarus", cwd=tmp_path,
    )  # fmt: skip
    assert_clear_failure(proc, "simulation", f"memory '{name}'")


def test_huge_data_width_is_a_clear_error(tmp_path):
    """ "width": 2**40 made the encoder build 2**40-bit bounds (MemoryError, fuzz case)."""
    corpus = ROOT / "test" / "calyx" / "corpus"
    data = json.loads((corpus / "sum_while.futil.data").read_text())
    name = sorted(data)[0]
    data[name]["format"]["width"] = 2**40
    (tmp_path / "d.json").write_text(json.dumps(data))
    proc = run_cli("run-calyx", str(corpus / "sum_while.futil"), "--data", "d.json", cwd=tmp_path)
    assert_clear_failure(proc, "simulation", f"memory '{name}': width 1099511627776 is too large")
