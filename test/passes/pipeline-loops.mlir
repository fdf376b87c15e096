// RUN: t2c-opt --pipeline-loops --split-input-file %s | FileCheck %s

// An elementwise map: marked as it is.
// CHECK-LABEL: func.func @map
// CHECK:         scf.for
// CHECK:           arith.addf
// CHECK:         } {t2c.pipeline}
func.func @map(%x: memref<8xf32>, %b: memref<8xf32>, %y: memref<8xf32>) {
  affine.for %i = 0 to 8 {
    %v = affine.load %x[%i] : memref<8xf32>
    %w = affine.load %b[%i] : memref<8xf32>
    %s = arith.addf %v, %w : f32
    affine.store %s, %y[%i] : memref<8xf32>
  }
  return
}

// -----

// A matmul: the output loop is split by 2, the reduction moves inside, the two
// interleaved partial sums live in a rotating buffer; the result is stored on the
// last reduction step.
// CHECK-LABEL: func.func @matmul
// CHECK:         %[[ROT:.*]] = memref.alloca() {t2c.rotating} : memref<2xf32>
// CHECK:         scf.for %[[B:.*]] = %{{.*}} to %c2{{.*}} step
// CHECK:           scf.for %[[K:.*]] = %{{.*}} to %c8{{.*}} step
// CHECK:             scf.for %[[R:.*]] = %{{.*}} to %c2{{.*}} step
// CHECK:               %[[FIRST:.*]] = arith.cmpi eq, %[[K]], %c0
// CHECK:               %[[LAST:.*]] = arith.cmpi eq, %[[K]], %c7
// CHECK:               %[[PREV:.*]] = memref.load %[[ROT]][%[[R]]]
// CHECK:               %[[ACC:.*]] = arith.select %[[FIRST]], %cst, %[[PREV]] : f32
// CHECK:               %[[P:.*]] = arith.mulf
// CHECK:               %[[S:.*]] = arith.addf %[[ACC]], %[[P]] : f32
// CHECK:               memref.store %[[S]], %[[ROT]][%[[R]]]
// CHECK:               scf.if %[[LAST]] {
// CHECK-NEXT:            memref.store %[[S]], %arg2
// CHECK:         } {t2c.pipeline}
func.func @matmul(%x: memref<8xf32>, %w: memref<32xf32>, %y: memref<4xf32>) {
  %cst = arith.constant 0.0 : f32
  affine.for %i = 0 to 4 {
    %r = affine.for %k = 0 to 8 iter_args(%acc = %cst) -> (f32) {
      %a = affine.load %x[%k] : memref<8xf32>
      %b = affine.load %w[%k * 4 + %i] : memref<32xf32>
      %p = arith.mulf %a, %b : f32
      %s = arith.addf %acc, %p : f32
      affine.yield %s : f32
    }
    affine.store %r, %y[%i] : memref<4xf32>
  }
  return
}

// -----

// An odd number of outputs: no interleaving (distance-1 buffer).
// CHECK-LABEL: func.func @odd
// CHECK:         memref.alloca() {t2c.rotating} : memref<1xf32>
// CHECK:         } {t2c.pipeline}
func.func @odd(%x: memref<8xf32>, %w: memref<24xf32>, %y: memref<3xf32>) {
  %cst = arith.constant 0.0 : f32
  affine.for %i = 0 to 3 {
    %r = affine.for %k = 0 to 8 iter_args(%acc = %cst) -> (f32) {
      %a = affine.load %x[%k] : memref<8xf32>
      %b = affine.load %w[%k * 3 + %i] : memref<24xf32>
      %p = arith.mulf %a, %b : f32
      %s = arith.addf %acc, %p : f32
      affine.yield %s : f32
    }
    affine.store %r, %y[%i] : memref<3xf32>
  }
  return
}

// -----

// Division and square root have a pipelined unit: the map is marked. y[i]
// depends on y[i-1]: that nest is not.
// CHECK-LABEL: func.func @left_alone
// CHECK:         arith.divf
// CHECK:         math.sqrt
// CHECK:       } {t2c.pipeline}
// CHECK-NOT:     t2c.pipeline
// CHECK:         return
func.func @left_alone(%x: memref<8xf32>, %y: memref<8xf32>) {
  affine.for %i = 0 to 8 {
    %v = affine.load %x[%i] : memref<8xf32>
    %d = arith.divf %v, %v : f32
    %r = math.sqrt %d : f32
    affine.store %r, %x[%i] : memref<8xf32>
  }
  affine.for %i = 1 to 8 {
    %p = affine.load %y[%i - 1] : memref<8xf32>
    %v = affine.load %x[%i] : memref<8xf32>
    %s = arith.addf %p, %v : f32
    affine.store %s, %y[%i] : memref<8xf32>
  }
  return
}

// -----

// A sum with no output loop around it is not reshaped (nothing to interleave).
// CHECK-LABEL: func.func @total
// CHECK-NOT:     t2c.rotating
// CHECK:         scf.for {{.*}} iter_args
func.func @total(%x: memref<8xf32>, %y: memref<1xf32>) {
  %cst = arith.constant 0.0 : f32
  %r = affine.for %k = 0 to 8 iter_args(%acc = %cst) -> (f32) {
    %a = affine.load %x[%k] : memref<8xf32>
    %s = arith.addf %acc, %a : f32
    affine.yield %s : f32
  }
  affine.store %r, %y[0] : memref<1xf32>
  return
}
