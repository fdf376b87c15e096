// RUN: t2c-opt --lower-to-calyx=inline-calls=true %s | FileCheck %s

// With inline-calls=true, func.call is inlined: the callee's ops become groups of the top component
// (the private callee disappears), sharing its memories and float units.
// CHECK-LABEL: calyx.component "main"
// CHECK-DAG:     calyx.cell "x" = "seq_mem_d1" [32, 4, 2] {external}
// CHECK-DAG:     calyx.cell "y" = "seq_mem_d1" [32, 4, 2] {external}
// CHECK-DAG:     calyx.cell "addFN_f32" = "std_addFN" [8, 24, 32]
// CHECK:       calyx.control {
// CHECK-NEXT:    calyx.enable "init_i"
// CHECK-NEXT:    calyx.while "lt_i.out" with "cond_i" {
// CHECK-NEXT:      calyx.enable "load_x"
// CHECK-NEXT:      calyx.enable "addf"
// CHECK-NEXT:      calyx.enable "store_y"
// CHECK-NEXT:      calyx.enable "step_i"
// CHECK-NEXT:    }
// CHECK-NEXT:  }
// CHECK-NOT:   calyx.component
func.func private @double(%x: memref<4xf32>, %y: memref<4xf32>, %i: index) {
  %v = memref.load %x[%i] : memref<4xf32>
  %d = arith.addf %v, %v : f32
  memref.store %d, %y[%i] : memref<4xf32>
  return
}
func.func @calls(%x: memref<4xf32> {t2c.name = "x"}, %y: memref<4xf32> {t2c.name = "y"}) {
  affine.for %i = 0 to 4 {
    func.call @double(%x, %y, %i) : (memref<4xf32>, memref<4xf32>, index) -> ()
  }
  return
}
