// RUN: t2c-opt --narrow-float-precision=precision=bf16 --split-input-file --verify-diagnostics %s | FileCheck %s
// RUN: t2c-opt --narrow-float-precision=precision=f16 --split-input-file --verify-diagnostics %s | FileCheck %s --check-prefix=F16

// Weights and constants rounded to bf16, arithmetic in bf16, the interface memories stay
// f32 with a truncf after each load and an extf before each store.
// CHECK:       memref.global "private" constant @w : memref<2xbf16> = dense<[1.000980e-01, 3.000000e+00]>
// CHECK-LABEL: func.func @scale(%arg0: memref<2xf32>, %arg1: memref<2xf32>)
// CHECK-DAG:     %[[W:.*]] = memref.get_global @w : memref<2xbf16>
// CHECK-DAG:     %[[K:.*]] = arith.constant 3.007810e-01 : bf16
// CHECK:         affine.for %[[I:.*]] = 0 to 2 {
// CHECK-NEXT:      %[[A:.*]] = affine.load %arg0[%[[I]]] : memref<2xf32>
// CHECK-NEXT:      %[[A16:.*]] = arith.truncf %[[A]] : f32 to bf16
// CHECK-NEXT:      %[[B:.*]] = affine.load %[[W]][%[[I]]] : memref<2xbf16>
// CHECK-NEXT:      %[[C:.*]] = arith.mulf %[[A16]], %[[B]] : bf16
// CHECK-NEXT:      %[[D:.*]] = arith.addf %[[C]], %[[K]] : bf16
// CHECK-NEXT:      %[[D32:.*]] = arith.extf %[[D]] : bf16 to f32
// CHECK-NEXT:      affine.store %[[D32]], %arg1[%[[I]]] : memref<2xf32>
// F16:         memref.global "private" constant @w : memref<2xf16> = dense<[9.997550e-02, 3.000000e+00]>
// F16-LABEL:   func.func @scale(%arg0: memref<2xf32>, %arg1: memref<2xf32>)
// F16:           arith.constant 3.000490e-01 : f16
// F16:           arith.truncf %{{.*}} : f32 to f16
// F16:           arith.mulf %{{.*}} : f16
// F16:           arith.extf %{{.*}} : f16 to f32
memref.global "private" constant @w : memref<2xf32> = dense<[0.1, 3.0]>
func.func @scale(%x: memref<2xf32>, %y: memref<2xf32>) {
  %w = memref.get_global @w : memref<2xf32>
  %k = arith.constant 0.3 : f32
  affine.for %i = 0 to 2 {
    %a = affine.load %x[%i] : memref<2xf32>
    %b = affine.load %w[%i] : memref<2xf32>
    %c = arith.mulf %a, %b : f32
    %d = arith.addf %c, %k : f32
    affine.store %d, %y[%i] : memref<2xf32>
  }
  return
}

// -----

// Internal buffers, loop-carried values and a private function are narrowed; integer
// and index values are left alone.
// CHECK-LABEL: func.func private @twice(%arg0: bf16) -> bf16
// CHECK-NEXT:    arith.addf %arg0, %arg0 : bf16
// CHECK-LABEL: func.func @sum
// CHECK:         memref.alloc() : memref<4xbf16>
// CHECK:         scf.for {{.*}} iter_args(%{{.*}} = %{{.*}}) -> (bf16)
// CHECK:           memref.load %{{.*}} : memref<4xbf16>
// CHECK:         call @twice(%{{.*}}) : (bf16) -> bf16
// CHECK:         arith.extf %{{.*}} : bf16 to f32
// CHECK:         memref.store %{{.*}}, %arg1[%{{.*}}] : memref<1xf32>
func.func private @twice(%v: f32) -> f32 {
  %r = arith.addf %v, %v : f32
  return %r : f32
}
func.func @sum(%x: memref<4xf32>, %y: memref<1xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %zero = arith.constant 0.0 : f32
  %buf = memref.alloc() : memref<4xf32>
  scf.for %i = %c0 to %c4 step %c1 {
    %a = memref.load %x[%i] : memref<4xf32>
    memref.store %a, %buf[%i] : memref<4xf32>
  }
  %s = scf.for %i = %c0 to %c4 step %c1 iter_args(%acc = %zero) -> (f32) {
    %a = memref.load %buf[%i] : memref<4xf32>
    %n = arith.addf %acc, %a : f32
    scf.yield %n : f32
  }
  %t = func.call @twice(%s) : (f32) -> f32
  memref.store %t, %y[%c0] : memref<1xf32>
  return
}

// -----

// A program that already computes in half precision is refused.
func.func @half(%x: memref<2xf16>, %y: memref<2xf16>) {
  %c0 = arith.constant 0 : index
  // expected-error @+1 {{narrow-float-precision compiles float32 programs only}}
  %a = memref.load %x[%c0] : memref<2xf16>
  memref.store %a, %y[%c0] : memref<2xf16>
  return
}

// -----

// An interface memory passed to a call cannot keep its f32 type.
func.func private @use(memref<2xf32>)
func.func @escape(%x: memref<2xf32>) {
  // expected-error @+1 {{other than by a load or store}}
  func.call @use(%x) : (memref<2xf32>) -> ()
  return
}

// -----

// Weights given as a dense_resource blob cannot be rounded here.
// expected-error @+1 {{which narrow-float-precision cannot round; give the data inline}}
memref.global "private" constant @blob : memref<2xf32> = dense_resource<w>
func.func @reads_blob(%y: memref<2xf32>) {
  %c0 = arith.constant 0 : index
  %w = memref.get_global @blob : memref<2xf32>
  %a = memref.load %w[%c0] : memref<2xf32>
  memref.store %a, %y[%c0] : memref<2xf32>
  return
}

{-#
  dialect_resources: {
    builtin: {
      w: "0x040000000000803F00000040"
    }
  }
#-}
