// RUN: t2c-opt '--pipeline-loops=lanes=1 layer-lanes=fc1:4,fc2.sub:2' '--unroll-lanes=lanes=1 layer-lanes=fc1:4,fc2.sub:2' --split-input-file %s | FileCheck %s
// RUN: not t2c-opt '--unroll-lanes=layer-lanes=fc1:3' %s -o /dev/null 2>&1 | FileCheck %s --check-prefix=BAD
// RUN: not t2c-opt '--unroll-lanes=layer-lanes=fc1' %s -o /dev/null 2>&1 | FileCheck %s --check-prefix=FORM

// Lanes per layer: a nest takes the lanes of the longest entry naming its layer (the
// NameLoc of its location) or a parent module at a '.'. fc1 gets 4 lanes; fc2.sub.inner is
// inside fc2.sub (2 lanes); fc2 itself has no entry and keeps the default, 1 (no lanes);
// fc10 is not fc1's child.
// CHECK-LABEL: func.func @layers
// CHECK:         } {t2c.lanes = 4 : i64, t2c.pipeline}
// CHECK:         } {t2c.lanes = 2 : i64, t2c.pipeline}
// CHECK:         } {t2c.pipeline}
// CHECK:         } {t2c.pipeline}
// BAD: unroll-lanes: lanes must be a power of 2, got 3 for layer 'fc1'
// FORM: unroll-lanes: layer-lanes entry 'fc1' is not NAME:N
func.func @layers(%x: memref<16xf32>, %y: memref<16xf32>, %z: memref<16xf32>,
                  %a: memref<16xf32>, %b: memref<16xf32>, %c: memref<16xf32>,
                  %d: memref<16xf32>) {
  affine.for %i = 0 to 16 {
    %v = affine.load %x[%i] : memref<16xf32>
    %s = arith.addf %v, %v : f32
    affine.store %s, %a[%i] : memref<16xf32>
  } loc("fc1"("model.py":3:0))
  affine.for %i = 0 to 16 {
    %v = affine.load %y[%i] : memref<16xf32>
    %s = arith.addf %v, %v : f32
    affine.store %s, %b[%i] : memref<16xf32>
  } loc("fc2.sub.inner"("model.py":4:0))
  affine.for %i = 0 to 16 {
    %v = affine.load %z[%i] : memref<16xf32>
    %s = arith.addf %v, %v : f32
    affine.store %s, %c[%i] : memref<16xf32>
  } loc("fc2"("model.py":5:0))
  affine.for %i = 0 to 16 {
    %v = affine.load %z[%i] : memref<16xf32>
    %s = arith.addf %v, %v : f32
    affine.store %s, %d[%i] : memref<16xf32>
  } loc("fc10"("model.py":6:0))
  return
}
