// RUN: t2c-opt --fold-conversion-copies --split-input-file %s | FileCheck %s

// A bf16 weight copied to f32 once: the matmul reads the weight and converts; the copy
// nest and its buffer go.
// CHECK-LABEL: func.func @linear
// CHECK-NOT:     memref.alloc
// CHECK:         affine.for %[[I:.*]] = 0 to 2 {
// CHECK-NEXT:      affine.for %[[J:.*]] = 0 to 3 {
// CHECK-NEXT:        affine.for %[[K:.*]] = 0 to 6 {
// CHECK-NEXT:          %[[X:.*]] = affine.load %arg0[%[[I]], %[[K]]] : memref<2x6xf32>
// CHECK-NEXT:          %[[H:.*]] = affine.load %{{.*}}[%[[K]], %[[J]]] : memref<6x3xbf16>
// CHECK-NEXT:          %[[W:.*]] = arith.extf %[[H]] : bf16 to f32
// CHECK-NEXT:          %{{.*}} = affine.load %arg1[%[[I]], %[[J]]] : memref<2x3xf32>
// CHECK-NEXT:          arith.mulf %[[X]], %[[W]] : f32
memref.global "private" constant @w : memref<6x3xbf16> = dense<1.0>
func.func @linear(%x: memref<2x6xf32>, %y: memref<2x3xf32>) {
  %w = memref.get_global @w : memref<6x3xbf16>
  %w32 = memref.alloc() : memref<6x3xf32>
  affine.for %i = 0 to 6 {
    affine.for %j = 0 to 3 {
      %h = affine.load %w[%i, %j] : memref<6x3xbf16>
      %e = arith.extf %h : bf16 to f32
      affine.store %e, %w32[%i, %j] : memref<6x3xf32>
    }
  }
  affine.for %i = 0 to 2 {
    affine.for %j = 0 to 3 {
      affine.for %k = 0 to 6 {
        %a = affine.load %x[%i, %k] : memref<2x6xf32>
        %b = affine.load %w32[%k, %j] : memref<6x3xf32>
        %c = affine.load %y[%i, %j] : memref<2x3xf32>
        %p = arith.mulf %a, %b : f32
        %s = arith.addf %c, %p : f32
        affine.store %s, %y[%i, %j] : memref<2x3xf32>
      }
    }
  }
  return
}

// -----

// A copy of part of the buffer only (bounds 0 to 2 of 4) is no full copy: kept.
// CHECK-LABEL: func.func @partial
// CHECK:         memref.alloc() : memref<4xf32>
// CHECK:         arith.extf
// CHECK:         affine.store
func.func @partial(%x: memref<4xf16>, %y: memref<4xf32>) {
  %b = memref.alloc() : memref<4xf32>
  affine.for %i = 0 to 2 {
    %h = affine.load %x[%i] : memref<4xf16>
    %e = arith.extf %h : f16 to f32
    affine.store %e, %b[%i] : memref<4xf32>
  }
  affine.for %i = 0 to 4 {
    %v = affine.load %b[%i] : memref<4xf32>
    affine.store %v, %y[%i] : memref<4xf32>
  }
  return
}

// -----

// A buffer also written by the computation is kept.
// CHECK-LABEL: func.func @rewritten
// CHECK:         memref.alloc() : memref<4xf32>
func.func @rewritten(%x: memref<4xf16>, %y: memref<4xf32>) {
  %b = memref.alloc() : memref<4xf32>
  %one = arith.constant 1.0 : f32
  affine.for %i = 0 to 4 {
    %h = affine.load %x[%i] : memref<4xf16>
    %e = arith.extf %h : f16 to f32
    affine.store %e, %b[%i] : memref<4xf32>
  }
  affine.for %i = 0 to 4 {
    %v = affine.load %b[%i] : memref<4xf32>
    %w = arith.addf %v, %one : f32
    affine.store %w, %b[%i] : memref<4xf32>
  }
  affine.for %i = 0 to 4 {
    %v = affine.load %b[%i] : memref<4xf32>
    affine.store %v, %y[%i] : memref<4xf32>
  }
  return
}
