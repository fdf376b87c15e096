// RUN: t2c-opt --pipeline-loops=lanes=4 --unroll-lanes=lanes=4 --canonicalize --split-input-file %s | FileCheck %s --check-prefix=FOUR
// RUN: t2c-opt --pipeline-loops=lanes=16 --unroll-lanes=lanes=16 --canonicalize --split-input-file %s | FileCheck %s --check-prefix=SIXTEEN

// Four outputs of a 48-long dot product. At 4 lanes the outputs give 2 lanes (2 interleaved
// sums each); splitting the reduction would give 4 but costs a joining nest after the stream,
// so it is not taken: a split must give at least 4 times the lanes of the outputs. At 16 lanes
// it gives 16 (8 times 2): 16 partial sums, stored by the last step into 16 banks and joined
// by an adder tree in a nest of their own after the stream (15 adds, on units the lowering
// shares with the 16 lanes' adders), not in the pipelined nest.
// FOUR-LABEL:  func.func @matvec4
// FOUR-COUNT-2:  arith.addf
// FOUR-NOT:      arith.addf
// FOUR:          t2c.lanes = 2 : i64
// SIXTEEN-LABEL: func.func @matvec4
// SIXTEEN:       memref.alloc() {t2c.banks = array<i64: 16, 1>} : memref<64xf32>
// SIXTEEN-COUNT-16: arith.addf
// SIXTEEN-NOT:   arith.addf
// SIXTEEN:       t2c.lanes = 16 : i64
// SIXTEEN-NEXT:  scf.for %{{.*}} = %c0 to %c4 step %c1
// SIXTEEN-COUNT-16: memref.load
// SIXTEEN-COUNT-15: arith.addf
// SIXTEEN-NOT:   arith.addf
// SIXTEEN:       } {t2c.joins, t2c.pipeline}
func.func @matvec4(%x: memref<48xf32>, %w: memref<192xf32>, %y: memref<4xf32>) {
  %cst = arith.constant 0.0 : f32
  affine.for %i = 0 to 4 {
    %r = affine.for %k = 0 to 48 iter_args(%acc = %cst) -> (f32) {
      %a = affine.load %x[%k] : memref<48xf32>
      %b = affine.load %w[%k * 4 + %i] : memref<192xf32>
      %p = arith.mulf %a, %b : f32
      %s = arith.addf %acc, %p : f32
      affine.yield %s : f32
    }
    affine.store %r, %y[%i] : memref<4xf32>
  }
  return
}

// -----

// The same dot products, then a bias added to each output. The joining nest stores the totals
// at a bank fixed per store, as the last step it replaces did: the bias nest may not bank %t
// (a run-time bank choice would make the joining nest's store n guarded writes), so it keeps
// one lane and %t stays one memory.
// SIXTEEN-LABEL: func.func @matvec4_bias
// SIXTEEN:       memref.alloc() : memref<4xf32>
// SIXTEEN:       } {t2c.lanes = 16 : i64, t2c.pipeline, t2c.reduction}
// SIXTEEN:       } {t2c.joins, t2c.pipeline}
// SIXTEEN-NOT:   t2c.lanes
// SIXTEEN:       return
func.func @matvec4_bias(%x: memref<48xf32>, %w: memref<192xf32>, %b: memref<4xf32>, %y: memref<4xf32>) {
  %cst = arith.constant 0.0 : f32
  %t = memref.alloc() : memref<4xf32>
  affine.for %i = 0 to 4 {
    %r = affine.for %k = 0 to 48 iter_args(%acc = %cst) -> (f32) {
      %a = affine.load %x[%k] : memref<48xf32>
      %c = affine.load %w[%k * 4 + %i] : memref<192xf32>
      %p = arith.mulf %a, %c : f32
      %s = arith.addf %acc, %p : f32
      affine.yield %s : f32
    }
    affine.store %r, %t[%i] : memref<4xf32>
  }
  affine.for %i = 0 to 4 {
    %v = affine.load %t[%i] : memref<4xf32>
    %c = affine.load %b[%i] : memref<4xf32>
    %s = arith.addf %v, %c : f32
    affine.store %s, %y[%i] : memref<4xf32>
  }
  return
}
