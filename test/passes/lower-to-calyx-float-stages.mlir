// RUN: t2c-opt --split-input-file --lower-to-calyx="float-stages=7" %s | FileCheck %s
// RUN: t2c-opt --split-input-file --lower-to-calyx="float-stages=4" %s | FileCheck %s --check-prefix=S4
// RUN: not t2c-opt --split-input-file --lower-to-calyx="float-stages=3" %s 2>&1 | FileCheck %s --check-prefix=BAD

// The pipelined nest of lower-to-calyx-pipeline.mlir with adders of depth 7: the store of
// the sum waits 7 cycles after the adder starts (cycle 1 -> 8), so 8 + 8 cycles and one after
// the last store.
// CHECK-LABEL: calyx.component "main"
// CHECK-DAG:     calyx.cell "addFN_p" = "pipelined_addFN_s7" [8, 24, 32]
// CHECK:         calyx.group "pipe0" attributes {latency = 17 : i64, t2c.ii = 1 : i64, t2c.trips = 8 : i64} {
// CHECK:           calyx.assign "addFN_p.left" = "x.read_data"
// CHECK:           calyx.assign "y.write_data" = "addFN_p.out" if "%[8:16]"
// S4-LABEL: calyx.component "main"
// S4-DAG:     calyx.cell "addFN_p" = "pipelined_addFN_s4" [8, 24, 32]
// S4:         calyx.group "pipe0" attributes {latency = 14 : i64, t2c.ii = 1 : i64, t2c.trips = 8 : i64} {
// S4:           calyx.assign "y.write_data" = "addFN_p.out" if "%[5:13]"
// BAD: float-stages=3 is not a depth of the float units; choose 2, 4 or 7
func.func @main(%x: memref<8xf32> {t2c.name = "x"}, %b: memref<8xf32> {t2c.name = "b"},
                %y: memref<8xf32> {t2c.name = "y"}) {
  %c0 = arith.constant 0 : index
  %c8 = arith.constant 8 : index
  %c1 = arith.constant 1 : index
  scf.for %i = %c0 to %c8 step %c1 {
    %v = memref.load %x[%i] : memref<8xf32>
    %w = memref.load %b[%i] : memref<8xf32>
    %s = arith.addf %v, %w : f32
    memref.store %s, %y[%i] : memref<8xf32>
  } {t2c.pipeline}
  return
}

// -----

// Sequential code takes the go/done units of the same depth.
// CHECK-LABEL: calyx.component "main"
// CHECK-DAG:     calyx.cell "{{.*}}" = "std_mulFN_s7" [8, 24, 32]
// S4-LABEL: calyx.component "main"
// S4-DAG:     calyx.cell "{{.*}}" = "std_mulFN_s4" [8, 24, 32]
func.func @main(%x: memref<4xf32> {t2c.name = "x"}, %y: memref<4xf32> {t2c.name = "y"}) {
  %c0 = arith.constant 0 : index
  %c4 = arith.constant 4 : index
  %c1 = arith.constant 1 : index
  scf.for %i = %c0 to %c4 step %c1 {
    %v = memref.load %x[%i] : memref<4xf32>
    %s = arith.mulf %v, %v : f32
    memref.store %s, %y[%i] : memref<4xf32>
  }
  return
}
