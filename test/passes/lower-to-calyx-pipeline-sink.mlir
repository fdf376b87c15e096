// RUN: t2c-opt --lower-to-calyx %s | FileCheck %s
// RUN: t2c-opt --lower-to-calyx %s | FileCheck %s --check-prefix=HELD

// Ops move towards their first user when that holds fewer bits in registers.
// y = (x / 3) * x + x * x: the load issues at 0 (x valid at 1), the division
// at 1 (result at 16), its product with x at 16 (at 18), the sum at 18. x is
// held in a chain up to cycle 16 for the product anyway; x * x, issued at 1
// as soon as x is loaded, would have its result held from 3 to 18 (15
// registers of 32 bits). It issues at 16 instead, reading x from the chain
// where the other product reads it, and the sum takes it straight from the
// multiplier: one 15-cycle delay line for x, none for x * x (the other line
// is the store's index, 20 cycles).
// CHECK-LABEL: calyx.component "main"
// CHECK-DAG:     calyx.cell "[[X15:d]]" = "pipelined_delay" [32, 15]
// CHECK-DAG:     calyx.cell "d_1" = "pipelined_delay" [32, 20]
// CHECK:         calyx.group "pipe0"
// CHECK-DAG:       calyx.assign "mulFN_p.right" = "[[X15]].out"
// CHECK-DAG:       calyx.assign "mulFN_p_1.left" = "[[X15]].out"
// CHECK-DAG:       calyx.assign "mulFN_p_1.right" = "[[X15]].out"
// CHECK-DAG:       calyx.assign "addFN_p.left" = "mulFN_p.out"
// CHECK-DAG:       calyx.assign "addFN_p.right" = "mulFN_p_1.out"
// HELD-NOT:      .in" = "mulFN_p_1.out"
func.func @main(%x: memref<8xf32> {t2c.name = "x"}, %y: memref<8xf32> {t2c.name = "y"}) {
  %c0 = arith.constant 0 : index
  %c8 = arith.constant 8 : index
  %c1 = arith.constant 1 : index
  %three = arith.constant 3.0 : f32
  scf.for %i = %c0 to %c8 step %c1 {
    %v = memref.load %x[%i] : memref<8xf32>
    %d = arith.divf %v, %three : f32
    %p = arith.mulf %d, %v : f32
    %q = arith.mulf %v, %v : f32
    %s = arith.addf %p, %q : f32
    memref.store %s, %y[%i] : memref<8xf32>
  } {t2c.pipeline}
  return
}
