// RUN: t2c-opt --materialize-divisions --split-input-file %s | FileCheck %s

// The quotient depends on %k only, not on the output column %j: it is computed once per
// %k into a buffer, in a nest of its own, and the reduction loads it.
// CHECK-LABEL: func.func @softmax_v
// CHECK:         %[[Q:.*]] = memref.alloc() : memref<8xf32>
// CHECK:         scf.for %[[K:.*]] = %{{.*}} to %{{.*}} step %{{.*}} {
// CHECK:           %[[D:.*]] = arith.divf
// CHECK:           memref.store %[[D]], %[[Q]]
// CHECK:         scf.for
// CHECK-NOT:       arith.divf
// CHECK:           memref.load %[[Q]]
func.func @softmax_v(%e: memref<8xf32>, %s: memref<1xf32>, %v: memref<24xf32>, %y: memref<3xf32>) {
  %cst = arith.constant 0.0 : f32
  affine.for %j = 0 to 3 {
    %r = affine.for %k = 0 to 8 iter_args(%acc = %cst) -> (f32) {
      %a = affine.load %e[%k] : memref<8xf32>
      %b = affine.load %s[0] : memref<1xf32>
      %p = arith.divf %a, %b : f32
      %w = affine.load %v[%k * 3 + %j] : memref<24xf32>
      %m = arith.mulf %p, %w : f32
      %n = arith.addf %acc, %m : f32
      affine.yield %n : f32
    }
    affine.store %r, %y[%j] : memref<3xf32>
  }
  return
}

// -----

// Every enclosing loop is read: nothing to share, nothing changes.
// CHECK-LABEL: func.func @elementwise
// CHECK-NOT:     memref.alloc
// CHECK:         arith.divf
func.func @elementwise(%x: memref<8xf32>, %y: memref<8xf32>) {
  affine.for %i = 0 to 8 {
    %a = affine.load %x[%i] : memref<8xf32>
    %d = arith.divf %a, %a : f32
    affine.store %d, %y[%i] : memref<8xf32>
  }
  return
}
