// RUN: t2c-opt --pipeline-loops=lanes=2 --unroll-lanes=lanes=2 --canonicalize --split-input-file %s | FileCheck %s

// A matvec: the interleaving loop is dealt to 2 lanes; each lane has its own
// partial sums, multiplies the broadcast input element (read once) by its own
// weight, and the weight and output memories are banked cyclically.
// CHECK-LABEL: func.func @matvec
// CHECK-SAME:    %{{.*}}: memref<8xf32>, %{{.*}}: memref<32xf32> {t2c.banks = array<i64: 2, 1>}, %{{.*}}: memref<4xf32> {t2c.banks = array<i64: 2, 1>}
// CHECK-DAG:     memref.alloca() {t2c.rotating} : memref<2xf32>
// CHECK-DAG:     memref.alloca() {t2c.rotating} : memref<2xf32>
// CHECK:         scf.for
// CHECK:           scf.for
// CHECK-COUNT-1:     memref.load %arg0
// CHECK-COUNT-2:     arith.mulf
// CHECK:         } {t2c.lanes = 2 : i64, t2c.pipeline, t2c.reduction}
func.func @matvec(%x: memref<8xf32>, %w: memref<32xf32>, %y: memref<4xf32>) {
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

// Two outputs only: the reduction is split into two partial sums instead
// (the second starts from -0.0). The last step stores each lane's partial
// sum in its own bank of a buffer; a nest over the outputs after the stream
// adds them (on the lanes' adders) and stores the total.
// CHECK-LABEL: func.func @dot2
// CHECK-DAG:     %[[NZ:.*]] = arith.constant -0.000000e+00 : f32
// CHECK:         %[[P:.*]] = memref.alloc() {t2c.banks = array<i64: 2, 1>} : memref<4xf32>
// CHECK:         scf.for %[[K:.*]] = %c0 to %c4 step %c1
// CHECK:           scf.for %[[O:.*]] = %c0 to %c2 step %c1
// CHECK:           arith.cmpi eq, %[[K]], %c0
// CHECK:           arith.cmpi eq, %[[K]], %c3
// CHECK:           arith.select %{{.*}}, %[[NZ]], %{{.*}} : f32
// CHECK:           %[[S0:.*]] = arith.addf
// CHECK:           %[[S1:.*]] = arith.addf
// CHECK-NOT:       arith.addf
// CHECK:           scf.if
// CHECK-NEXT:        %[[I:.*]] = arith.muli %[[O]], %c2
// CHECK-NEXT:        memref.store %[[S0]], %[[P]][%[[I]]]
// CHECK-NEXT:        %[[I1:.*]] = arith.addi %[[I]], %c1
// CHECK-NEXT:        memref.store %[[S1]], %[[P]][%[[I1]]]
// CHECK:         t2c.lanes = 2
// CHECK-NEXT:    scf.for %[[J:.*]] = %c0 to %c2 step %c1
// CHECK-NEXT:      %[[B:.*]] = arith.muli %[[J]], %c2
// CHECK-NEXT:      %[[A0:.*]] = memref.load %[[P]][%[[B]]]
// CHECK-NEXT:      %[[B1:.*]] = arith.addi %[[B]], %c1
// CHECK-NEXT:      %[[A1:.*]] = memref.load %[[P]][%[[B1]]]
// CHECK-NEXT:      %[[T:.*]] = arith.addf %[[A0]], %[[A1]] : f32
// CHECK-NEXT:      memref.store %[[T]], %arg2[%[[J]]]
// CHECK-NEXT:    } {t2c.joins, t2c.pipeline}
func.func @dot2(%x: memref<8xf32>, %w: memref<16xf32>, %y: memref<2xf32>) {
  %cst = arith.constant 0.0 : f32
  affine.for %i = 0 to 2 {
    %r = affine.for %k = 0 to 8 iter_args(%acc = %cst) -> (f32) {
      %a = affine.load %x[%k] : memref<8xf32>
      %b = affine.load %w[%k * 2 + %i] : memref<16xf32>
      %p = arith.mulf %a, %b : f32
      %s = arith.addf %acc, %p : f32
      affine.yield %s : f32
    }
    affine.store %r, %y[%i] : memref<2xf32>
  }
  return
}

// -----

// An elementwise map of 6 elements: split by 2, each lane on its own bank.
// CHECK-LABEL: func.func @map
// CHECK:         scf.for %{{.*}} = %c0 to %c3 step %c1
// CHECK-COUNT-2:   arith.addf
// CHECK:         } {t2c.lanes = 2 : i64, t2c.pipeline}
func.func @map(%x: memref<6xf32>, %y: memref<6xf32>) {
  %buf = memref.alloc() : memref<6xf32>
  affine.for %i = 0 to 6 {
    %v = affine.load %x[%i] : memref<6xf32>
    %s = arith.addf %v, %v : f32
    affine.store %s, %buf[%i] : memref<6xf32>
  }
  affine.for %i = 0 to 6 {
    %v = affine.load %buf[%i] : memref<6xf32>
    affine.store %v, %y[%i] : memref<6xf32>
  }
  return
}

// -----

// An odd trip count: no lane split divides it, so the loop is padded to 6
// (the last lane's store guarded; see unroll-lanes-remainder.mlir).
// CHECK-LABEL: func.func @odd
// CHECK:         scf.if
// CHECK:         t2c.lanes = 2 : i64, t2c.padded = array<i64: 5, 6>
func.func @odd(%x: memref<5xf32>, %y: memref<5xf32>) {
  affine.for %i = 0 to 5 {
    %v = affine.load %x[%i] : memref<5xf32>
    %s = arith.addf %v, %v : f32
    affine.store %s, %y[%i] : memref<5xf32>
  }
  return
}
