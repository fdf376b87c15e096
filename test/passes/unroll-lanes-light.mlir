// RUN: t2c-opt --legalize-float-ops --pipeline-loops=lanes=2 --unroll-lanes=lanes=2 --canonicalize --split-input-file %s | FileCheck %s
// RUN: t2c-opt --legalize-float-ops --pipeline-loops=lanes=2 --unroll-lanes="lanes=2 layer-lanes=act:2" --canonicalize --split-input-file %s | FileCheck %s --check-prefix=NAMED

// A ReLU (no float unit: a compare and a select) over 64 elements after a
// matvec of 64 x 64 multiply-accumulates: at 2 lanes the matvec runs about
// 2,048 cycles, the ReLU 64 on one lane. The ReLU keeps one lane (lanes would
// add banks and bank logic for 32 cycles); the matvec takes 2.
// CHECK-LABEL: func.func @short_relu
// CHECK:         } {t2c.lanes = 2 : i64, t2c.pipeline}
// CHECK:         arith.select %{{.*}} : f32
// CHECK-NOT:     t2c.lanes
// CHECK:         } {t2c.pipeline}
// CHECK-NEXT:    return
// Named in layer-lanes, the ReLU takes the lanes asked for.
// NAMED-LABEL: func.func @short_relu
// NAMED:         } {t2c.lanes = 2 : i64, t2c.pipeline}
// NAMED:         } {t2c.lanes = 2 : i64, t2c.pipeline}
// NAMED-NEXT:    return
func.func @short_relu(%x: memref<64xf32>, %w: memref<4096xf32>, %y: memref<64xf32>, %z: memref<64xf32>) {
  %cst = arith.constant 0.0 : f32
  affine.for %i = 0 to 64 {
    %r = affine.for %k = 0 to 64 iter_args(%acc = %cst) -> (f32) {
      %a = affine.load %x[%k] : memref<64xf32>
      %b = affine.load %w[%k * 64 + %i] : memref<4096xf32>
      %p = arith.mulf %a, %b : f32
      %s = arith.addf %acc, %p : f32
      affine.yield %s : f32
    }
    affine.store %r, %y[%i] : memref<64xf32>
  }
  affine.for %i = 0 to 64 {
    %v = affine.load %y[%i] : memref<64xf32> loc("act")
    %c = arith.cmpf ugt, %v, %cst : f32 loc("act")
    %m = arith.select %c, %v, %cst : f32 loc("act")
    affine.store %m, %z[%i] : memref<64xf32> loc("act")
  } loc("act")
  return
}

// -----

// The same ReLU over 1,024 elements after a matvec of 16 x 64: the ReLU's
// 1,024 cycles on one lane are more than an eighth of the matvec's 512 on
// its lanes, so it takes 2 lanes too.
// CHECK-LABEL: func.func @long_relu
// CHECK:         } {t2c.lanes = 2 : i64, t2c.pipeline}
// CHECK:         } {t2c.lanes = 2 : i64, t2c.pipeline}
// CHECK-NEXT:    return
func.func @long_relu(%x: memref<64xf32>, %w: memref<1024xf32>, %y: memref<16xf32>, %u: memref<1024xf32>, %z: memref<1024xf32>) {
  %cst = arith.constant 0.0 : f32
  affine.for %i = 0 to 16 {
    %r = affine.for %k = 0 to 64 iter_args(%acc = %cst) -> (f32) {
      %a = affine.load %x[%k] : memref<64xf32>
      %b = affine.load %w[%k * 16 + %i] : memref<1024xf32>
      %p = arith.mulf %a, %b : f32
      %s = arith.addf %acc, %p : f32
      affine.yield %s : f32
    }
    affine.store %r, %y[%i] : memref<16xf32>
  }
  affine.for %i = 0 to 1024 {
    %v = affine.load %u[%i] : memref<1024xf32>
    %c = arith.cmpf ugt, %v, %cst : f32
    %m = arith.select %c, %v, %cst : f32
    affine.store %m, %z[%i] : memref<1024xf32>
  }
  return
}

// -----

// A division of 64 elements by a constant (the scaling of attention scores)
// after the 64 x 64 matvec: short, it keeps one lane, where 2 lanes would
// have cost a second divider that no other nest uses.
// CHECK-LABEL: func.func @short_division
// CHECK:         } {t2c.lanes = 2 : i64, t2c.pipeline}
// CHECK:         arith.divf
// CHECK-NOT:     t2c.lanes
// CHECK:         } {t2c.pipeline}
// CHECK-NEXT:    return
func.func @short_division(%x: memref<64xf32>, %w: memref<4096xf32>, %y: memref<64xf32>, %z: memref<64xf32>) {
  %cst = arith.constant 0.0 : f32
  %scale = arith.constant 8.0 : f32
  affine.for %i = 0 to 64 {
    %r = affine.for %k = 0 to 64 iter_args(%acc = %cst) -> (f32) {
      %a = affine.load %x[%k] : memref<64xf32>
      %b = affine.load %w[%k * 64 + %i] : memref<4096xf32>
      %p = arith.mulf %a, %b : f32
      %s = arith.addf %acc, %p : f32
      affine.yield %s : f32
    }
    affine.store %r, %y[%i] : memref<64xf32>
  }
  affine.for %i = 0 to 64 {
    %v = affine.load %y[%i] : memref<64xf32>
    %q = arith.divf %v, %scale : f32
    affine.store %q, %z[%i] : memref<64xf32>
  }
  return
}

// -----

// A bias add of 64 elements after the 64 x 64 matvec: short too, but its 2
// lanes run on the 2 adders the matvec's lanes have anyway, so it takes them.
// CHECK-LABEL: func.func @short_bias
// CHECK:         } {t2c.lanes = 2 : i64, t2c.pipeline}
// CHECK:         arith.addf
// CHECK:         } {t2c.lanes = 2 : i64, t2c.pipeline}
// CHECK-NEXT:    return
func.func @short_bias(%x: memref<64xf32>, %w: memref<4096xf32>, %bias: memref<64xf32>, %y: memref<64xf32>, %z: memref<64xf32>) {
  %cst = arith.constant 0.0 : f32
  affine.for %i = 0 to 64 {
    %r = affine.for %k = 0 to 64 iter_args(%acc = %cst) -> (f32) {
      %a = affine.load %x[%k] : memref<64xf32>
      %b = affine.load %w[%k * 64 + %i] : memref<4096xf32>
      %p = arith.mulf %a, %b : f32
      %s = arith.addf %acc, %p : f32
      affine.yield %s : f32
    }
    affine.store %r, %y[%i] : memref<64xf32>
  }
  affine.for %i = 0 to 64 {
    %v = affine.load %y[%i] : memref<64xf32>
    %c = affine.load %bias[%i] : memref<64xf32>
    %q = arith.addf %v, %c : f32
    affine.store %q, %z[%i] : memref<64xf32>
  }
  return
}
