// RUN: t2c-opt --outline-repeated-nests %s | FileCheck %s
// RUN: t2c-opt --outline-repeated-nests --lower-to-calyx %s | FileCheck %s --check-prefix=CALYX

// Two pipelined reductions (the shape pipeline-loops gives a matrix-vector product: an
// interleaved partial sum in a rotating buffer) on different weights: the marks are part
// of what is compared and are cloned, the rotating buffer nothing else uses moves into the
// function, and lower-to-calyx pipelines the nest inside the shared component.
func.func @pipelined(%x: memref<8xf32>, %w1: memref<32xf32>, %w2: memref<32xf32>,
                     %y1: memref<4xf32>, %y2: memref<4xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c4 = arith.constant 4 : index
  %c7 = arith.constant 7 : index
  %c8 = arith.constant 8 : index
  %zero = arith.constant 0.0 : f32
  %r1 = memref.alloca() {t2c.rotating} : memref<2xf32>
  scf.for %o = %c0 to %c2 step %c1 {
    scf.for %k = %c0 to %c8 step %c1 {
      scf.for %l = %c0 to %c2 step %c1 {
        %m = arith.muli %o, %c2 : index
        %j = arith.addi %m, %l : index
        %first = arith.cmpi eq, %k, %c0 : index
        %last = arith.cmpi eq, %k, %c7 : index
        %prev = memref.load %r1[%l] : memref<2xf32>
        %s = arith.select %first, %zero, %prev : f32
        %a = memref.load %x[%k] : memref<8xf32>
        %q = arith.muli %k, %c4 : index
        %wi = arith.addi %q, %j : index
        %w = memref.load %w1[%wi] : memref<32xf32>
        %p = arith.mulf %a, %w : f32
        %n = arith.addf %s, %p : f32
        memref.store %n, %r1[%l] : memref<2xf32>
        scf.if %last {
          memref.store %n, %y1[%j] : memref<4xf32>
        }
      } {t2c.interleave}
    } {t2c.reduction}
  } {t2c.pipeline}
  %r2 = memref.alloca() {t2c.rotating} : memref<2xf32>
  scf.for %o = %c0 to %c2 step %c1 {
    scf.for %k = %c0 to %c8 step %c1 {
      scf.for %l = %c0 to %c2 step %c1 {
        %m = arith.muli %o, %c2 : index
        %j = arith.addi %m, %l : index
        %first = arith.cmpi eq, %k, %c0 : index
        %last = arith.cmpi eq, %k, %c7 : index
        %prev = memref.load %r2[%l] : memref<2xf32>
        %s = arith.select %first, %zero, %prev : f32
        %a = memref.load %x[%k] : memref<8xf32>
        %q = arith.muli %k, %c4 : index
        %wi = arith.addi %q, %j : index
        %w = memref.load %w2[%wi] : memref<32xf32>
        %p = arith.mulf %a, %w : f32
        %n = arith.addf %s, %p : f32
        memref.store %n, %r2[%l] : memref<2xf32>
        scf.if %last {
          memref.store %n, %y2[%j] : memref<4xf32>
        }
      } {t2c.interleave}
    } {t2c.reduction}
  } {t2c.pipeline}
  return
}

// CHECK-LABEL: func.func private @shared0(
// CHECK-SAME:      memref<8xf32>, %{{.*}}: memref<32xf32>, %{{.*}}: memref<4xf32>) {
// CHECK:         %[[ROT:.*]] = memref.alloca() {t2c.rotating} : memref<2xf32>
// CHECK:         scf.for
// CHECK:           memref.load %[[ROT]]
// CHECK:           } {t2c.interleave}
// CHECK-NEXT:    } {t2c.reduction}
// CHECK-NEXT:  } {t2c.pipeline}
// CHECK-NEXT:  return
// CHECK-LABEL: func.func @pipelined(
// CHECK-SAME:      %[[X:[^:]*]]: memref<8xf32>, %[[W1:[^:]*]]: memref<32xf32>, %[[W2:[^:]*]]: memref<32xf32>, %[[Y1:[^:]*]]: memref<4xf32>, %[[Y2:[^:]*]]: memref<4xf32>)
// CHECK-NEXT:    call @shared0(%[[X]], %[[W1]], %[[Y1]]) {t2c.shared}
// CHECK-NEXT:    call @shared0(%[[X]], %[[W2]], %[[Y2]]) {t2c.shared}
// CHECK-NEXT:    return

// CALYX-LABEL: calyx.component "shared0"
// CALYX-DAG:     calyx.cell "arg1" = "seq_mem_d1" [32, 32, 5] {ref}
// CALYX-DAG:     calyx.cell "mulFN_p" = "pipelined_mulFN" [8, 24, 32] {ref}
// CALYX-DAG:     calyx.cell "addFN_p" = "pipelined_addFN" [8, 24, 32] {ref}
// CALYX:         calyx.group "pipe0" attributes {latency = {{[0-9]+}} : i64, t2c.ii = 1 : i64, t2c.trips = 32 : i64}
// The component's units are main's: each invoke binds them, so that main's own nests and
// every component share one pool of units.
// CALYX-LABEL: calyx.component "main"
// CALYX:         calyx.cell "shared0_inst" = "shared0" []
// CALYX-NOT:     calyx.cell "shared0_inst
// CALYX:         calyx.cell "mulFN_p" = "pipelined_mulFN" [8, 24, 32]
// CALYX-NOT:     {ref}
// CALYX:         calyx.invoke "shared0_inst" refs ["mulFN_p=mulFN_p", "addFN_p=addFN_p", "arg0=arg0", "arg1=arg1", "arg2=arg3"]
// CALYX-NEXT:    calyx.invoke "shared0_inst" refs ["mulFN_p=mulFN_p", "addFN_p=addFN_p", "arg0=arg0", "arg1=arg2", "arg2=arg4"]
