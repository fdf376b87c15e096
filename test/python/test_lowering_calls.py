"""func.call lowered to a Calyx component instance plus `invoke` (issue 4), simulated.

A helper function becomes its own component (memref arguments as `ref` memories, scalar
arguments as input ports, scalar results as output ports); the caller invokes one instance of
it per call. The designs run under Verilator and are checked against numpy.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch2calyx
from torch2calyx import passes
from torch2calyx.calyx import compile_file
from torch2calyx.sim import simulate

# y += k * x over 4 elements, called on two pairs of memories with two scalar arguments.
AXPY = """
func.func private @axpy(%x: memref<4xi32>, %y: memref<4xi32>, %k: i32) {
  %c0 = arith.constant 0 : index
  %c4 = arith.constant 4 : index
  %c1 = arith.constant 1 : index
  scf.for %i = %c0 to %c4 step %c1 {
    %v = memref.load %x[%i] : memref<4xi32>
    %w = memref.load %y[%i] : memref<4xi32>
    %p = arith.muli %v, %k : i32
    %s = arith.addi %p, %w : i32
    memref.store %s, %y[%i] : memref<4xi32>
  }
  return
}
func.func @main(%a: memref<4xi32>, %b: memref<4xi32>, %ya: memref<4xi32>,
                %yb: memref<4xi32>) {
  %c0 = arith.constant 0 : index
  %c4 = arith.constant 4 : index
  %c1 = arith.constant 1 : index
  %one = arith.constant 1 : i32
  %k1 = arith.constant 3 : i32
  scf.for %i = %c0 to %c4 step %c1 {
    %v = memref.load %b[%i] : memref<4xi32>
    memref.store %v, %ya[%i] : memref<4xi32>
    memref.store %one, %yb[%i] : memref<4xi32>
  }
  %k2 = arith.addi %k1, %k1 : i32
  func.call @axpy(%a, %ya, %k1) : (memref<4xi32>, memref<4xi32>, i32) -> ()
  func.call @axpy(%b, %yb, %k2) : (memref<4xi32>, memref<4xi32>, i32) -> ()
  return
}
"""

# A helper with a scalar argument and a scalar result: it adds k to every element of its
# memory and returns their new sum; main stores the sum of both calls' results.
SCALE_SUM = """
func.func private @bump(%m: memref<4xi32>, %k: i32) -> i32 {
  %c0 = arith.constant 0 : index
  %c4 = arith.constant 4 : index
  %c1 = arith.constant 1 : index
  %z = arith.constant 0 : i32
  %s = scf.for %i = %c0 to %c4 step %c1 iter_args(%acc = %z) -> (i32) {
    %v = memref.load %m[%i] : memref<4xi32>
    %w = arith.addi %v, %k : i32
    memref.store %w, %m[%i] : memref<4xi32>
    %n = arith.addi %acc, %w : i32
    scf.yield %n : i32
  }
  return %s : i32
}
func.func @main(%a: memref<4xi32> {t2c.name = "a"}, %b: memref<4xi32> {t2c.name = "b"},
                %o: memref<2xi32> {t2c.name = "o"}) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %k1 = arith.constant 3 : i32
  %k2 = arith.constant 5 : i32
  %s1 = func.call @bump(%a, %k1) : (memref<4xi32>, i32) -> i32
  %s2 = func.call @bump(%b, %k2) : (memref<4xi32>, i32) -> i32
  %t = arith.subi %s1, %s2 : i32
  memref.store %t, %o[%c0] : memref<2xi32>
  memref.store %s2, %o[%c1] : memref<2xi32>
  return
}
"""


@pytest.mark.verilator
def test_helper_called_twice_on_different_memories(tmp_path):
    """Two calls of one helper: one instance, two invokes binding different memories."""
    src = tmp_path / "axpy.mlir"
    src.write_text(AXPY)
    design = torch2calyx.compile(src, out_dir=tmp_path / "design")
    futil = (tmp_path / "design" / "program.futil").read_text()
    assert "component axpy(arg2: 32)" in futil
    assert futil.count("invoke axpy_inst[") == 2
    assert "ref arg0 = seq_mem_d1(32, 4, 2);" in futil

    a = np.array([1, 2, 3, 4], dtype=np.int32)
    b = np.array([10, -20, 30, 40], dtype=np.int32)
    result = design.simulate(a, b, simulator="verilator")
    ya, yb = (np.asarray(t) for t in result.outputs)
    np.testing.assert_array_equal(ya, b + 3 * a)
    np.testing.assert_array_equal(yb, 1 + 6 * b)


def _words(values):
    return {
        "data": [int(v) & 0xFFFFFFFF for v in values],
        "format": {"numeric_type": "bitnum", "is_signed": False, "width": 32},
    }


@pytest.mark.verilator
def test_helper_with_scalar_result(tmp_path):
    """Scalar results leave the callee on output ports and are latched after each invoke.

    compile() on an .mlir file accepts no function results, so this runs the native passes,
    the Calyx compiler and the simulator directly.
    """
    futil_text, _ = passes.lower_to_calyx(SCALE_SUM)
    assert "component bump(arg1: 32) -> (out0: 32)" in futil_text
    assert "invoke bump_inst[arg0=a](arg1=32'd3)();" in futil_text
    assert "invoke bump_inst[arg0=b](arg1=32'd5)();" in futil_text
    futil = tmp_path / "bump.futil"
    futil.write_text(futil_text)
    sv = tmp_path / "bump.sv"
    compile_file(futil, sv, manifest=False)

    a = np.array([1, 2, 3, 4], dtype=np.int64)
    b = np.array([10, -20, 30, 40], dtype=np.int64)
    data = {"a": _words(a), "b": _words(b), "o": _words([0, 0])}
    result = simulate(
        sv, data=data, simulator="verilator", build_dir=tmp_path / "sim", progress=False
    )
    s1, s2 = int((a + 3).sum()), int((b + 5).sum())
    assert result.memories["a"] == [int(v) for v in a + 3]
    assert result.memories["b"] == [int(v) & 0xFFFFFFFF for v in b + 5]
    assert result.memories["o"] == [(s1 - s2) & 0xFFFFFFFF, s2 & 0xFFFFFFFF]
