// RUN: t2c-opt --forward-fills --split-input-file %s | FileCheck %s

// A zero fill followed by a matmul accumulating into the buffer: the fill goes, the
// accumulation starts from the constant.
// CHECK-LABEL: func.func @zero_fill
// CHECK-NOT:     memref.store %{{.*}}cst
// CHECK:         scf.for %[[I:.*]] =
// CHECK-NOT:       memref.load %{{.*}}[%[[I]]] : memref<4xf32>
// CHECK:           scf.for {{.*}} iter_args(%{{.*}} = %cst) -> (f32)
// CHECK:           memref.store %{{.*}}, %arg2[%[[I]]] : memref<4xf32>
func.func @zero_fill(%x: memref<8xf32>, %w: memref<32xf32>, %y: memref<4xf32>) {
  %cst = arith.constant 0.0 : f32
  affine.for %i = 0 to 4 {
    affine.store %cst, %y[%i] : memref<4xf32>
  }
  affine.for %i = 0 to 4 {
    affine.for %k = 0 to 8 {
      %a = affine.load %x[%k] : memref<8xf32>
      %b = affine.load %w[%k * 4 + %i] : memref<32xf32>
      %acc = affine.load %y[%i] : memref<4xf32>
      %p = arith.mulf %a, %b : f32
      %s = arith.addf %acc, %p : f32
      affine.store %s, %y[%i] : memref<4xf32>
    }
  }
  return
}

// -----

// A bias broadcast: the accumulation starts from the bias element.
// CHECK-LABEL: func.func @bias_fill
// CHECK:         scf.for %[[I:.*]] =
// CHECK-NEXT:      %[[B:.*]] = memref.load %arg3[%[[I]]] : memref<4xf32>
// CHECK-NEXT:      scf.for {{.*}} iter_args(%{{.*}} = %[[B]]) -> (f32)
// CHECK-NOT:     scf.for
func.func @bias_fill(%x: memref<8xf32>, %w: memref<32xf32>, %y: memref<4xf32>, %bias: memref<4xf32>) {
  affine.for %i = 0 to 4 {
    %b = affine.load %bias[%i] : memref<4xf32>
    affine.store %b, %y[%i] : memref<4xf32>
  }
  affine.for %i = 0 to 4 {
    affine.for %k = 0 to 8 {
      %a = affine.load %x[%k] : memref<8xf32>
      %c = affine.load %w[%k * 4 + %i] : memref<32xf32>
      %acc = affine.load %y[%i] : memref<4xf32>
      %p = arith.mulf %a, %c : f32
      %s = arith.addf %acc, %p : f32
      affine.store %s, %y[%i] : memref<4xf32>
    }
  }
  return
}

// -----

// Different trip counts: nothing changes.
// CHECK-LABEL: func.func @mismatch
// CHECK:         memref.store %cst
// CHECK:         iter_args(%{{.*}} = %{{[0-9]+}}) -> (f32)
func.func @mismatch(%x: memref<8xf32>, %y: memref<4xf32>) {
  %cst = arith.constant 0.0 : f32
  affine.for %i = 0 to 2 {
    affine.store %cst, %y[%i] : memref<4xf32>
  }
  affine.for %i = 0 to 4 {
    affine.for %k = 0 to 8 {
      %a = affine.load %x[%k] : memref<8xf32>
      %acc = affine.load %y[%i] : memref<4xf32>
      %s = arith.addf %acc, %a : f32
      affine.store %s, %y[%i] : memref<4xf32>
    }
  }
  return
}
