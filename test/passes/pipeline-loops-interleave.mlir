// RUN: t2c-opt --pipeline-loops="interleave=6" --split-input-file %s | FileCheck %s

// A 6-stage adder: 12 outputs interleave 6 partial sums.
// CHECK-LABEL: func.func @twelve
// CHECK:         memref.alloca() {t2c.rotating} : memref<6xf32>
// CHECK:         } {t2c.pipeline
func.func @twelve(%x: memref<8xf32>, %w: memref<96xf32>, %y: memref<12xf32>) {
  %cst = arith.constant 0.0 : f32
  affine.for %i = 0 to 12 {
    %r = affine.for %k = 0 to 8 iter_args(%acc = %cst) -> (f32) {
      %a = affine.load %x[%k] : memref<8xf32>
      %b = affine.load %w[%k * 12 + %i] : memref<96xf32>
      %p = arith.mulf %a, %b : f32
      %s = arith.addf %acc, %p : f32
      affine.yield %s : f32
    }
    affine.store %r, %y[%i] : memref<12xf32>
  }
  return
}

// -----

// 4 outputs, which 6 does not divide (nor any count up to 32): all 4 interleaved (II 2 in
// lower-to-calyx, against 6 without interleaving).
// CHECK-LABEL: func.func @four
// CHECK:         memref.alloca() {t2c.rotating} : memref<4xf32>
// CHECK:         } {t2c.pipeline
func.func @four(%x: memref<8xf32>, %w: memref<32xf32>, %y: memref<4xf32>) {
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

// 14 outputs: 7, the smallest divisor above 6.
// CHECK-LABEL: func.func @fourteen
// CHECK:         memref.alloca() {t2c.rotating} : memref<7xf32>
// CHECK:         } {t2c.pipeline
func.func @fourteen(%x: memref<8xf32>, %w: memref<112xf32>, %y: memref<14xf32>) {
  %cst = arith.constant 0.0 : f32
  affine.for %i = 0 to 14 {
    %r = affine.for %k = 0 to 8 iter_args(%acc = %cst) -> (f32) {
      %a = affine.load %x[%k] : memref<8xf32>
      %b = affine.load %w[%k * 14 + %i] : memref<112xf32>
      %p = arith.mulf %a, %b : f32
      %s = arith.addf %acc, %p : f32
      affine.yield %s : f32
    }
    affine.store %r, %y[%i] : memref<14xf32>
  }
  return
}

// -----

// 76 outputs (a 60x80 image's 5x5 convolution rows): 19, the smallest divisor above 6.
// CHECK-LABEL: func.func @seventysix
// CHECK:         memref.alloca() {t2c.rotating} : memref<19xf32>
// CHECK:         } {t2c.pipeline
func.func @seventysix(%x: memref<8xf32>, %w: memref<608xf32>, %y: memref<76xf32>) {
  %cst = arith.constant 0.0 : f32
  affine.for %i = 0 to 76 {
    %r = affine.for %k = 0 to 8 iter_args(%acc = %cst) -> (f32) {
      %a = affine.load %x[%k] : memref<8xf32>
      %b = affine.load %w[%k * 76 + %i] : memref<608xf32>
      %p = arith.mulf %a, %b : f32
      %s = arith.addf %acc, %p : f32
      affine.yield %s : f32
    }
    affine.store %r, %y[%i] : memref<76xf32>
  }
  return
}
