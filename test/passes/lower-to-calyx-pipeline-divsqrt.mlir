// RUN: t2c-opt --lower-to-calyx --split-input-file %s | FileCheck %s

// Division and square root in a pipelined nest use the pipelined divide/square-root unit
// of their format (binary32: latency 15, one operation per cycle): the load issues at
// cycle 0, the division at 1 (result at 16), the square root at 16 (result at 31), the
// store at 31; eight iterations one per cycle: 7 + 31 + 1 = 39 cycles, and one after the
// last store: 40. Each op has a unit
// of its own (the k-th division of a nest is the k-th unit), so both issue every cycle.
// CHECK-LABEL: calyx.component "main"
// CHECK-DAG:     calyx.cell "divSqrtF32_p" = "pipelined_divSqrtF32"
// CHECK-DAG:     calyx.cell "divSqrtF32_p{{.+}}" = "pipelined_divSqrtF32"
// CHECK:         calyx.group "pipe0" attributes {latency = 40 : i64, t2c.ii = 1 : i64, t2c.trips = 8 : i64} {
// CHECK-DAG:       calyx.assign "divSqrtF32_p.sqrtOp" = "1'd0"
// CHECK-DAG:       calyx.assign "divSqrtF32_p{{.+}}.sqrtOp" = "1'd1"
// CHECK-DAG:       calyx.assign "y.write_en" = "1'd1" if "%[31:39]"
func.func @main(%x: memref<8xf32> {t2c.name = "x"}, %y: memref<8xf32> {t2c.name = "y"}) {
  %c0 = arith.constant 0 : index
  %c8 = arith.constant 8 : index
  %c1 = arith.constant 1 : index
  %two = arith.constant 2.0 : f32
  scf.for %i = %c0 to %c8 step %c1 {
    %v = memref.load %x[%i] : memref<8xf32>
    %d = arith.divf %v, %two : f32
    %r = math.sqrt %d : f32
    memref.store %r, %y[%i] : memref<8xf32>
  } {t2c.pipeline}
  return
}

// -----

// binary16 and bfloat16 have units of their own latency (8 and 7 cycles): 7 + 1 + 8 + 2
// and 7 + 1 + 7 + 2 cycles (one after the last store).
// CHECK-LABEL: calyx.component "main"
// CHECK-DAG:     calyx.cell "divSqrtF16_p" = "pipelined_divSqrtF16"
// CHECK-DAG:     calyx.cell "divSqrtBF16_p" = "pipelined_divSqrtBF16"
// CHECK:         calyx.group "pipe0" attributes {latency = 18 : i64, t2c.ii = 1 : i64
// CHECK:         calyx.group "pipe1" attributes {latency = 17 : i64, t2c.ii = 1 : i64
func.func @main(%x: memref<8xf16> {t2c.name = "x"}, %y: memref<8xbf16> {t2c.name = "y"},
                %z: memref<8xf16> {t2c.name = "z"}, %w: memref<8xbf16> {t2c.name = "w"}) {
  %c0 = arith.constant 0 : index
  %c8 = arith.constant 8 : index
  %c1 = arith.constant 1 : index
  scf.for %i = %c0 to %c8 step %c1 {
    %v = memref.load %x[%i] : memref<8xf16>
    %d = arith.divf %v, %v : f16
    memref.store %d, %z[%i] : memref<8xf16>
  } {t2c.pipeline}
  scf.for %i = %c0 to %c8 step %c1 {
    %v = memref.load %y[%i] : memref<8xbf16>
    %d = math.sqrt %v : bf16
    memref.store %d, %w[%i] : memref<8xbf16>
  } {t2c.pipeline}
  return
}
