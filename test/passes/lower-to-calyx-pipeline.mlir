// RUN: t2c-opt --lower-to-calyx --split-input-file %s | FileCheck %s

// A marked nest becomes one static group: loads at cycle 0, the adder on their read_data
// at cycle 1, the store of its result at cycle 3 (latency 2), the index delayed three
// cycles; eight iterations, one per cycle, and one cycle after the last store (in which the
// memory's done pulse ends): 3 + 8 + 1 cycles. The loop starts at 0, the value the
// induction register resets to and wraps back to with the last iteration, so there is no
// init group.
// CHECK-LABEL: calyx.component "main"
// CHECK-DAG:     calyx.cell "addFN_p" = "pipelined_addFN" [8, 24, 32]
// CHECK-NOT:     calyx.group "init_pipe0"
// CHECK:         calyx.group "pipe0" attributes {latency = 12 : i64, t2c.ii = 1 : i64, t2c.trips = 8 : i64} {
// CHECK:           calyx.assign "i.in" = "32'd0" if "%[0:8] & last_i.out"
// CHECK:           calyx.assign "x.content_en" = "1'd1" if "%[0:8]"
// CHECK:           calyx.assign "addFN_p.left" = "x.read_data"
// CHECK:           calyx.assign "addFN_p.right" = "b.read_data"
// CHECK:           calyx.assign "y.write_data" = "addFN_p.out" if "%[3:11]"
// CHECK:           calyx.assign "y.write_en" = "1'd1" if "%[3:11]"
// CHECK:       calyx.control {
// CHECK-NEXT:    calyx.enable "pipe0"
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

// A loop from 2: the induction register is set to 2 by an init group before each run.
// CHECK-LABEL: calyx.component "main"
// CHECK:         calyx.group "init_pipe0" {
// CHECK-NEXT:      calyx.assign "i.in" = "32'd2"
// CHECK:       calyx.control {
// CHECK-NEXT:    calyx.enable "init_pipe0"
// CHECK-NEXT:    calyx.enable "pipe0"
func.func @main(%x: memref<8xf32> {t2c.name = "x"}, %y: memref<8xf32> {t2c.name = "y"}) {
  %c2 = arith.constant 2 : index
  %c8 = arith.constant 8 : index
  %c1 = arith.constant 1 : index
  scf.for %i = %c2 to %c8 step %c1 {
    %v = memref.load %x[%i] : memref<8xf32>
    %s = arith.addf %v, %v : f32
    memref.store %s, %y[%i] : memref<8xf32>
  } {t2c.pipeline}
  return
}
