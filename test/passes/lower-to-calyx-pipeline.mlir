// RUN: t2c-opt --lower-to-calyx %s | FileCheck %s

// A marked nest becomes an init group and one static group: loads at cycle 0, the adder
// on their read_data at cycle 1, the store of its result at cycle 3 (latency 2), the index
// delayed through three registers; eight iterations, one per cycle, and one cycle after the
// last store (in which the memory's done pulse ends): 3 + 8 + 1 cycles.
// CHECK-LABEL: calyx.component "main"
// CHECK-DAG:     calyx.cell "addFN_p" = "pipelined_addFN" [8, 24, 32]
// CHECK:         calyx.group "init_pipe0" {
// CHECK:         calyx.group "pipe0" attributes {latency = 12 : i64, t2c.ii = 1 : i64, t2c.trips = 8 : i64} {
// CHECK:           calyx.assign "x.content_en" = "1'd1" if "%[0:8]"
// CHECK:           calyx.assign "addFN_p.left" = "x.read_data"
// CHECK:           calyx.assign "addFN_p.right" = "b.read_data"
// CHECK:           calyx.assign "y.write_data" = "addFN_p.out" if "%[3:11]"
// CHECK:           calyx.assign "y.write_en" = "1'd1" if "%[3:11]"
// CHECK:       calyx.control {
// CHECK-NEXT:    calyx.enable "init_pipe0"
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
