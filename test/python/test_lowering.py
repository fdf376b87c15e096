"""lower-to-calyx and export-calyx from Python: front-end models to .futil that the
project's Calyx parser and checks accept, the data JSON names, the errors, and ReLU in
hardware bit-exact with torch.relu (-0.0, NaN, infinities)."""

from __future__ import annotations

import json
import math
import struct

import pytest
import torch
import torch2calyx
from torch2calyx import cli, passes
from torch2calyx.calyx import check_program, load_program
from torch2calyx.errors import PassError
from torch2calyx.frontend import lower
from torch2calyx.frontend.zoo import zoo_case

# One model per op family: matmul + ReLU, convolution + pooling, softmax (exp, max,
# division), LayerNorm (f64 variance narrowed, rsqrt), GELU (erf), integers.
MODELS = ("mlp_batch3", "cnn", "softmax", "layernorm", "gelu", "int8_mlp")

# Primitives that Calyx's primitives/ library defines under these names.
CALYX_PRIMITIVES = set(
    """
    std_reg std_const std_slice std_pad std_not std_and std_or std_xor std_add std_sub
    std_gt std_lt std_eq std_neq std_ge std_le std_lsh std_rsh std_mux std_wire
    std_mult_pipe std_div_pipe std_sdiv_pipe std_sgt std_slt std_seq std_sneq std_sge
    std_sle std_srsh std_signext seq_mem_d1 std_addFN std_mulFN std_divSqrtFN
    std_compareFN std_fpToInt std_intToFp
    """.split()
)


def _futil(name: str) -> tuple[str, dict, list]:
    model, inputs = zoo_case(name).build()
    lowered = lower(model, inputs)
    futil, data = passes.lower_to_calyx(lowered.mlir)
    return futil, data, lowered.args


@pytest.mark.parametrize("name", MODELS)
def test_model_futil_parses_and_checks(name, tmp_path):
    futil, data, args = _futil(name)
    path = tmp_path / "program.futil"
    path.write_text(futil)
    program = load_program(path)
    check_program(program)  # raises CalyxCheckError listing every error
    used = {cell.proto for cell in program.components["main"].cells.values()}
    assert used <= CALYX_PRIMITIVES, used - CALYX_PRIMITIVES
    # every argument and every weight is an external memory named as the flow expects
    for arg in args:
        assert f"@external {arg.name} = seq_mem_d1(" in futil
    for weight in data:
        assert f"@external {weight} = seq_mem_d1(" in futil


def test_matmul_accumulates_in_a_register():
    futil, _, _ = _futil("linear")
    # the inner product loop is one software-pipelined group (no per-iteration
    # while): it reads both operand memories in one phase, multiplies and adds on
    # the shared float units and writes the accumulator register; the output
    # memory is written once per output element, after it.
    assert "acc =" in futil and "ph = std_reg(2);" in futil
    body = futil[futil.index("control {") :]
    assert body.count("mac_") == 1
    assert "mulf" not in body
    assert "par {" in body  # the bias loop's two loads
    mac = futil[futil.index("group mac_") :]
    mac = mac[: mac.index("}")]
    assert "mulFN_f32.go = !ph0.out" in mac
    assert "acc.write_en = ph2.out & started_" in mac
    assert futil.count("std_mulFN(") == 1 and futil.count("std_addFN(") == 1


def test_unlowerable_op_is_a_pass_error():
    ir = """
    func.func @main(%a: memref<2xf32>) {
      %c0 = arith.constant 0 : index
      %c1 = arith.constant 1 : index
      %x = memref.load %a[%c0] : memref<2xf32>
      %y = memref.load %a[%c1] : memref<2xf32>
      %m = arith.maximumf %x, %y : f32
      memref.store %m, %a[%c0] : memref<2xf32>
      return
    }
    """
    with pytest.raises(PassError, match="run --legalize-float-ops first"):
        passes.lower_to_calyx(ir, pipeline=("lower-to-calyx",))
    futil, _ = passes.lower_to_calyx(ir, pipeline=("legalize-float-ops", "lower-to-calyx"))
    assert "std_compareFN" not in futil  # maximumf became integer logic


def _bits(values: torch.Tensor) -> list[int]:
    return [struct.unpack("<I", struct.pack("<f", float(v)))[0] for v in values.flatten()]


@pytest.mark.verilator
def test_relu_bit_exact_in_hardware(tmp_path):
    specials = [-0.0, 0.0, math.nan, -math.nan, math.inf, -math.inf, -1e-45, 1e-45, -2.5, 3.0]
    x = torch.tensor([specials], dtype=torch.float32)
    x[0, 3] = torch.tensor(-math.nan).abs().neg()  # NaN with the sign bit set
    model = torch.nn.ReLU().eval()
    design = torch2calyx.compile(model, (x,), out_dir=tmp_path / "relu")
    assert "std_compareFN" not in design.calyx.read_text()
    result = design.simulate(x)
    got = result.outputs[0]
    assert _bits(got) == _bits(torch.relu(x))


HALVINGS = """
func.func @halvings(%a: memref<1xi32> {t2c.name = "a"}, %o: memref<1xi32> {t2c.name = "o"}) {
  %c0 = arith.constant 0 : index
  %one = arith.constant 1 : i32
  %zero = arith.constant 0 : i32
  %x0 = memref.load %a[%c0] : memref<1xi32>
  %r:2 = scf.while (%x = %x0, %n = %zero) : (i32, i32) -> (i32, i32) {
    %go = arith.cmpi ugt, %x, %one : i32
    scf.condition(%go) %x, %n : i32, i32
  } do {
  ^bb0(%x: i32, %n: i32):
    %h = arith.shrui %x, %one : i32
    %n1 = arith.addi %n, %one : i32
    scf.yield %h, %n1 : i32, i32
  }
  memref.store %r#1, %o[%c0] : memref<1xi32>
  return
}
"""


@pytest.mark.icarus
@pytest.mark.parametrize("start,halvings", [(1000, 9), (1, 0)])
def test_scf_while_runs_in_icarus(tmp_path, capsys, start, halvings):
    futil, _ = passes.lower_to_calyx(HALVINGS, pipeline=("lower-to-calyx",))
    program = tmp_path / "halvings.futil"
    program.write_text(futil)
    fmt = {"numeric_type": "bitnum", "is_signed": False, "width": 32}
    data = tmp_path / "halvings.data"
    data.write_text(
        json.dumps({"a": {"data": [start], "format": fmt}, "o": {"data": [0], "format": fmt}})
    )
    argv = ["run-calyx", str(program), "--data", str(data), "--sim", "icarus"]
    argv += ["--build-dir", str(tmp_path / "sim")]
    assert cli.main(argv) == 0
    assert json.loads(capsys.readouterr().out)["o"] == [halvings]
