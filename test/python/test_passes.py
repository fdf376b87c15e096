"""The native passes through torch2calyx._passes / torch2calyx.passes, and t2c-opt.

Covers: both pipeline spellings, diagnostics (location, message, notes) and repro files on
failure, flatten-memrefs and externalize-globals end to end, bit-exact data JSON, loading
next to torch-mlir in either import order, and the acceptance case (loop-level MLP with 2-D
weights -> 1-D memories + JSON equal to the weights bit for bit, same from t2c-opt and from
run_pipeline after `import torch_mlir`).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
from torch2calyx import passes
from torch2calyx.errors import PassError

REPO = Path(__file__).resolve().parents[2]


def t2c_opt() -> str:
    exe = shutil.which("t2c-opt") or str(Path(sys.executable).with_name("t2c-opt"))
    assert Path(exe).exists(), "t2c-opt is not installed; run ./ci/setup.sh"
    return exe


MATRIX = textwrap.dedent(
    """\
    memref.global constant @w : memref<2x3xf32> = dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]>
    func.func @forward(%out: memref<2x3xf32> {t2c.name = "out"}, %i: index, %j: index) {
      %w = memref.get_global @w : memref<2x3xf32>
      %v = affine.load %w[%i, %j] : memref<2x3xf32>
      memref.store %v, %out[%i, %j] : memref<2x3xf32>
      return
    }
    """
)


ADD_WEIGHT = textwrap.dedent(
    """\
    memref.global "private" constant @w : memref<2x3xf32> =
      dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]>
    func.func @forward(%x: memref<2x3xf32> {t2c.name = "in0"},
                       %y: memref<2x3xf32> {t2c.name = "out0"}) {
      %w = memref.get_global @w : memref<2x3xf32>
      affine.for %i = 0 to 2 {
        affine.for %j = 0 to 3 {
          %a = affine.load %w[%i, %j] : memref<2x3xf32>
          %b = affine.load %x[%i, %j] : memref<2x3xf32>
          %s = arith.addf %a, %b : f32
          affine.store %s, %y[%i, %j] : memref<2x3xf32>
        }
      }
      return
    }
    """
)


def hex_dense(values: np.ndarray) -> str:
    """`dense<"0x...">` text holding exactly the bytes of `values` (little endian)."""
    return 'dense<"0x' + values.tobytes().hex().upper() + '">'


def mlp_module(w1: np.ndarray, b1: np.ndarray, w2: np.ndarray) -> str:
    """A loop-level 2-layer MLP (y = relu(x W1 + b1) W2) with 2-D weights as globals."""
    n_in, n_hidden = w1.shape
    n_out = w2.shape[1]
    t1, t2 = f"memref<{n_in}x{n_hidden}xf32>", f"memref<{n_hidden}x{n_out}xf32>"
    return textwrap.dedent(
        f"""\
        memref.global "private" constant @fc1_weight : {t1} = {hex_dense(w1)}
        memref.global "private" constant @fc1_bias : memref<{n_hidden}xf32> = {hex_dense(b1)}
        memref.global "private" constant @fc2_weight : {t2} = {hex_dense(w2)}
        func.func @forward(%x: memref<1x{n_in}xf32> {{t2c.name = "in0"}},
                           %y: memref<1x{n_out}xf32> {{t2c.name = "out0"}}) {{
          %zero = arith.constant 0.0 : f32
          %w1 = memref.get_global @fc1_weight : memref<{n_in}x{n_hidden}xf32>
          %b1 = memref.get_global @fc1_bias : memref<{n_hidden}xf32>
          %w2 = memref.get_global @fc2_weight : memref<{n_hidden}x{n_out}xf32>
          %h = memref.alloc() : memref<1x{n_hidden}xf32>
          affine.for %j = 0 to {n_hidden} {{
            %b = affine.load %b1[%j] : memref<{n_hidden}xf32>
            affine.store %b, %h[0, %j] : memref<1x{n_hidden}xf32>
            affine.for %k = 0 to {n_in} {{
              %a = affine.load %x[0, %k] : memref<1x{n_in}xf32>
              %w = affine.load %w1[%k, %j] : memref<{n_in}x{n_hidden}xf32>
              %acc = affine.load %h[0, %j] : memref<1x{n_hidden}xf32>
              %m = arith.mulf %a, %w : f32
              %s = arith.addf %acc, %m : f32
              affine.store %s, %h[0, %j] : memref<1x{n_hidden}xf32>
            }}
            %v = affine.load %h[0, %j] : memref<1x{n_hidden}xf32>
            %r = arith.maximumf %v, %zero : f32
            affine.store %r, %h[0, %j] : memref<1x{n_hidden}xf32>
          }}
          affine.for %o = 0 to {n_out} {{
            affine.store %zero, %y[0, %o] : memref<1x{n_out}xf32>
            affine.for %j = 0 to {n_hidden} {{
              %a = affine.load %h[0, %j] : memref<1x{n_hidden}xf32>
              %w = affine.load %w2[%j, %o] : memref<{n_hidden}x{n_out}xf32>
              %acc = affine.load %y[0, %o] : memref<1x{n_out}xf32>
              %m = arith.mulf %a, %w : f32
              %s = arith.addf %acc, %m : f32
              affine.store %s, %y[0, %o] : memref<1x{n_out}xf32>
            }}
          }}
          memref.dealloc %h : memref<1x{n_hidden}xf32>
          return
        }}
        """
    )


def random_f32(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """Random float32 values over all exponents, plus -0.0, a denormal and the extremes."""
    bits = rng.integers(0, 2**32, size=int(np.prod(shape)), dtype=np.uint64).astype(np.uint32)
    values = bits.view(np.float32).copy()
    values[~np.isfinite(values)] = 1.5  # NaN payloads cannot round-trip through decimal
    special = np.array([-0.0, 1e-45, 3.4028235e38, -1.1754942e-38], dtype=np.float32)
    values[: min(len(values), len(special))] = special[: len(values)]
    return values.reshape(shape)


def bits32(values) -> np.ndarray:
    return np.asarray(values, dtype=np.float32).view(np.uint32)


# --- run_pipeline basics -------------------------------------------------------------------


def test_flatten_memrefs_through_run_pipeline():
    out = passes.run_pipeline(MATRIX, "flatten-memrefs")
    assert "memref.global constant @w : memref<6xf32>" in out
    assert "affine.load %0[%arg1 * 3 + %arg2] : memref<6xf32>" in out
    assert "memref<2x3xf32>" not in out
    assert 'memref<6xf32> {t2c.name = "out"}' in out


def test_both_pipeline_spellings_agree():
    plain = passes.run_pipeline(MATRIX, "flatten-memrefs,externalize-globals,canonicalize")
    anchored = passes.run_pipeline(
        MATRIX, "builtin.module(flatten-memrefs,externalize-globals,canonicalize)"
    )
    assert plain == anchored
    assert "t2c.data" in plain  # run_pipeline leaves the data attribute in the module


def test_parse_error_has_location():
    with pytest.raises(PassError) as info:
        passes.run_pipeline("func.func @f() {\n  %0 = arith.addi\n}\n", "cse", source_name="m.mlir")
    message = str(info.value)
    assert "failed to parse MLIR input" in message
    assert "m.mlir:2:18: error: expected SSA operand" in message


def test_unknown_pass_is_reported():
    with pytest.raises(PassError, match="invalid pass pipeline 'no-such-pass'"):
        passes.run_pipeline(MATRIX, "no-such-pass")


def test_pass_failure_has_diagnostics_and_a_working_repro(tmp_path):
    ir = textwrap.dedent(
        """\
        func.func @view(%m: memref<4x4xf32>) {
          %s = memref.subview %m[0, 0] [2, 2] [1, 1]
            : memref<4x4xf32> to memref<2x2xf32, strided<[4, 1]>>
          return
        }
        """
    )
    with pytest.raises(PassError) as info:
        passes.run_pipeline(ir, "flatten-memrefs", source_name="view.mlir", repro_dir=tmp_path)
    error = info.value
    assert "view.mlir:2:8: error: 'memref.subview' op cannot be flattened" in str(error)
    assert str(error).startswith("[passes] ")
    assert error.repro_path.parent == tmp_path
    assert error.repro_path.read_text() == ir
    # The repro command really reproduces the failure with t2c-opt.
    proc = subprocess.run(error.command, capture_output=True, text=True)
    assert proc.returncode != 0
    assert "'memref.subview' op cannot be flattened" in proc.stderr


def test_notes_are_part_of_the_message():
    ir = textwrap.dedent(
        """\
        memref.global "private" constant @w : memref<2xf32> = dense<1.0>
        func.func @f() {
          %w = memref.get_global @w : memref<2xf32>
          return
        }
        func.func @g() {
          return
        }
        """
    )
    with pytest.raises(PassError) as info:
        passes.run_pipeline(ir, "externalize-globals", source_name="two.mlir")
    message = str(info.value)
    assert "externalize-globals cannot pick the top-level function" in message
    assert "  two.mlir:2:1: note: candidate @f" in message
    assert "  two.mlir:6:1: note: candidate @g" in message


def test_failed_pass_reports_the_op_and_returns_nothing():
    # flatten-memrefs could rewrite the load and store, but not the cast: the run fails
    ir = MATRIX.replace(
        "  return\n",
        "  %c = memref.cast %w : memref<2x3xf32> to memref<?x3xf32>\n  return\n",
    )
    assert "memref.cast" in ir
    with pytest.raises(PassError, match="'memref.cast' op cannot be flattened"):
        passes.run_pipeline(ir, "flatten-memrefs")


# --- externalize-globals data ----------------------------------------------------------------


def test_float_data_round_trips_bit_exactly():
    rng = np.random.default_rng(1)
    w = random_f32(rng, (16, 16))
    d = rng.standard_normal(8) * 10.0 ** rng.integers(-300, 300, 8)
    d[0] = 5e-324
    h = rng.standard_normal(8).astype(np.float16)
    ir = textwrap.dedent(
        f"""\
        memref.global "private" constant @w : memref<16x16xf32> = {hex_dense(w)}
        memref.global "private" constant @d : memref<8xf64> = {hex_dense(d)}
        memref.global "private" constant @h : memref<8xf16> = {hex_dense(h)}
        func.func @forward() {{
          %w = memref.get_global @w : memref<16x16xf32>
          %d = memref.get_global @d : memref<8xf64>
          %h = memref.get_global @h : memref<8xf16>
          return
        }}
        """
    )
    result = passes.prepare_memories(ir)
    assert list(result.data) == ["w", "d", "h"]
    assert result.data["w"]["format"] == {
        "numeric_type": "ieee754_float",
        "is_signed": True,
        "width": 32,
    }
    assert np.array_equal(bits32(result.data["w"]["data"]), bits32(w.reshape(-1)))
    assert np.array_equal(np.array(result.data["d"]["data"]).view(np.uint64), d.view(np.uint64))
    halfs = np.array(result.data["h"]["data"], dtype=np.float16)
    assert np.array_equal(halfs.view(np.uint16), h.view(np.uint16))
    assert result.data["h"]["format"]["width"] == 16
    assert 'memref<256xf32> {t2c.name = "w"}' in result.ir
    assert "t2c.data" not in result.ir


def test_integer_data_signed_and_unsigned():
    ir = textwrap.dedent(
        """\
        memref.global "private" constant @s : memref<2x2xi8> = dense<[[-128, 127], [-1, 0]]>
        memref.global "private" constant @u : memref<3xui16> = dense<[65535, 0, 32768]>
        memref.global constant @q : memref<2xi64> =
          dense<[-9223372036854775808, 9223372036854775807]>
        func.func @main() {
          %s = memref.get_global @s : memref<2x2xi8>
          %u = memref.get_global @u : memref<3xui16>
          %q = memref.get_global @q : memref<2xi64>
          return
        }
        """
    )
    data = passes.prepare_memories(ir).data
    assert data["s"] == {
        "data": [-128, 127, -1, 0],
        "format": {"numeric_type": "bitnum", "is_signed": True, "width": 8},
    }
    assert data["u"] == {
        "data": [65535, 0, 32768],
        "format": {"numeric_type": "bitnum", "is_signed": False, "width": 16},
    }
    assert data["q"]["data"] == [-(2**63), 2**63 - 1]


def test_dense_resource_blob_is_read():
    values = np.array([0.1, -2.5, 3.0e-8, 7.0], dtype=np.float32)
    blob = "0x04000000" + values.tobytes().hex().upper()
    ir = textwrap.dedent(
        f"""\
        memref.global "private" constant @r : memref<2x2xf32> = dense_resource<r_blob>
        func.func @forward() {{
          %r = memref.get_global @r : memref<2x2xf32>
          return
        }}
        {{-#
          dialect_resources: {{
            builtin: {{
              r_blob: "{blob}"
            }}
          }}
        #-}}
        """
    )
    result = passes.prepare_memories(ir)
    assert np.array_equal(bits32(result.data["r"]["data"]), bits32(values))


def test_internal_memories_keep_the_signature():
    result = passes.prepare_memories(MATRIX, internal=True)
    assert 'func.func @forward(%arg0: memref<6xf32> {t2c.name = "out"}, %arg1: index' in result.ir
    assert 'memref.alloc() {t2c.from_data, t2c.name = "w"} : memref<6xf32>' in result.ir
    assert result.data["w"]["data"] == [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]


def test_top_func_option_and_data_file(tmp_path):
    ir = MATRIX.replace("@forward", "@layer") + "func.func @other() {\n  return\n}\n"
    data_file = tmp_path / "data.json"
    out = passes.run_pipeline(
        ir, f"flatten-memrefs,externalize-globals{{top-func=layer data-file={data_file}}}"
    )
    assert "t2c.data" not in out
    assert (
        'func.func @layer(%arg0: memref<6xf32> {t2c.name = "out"}, %arg1: index, %arg2: index, '
        '%arg3: memref<6xf32> {t2c.name = "w"})'
    ) in out
    assert json.loads(data_file.read_text())["w"]["data"] == [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]


def test_no_weights_gives_empty_data():
    ir = "func.func @forward(%x: memref<2x2xf32>) {\n  return\n}\n"
    result = passes.prepare_memories(ir)
    assert result.data == {}
    assert "memref<4xf32>" in result.ir


def test_cli_passes_subcommand(tmp_path, capsys):
    from torch2calyx.cli import main

    source = tmp_path / "m.mlir"
    source.write_text(MATRIX)
    out, data = tmp_path / "out.mlir", tmp_path / "data.json"
    assert main(["passes", str(source), "-o", str(out), "--data", str(data)]) == 0
    assert '%arg3: memref<6xf32> {t2c.name = "w"}' in out.read_text()
    assert json.loads(data.read_text())["w"]["data"] == [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]

    assert main(["passes", str(source), "-p", "canonicalize", "--data", str(data)]) == 1
    assert "produced no data JSON" in capsys.readouterr().err


def test_lower_to_calyx_appends_export_and_reports_failures(tmp_path):
    help_text = subprocess.run([t2c_opt(), "--help"], capture_output=True, text=True).stdout
    if "--export-calyx" in help_text:  # the Calyx lowering is built: a real program comes back
        futil, data = passes.lower_to_calyx(ADD_WEIGHT, keep_dir=tmp_path)
        assert "component" in futil
        assert data["w"]["data"] == [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]
        assert (tmp_path / "lowered.mlir").exists()
        assert "t2c.futil" not in (tmp_path / "lowered.mlir").read_text()
        # A pipeline whose last pass hands back no program is reported as such.
        to_file = f"export-calyx{{output-file={tmp_path / 'p.futil'}}}"
        with pytest.raises(PassError, match="produced no Calyx program"):
            passes.lower_to_calyx(ADD_WEIGHT, pipeline=(*passes.CALYX_PIPELINE[:-1], to_file))
    else:  # not yet: the failure names the missing pass and leaves a repro in keep_dir
        with pytest.raises(PassError, match="'export-calyx' does not refer to a registered pass"):
            passes.lower_to_calyx(ADD_WEIGHT, pipeline=("flatten-memrefs",), keep_dir=tmp_path)
        assert (tmp_path / "loops.mlir").read_text() == ADD_WEIGHT
        assert list(tmp_path.glob("t2c-repro-*.mlir"))


# --- coexistence with torch-mlir and the acceptance case --------------------------------------

IMPORT_ORDERS = {
    "torch_mlir first": "import torch_mlir.ir\nimport torch2calyx._passes as native\n",
    "passes first": "import torch2calyx._passes as native\nimport torch_mlir.ir\n",
    "passes first, RTLD_GLOBAL": (
        "import os, sys\nsys.setdlopenflags(os.RTLD_NOW | os.RTLD_GLOBAL)\n"
        "import torch2calyx._passes as native\nimport torch_mlir.ir\n"
    ),
    "torch_mlir first, RTLD_GLOBAL": (
        "import os, sys\nsys.setdlopenflags(os.RTLD_NOW | os.RTLD_GLOBAL)\n"
        "import torch_mlir.ir\nimport torch2calyx._passes as native\n"
    ),
}

USE_BOTH = textwrap.dedent(
    """\
    from torch_mlir import ir, passmanager
    ctx = ir.Context()
    m = ir.Module.parse("func.func @f(%a: i32) -> i32 {\\n %0 = arith.addi %a, %a : i32\\n"
                        " %1 = arith.addi %a, %a : i32\\n %2 = arith.muli %0, %1 : i32\\n"
                        " return %2 : i32\\n}", ctx)
    passmanager.PassManager.parse("builtin.module(cse)", ctx).run(m.operation)
    assert str(m).count("arith.addi") == 1, str(m)
    out = native.run_pipeline(
        "func.func @g(%m: memref<2x2xf32>) {\\n return\\n}", "flatten-memrefs"
    )
    assert "memref<4xf32>" in out, out
    try:
        native.run_pipeline("func.func @bad(", "cse")
    except native.PipelineError as e:
        assert "failed to parse" in str(e)
    else:
        raise AssertionError("no error")
    print("both-ok")
    """
)


@pytest.mark.parametrize("order", list(IMPORT_ORDERS))
def test_coexists_with_torch_mlir(order):
    code = IMPORT_ORDERS[order] + USE_BOTH
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "both-ok" in proc.stdout


def test_acceptance_mlp_cli_and_in_process_after_torch_mlir(tmp_path):
    rng = np.random.default_rng(7)
    w1, b1, w2 = random_f32(rng, (4, 8)), random_f32(rng, (8,)), random_f32(rng, (8, 3))
    source = tmp_path / "mlp.mlir"
    source.write_text(mlp_module(w1, b1, w2))

    # 1. t2c-opt from the shell, JSON to a file.
    data_file = tmp_path / "data.json"
    proc = subprocess.run(
        [
            t2c_opt(),
            "--flatten-memrefs",
            f"--externalize-globals=data-file={data_file}",
            str(source),
        ],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr
    cli_ir, cli_data = proc.stdout, json.loads(data_file.read_text())

    # Every memref is 1-D, the weights are named arguments after the model's own.
    memref_types = re.findall(r"memref<([^>]*)>", cli_ir)
    assert memref_types and all(re.fullmatch(r"\d+xf32", t) for t in memref_types), memref_types
    assert (
        'func.func @forward(%arg0: memref<4xf32> {t2c.name = "in0"}, '
        '%arg1: memref<3xf32> {t2c.name = "out0"}, '
        '%arg2: memref<32xf32> {t2c.name = "fc1_weight"}, '
        '%arg3: memref<8xf32> {t2c.name = "fc1_bias"}, '
        '%arg4: memref<24xf32> {t2c.name = "fc2_weight"})'
    ) in cli_ir
    assert "memref.global" not in cli_ir
    for name, weight in (("fc1_weight", w1), ("fc1_bias", b1), ("fc2_weight", w2)):
        assert np.array_equal(bits32(cli_data[name]["data"]), bits32(weight.reshape(-1))), name

    # 2. run_pipeline in a process that imported torch_mlir first gives the same result.
    code = textwrap.dedent(
        f"""\
        import json, sys
        import torch_mlir.ir
        from torch2calyx import passes
        r = passes.run_pipeline_with_data(open({str(source)!r}).read(),
                                          "flatten-memrefs,externalize-globals")
        json.dump({{"ir": r.ir, "data": r.data}}, sys.stdout)
        """
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    in_process = json.loads(proc.stdout)
    assert in_process["ir"].rstrip("\n") == cli_ir.rstrip("\n")  # t2c-opt adds a newline
    assert in_process["data"] == cli_data


def test_frontend_mlp_weights_reach_the_json_bit_for_bit():
    """A real nn.Module through the front end (torch-mlir in this process) and our passes."""
    import torch
    from torch import nn
    from torch2calyx.frontend import lower

    torch.manual_seed(3)
    model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3)).eval()
    lowered = lower(model, (torch.randn(1, 4),))
    result = passes.prepare_memories(lowered.mlir, top_func=lowered.func_name)
    assert "memref.global" not in result.ir
    entries = {name: bits32(e["data"]) for name, e in result.data.items()}
    for pname, param in model.named_parameters():
        p = param.detach().numpy()
        candidates = [bits32(p.reshape(-1)), bits32(p.T.reshape(-1))]
        assert any(any(np.array_equal(v, c) for c in candidates) for v in entries.values()), (
            f"parameter {pname} not found bit-exactly in the data JSON"
        )
