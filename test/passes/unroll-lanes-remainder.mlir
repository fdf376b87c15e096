// RUN: t2c-opt --pipeline-loops=lanes=4 --unroll-lanes=lanes=4 --canonicalize --split-input-file %s | FileCheck %s

// 3 channels of 5 elements at 4 lanes: no power of 2 divides 3 or 5, so
// the channel loop is padded to 4 (one block: 5 iterations instead of 15).
// The 4th lane's iteration is past the end: its store is guarded by
// `3 < 3`, which canonicalize folds away with the lane. The nest records
// the padding.
// CHECK-LABEL: func.func @scale
// CHECK-SAME:    memref<15xf32> {t2c.banks = array<i64: 4, 5>}, %{{.*}}: memref<3xf32> {t2c.banks = array<i64: 4, 1>}, %{{.*}}: memref<15xf32> {t2c.banks = array<i64: 4, 5>}
// CHECK:         scf.for %{{.*}} = %c0 to %c5 step %c1
// CHECK-COUNT-3:   memref.store
// CHECK-NOT:       memref.store
// CHECK:         } {t2c.lanes = 4 : i64, t2c.padded = array<i64: 3, 4>, t2c.pipeline}
func.func @scale(%x: memref<15xf32>, %w: memref<3xf32>, %y: memref<15xf32>) {
  affine.for %c = 0 to 3 {
    affine.for %j = 0 to 5 {
      %a = affine.load %x[%c * 5 + %j] : memref<15xf32>
      %b = affine.load %w[%c] : memref<3xf32>
      %p = arith.mulf %a, %b : f32
      affine.store %p, %y[%c * 5 + %j] : memref<15xf32>
    }
  }
  return
}

// -----

// 5 iterations padded to 8 (2 blocks of 4 lanes): lanes 1 to 3 run past the
// end in the second block, so their stores are guarded by `x' * 4 + l < 5`.
// Lane 3 reads x[x' * 4 + 9], 13 at most: the 11 elements fill 3 per bank,
// so the banking asks for banks of 4 (the third field).
// CHECK-LABEL: func.func @shifted
// CHECK-SAME:    memref<11xf32> {t2c.banks = array<i64: 4, 1, 4>}, %{{.*}}: memref<5xf32> {t2c.banks = array<i64: 4, 1>}
// CHECK:         scf.for %[[B:.*]] = %c0 to %c2 step %c1
// CHECK:           %[[P1:.*]] = arith.addi %{{.*}}, %c1 : index
// CHECK-NEXT:      %[[V1:.*]] = arith.cmpi ult, %[[P1]], %c5 : index
// CHECK:           %[[P2:.*]] = arith.addi %{{.*}}, %c2 : index
// CHECK-NEXT:      %[[V2:.*]] = arith.cmpi ult, %[[P2]], %c5 : index
// CHECK:           %[[P3:.*]] = arith.addi %{{.*}}, %c3 : index
// CHECK-NEXT:      %[[V3:.*]] = arith.cmpi ult, %[[P3]], %c5 : index
// CHECK-COUNT-4:   memref.load %arg0
// CHECK:           memref.store %{{.*}}, %arg1[%{{.*}}]
// CHECK-NEXT:      scf.if %[[V1]] {
// CHECK-NEXT:        memref.store %{{.*}}, %arg1[%[[P1]]]
// CHECK:           scf.if %[[V2]] {
// CHECK-NEXT:        memref.store %{{.*}}, %arg1[%[[P2]]]
// CHECK:           scf.if %[[V3]] {
// CHECK-NEXT:        memref.store %{{.*}}, %arg1[%[[P3]]]
// CHECK:         } {t2c.lanes = 4 : i64, t2c.padded = array<i64: 5, 8>, t2c.pipeline}
func.func @shifted(%x: memref<11xf32>, %y: memref<5xf32>) {
  affine.for %i = 0 to 5 {
    %a = affine.load %x[%i + 6] : memref<11xf32>
    %p = arith.addf %a, %a : f32
    affine.store %p, %y[%i] : memref<5xf32>
  }
  return
}

// -----

// Two outputs (interleaved, one lane's worth) of a 10-long sum: the sum is
// split into 4 partial sums, the reduction padded to 12. Lanes 2 and 3 run
// past the end in the last block: their terms become -0.0 there (the sum's
// identity, so that the total is exact); the last step is at x' = 2.
// CHECK-LABEL: func.func @dot10
// CHECK-DAG:     %[[NZ:.*]] = arith.constant -0.000000e+00 : f32
// CHECK:         scf.for %[[K:.*]] = %c0 to %c3 step %c1
// CHECK:           arith.cmpi eq, %[[K]], %c0
// CHECK:           %[[LAST:.*]] = arith.cmpi eq, %[[K]], %c2
// CHECK:           %[[V2:.*]] = arith.cmpi ult, %{{.*}}, %c10 : index
// CHECK:           %[[V3:.*]] = arith.cmpi ult, %{{.*}}, %c10 : index
// CHECK:           arith.mulf
// CHECK-NEXT:      arith.mulf
// CHECK-NEXT:      %[[M2:.*]] = arith.mulf
// CHECK-NEXT:      %[[M3:.*]] = arith.mulf
// CHECK-NEXT:      arith.addf
// CHECK-NEXT:      arith.addf
// CHECK:           %[[T2:.*]] = arith.select %[[V2]], %[[M2]], %[[NZ]] : f32
// CHECK-NEXT:      arith.addf %{{.*}}, %[[T2]] : f32
// CHECK-NEXT:      %[[T3:.*]] = arith.select %[[V3]], %[[M3]], %[[NZ]] : f32
// CHECK-NEXT:      arith.addf %{{.*}}, %[[T3]] : f32
// CHECK:           scf.if %[[LAST]]
// CHECK:         } {t2c.lanes = 4 : i64, t2c.padded = array<i64: 10, 12>, t2c.pipeline, t2c.reduction}
// CHECK:         } {t2c.joins, t2c.pipeline}
func.func @dot10(%x: memref<10xf32>, %w: memref<20xf32>, %y: memref<2xf32>) {
  %cst = arith.constant 0.0 : f32
  affine.for %o = 0 to 2 {
    %r = affine.for %k = 0 to 10 iter_args(%acc = %cst) -> (f32) {
      %a = affine.load %x[%k] : memref<10xf32>
      %b = affine.load %w[%k * 2 + %o] : memref<20xf32>
      %p = arith.mulf %a, %b : f32
      %s = arith.addf %acc, %p : f32
      affine.yield %s : f32
    }
    affine.store %r, %y[%o] : memref<2xf32>
  }
  return
}
