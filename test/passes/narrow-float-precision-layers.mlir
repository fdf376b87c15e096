// RUN: t2c-opt --narrow-float-precision="precision=f32 layer-precision=fc1:bf16" --split-input-file --verify-diagnostics %s | FileCheck %s
// RUN: t2c-opt --narrow-float-precision="precision=bf16 layer-precision=fc2:f32,fc2.act:f16" --split-input-file --verify-diagnostics %s | FileCheck %s --check-prefix=DFLT
// RUN: not t2c-opt --narrow-float-precision="precision=f32 layer-precision=fc1:fp8" %s 2>&1 | FileCheck %s --check-prefix=BAD

// BAD: layer-precision entry 'fc1:fp8' is not NAME:TYPE

// fc1 computes in bf16: its weight (read only by fc1) and the buffer it writes are bf16,
// its constant is rounded; fc2 stays f32 and extends what it reads from the buffer. The
// weight @shared, read by both layers, stays f32 and fc1 truncates what it loads.
// CHECK-DAG:   memref.global "private" constant @w1 : memref<2xbf16> = dense<[1.000980e-01, 3.000000e+00]>
// CHECK-DAG:   memref.global "private" constant @shared : memref<2xf32> = dense<[1.000000e-01, 2.000000e+00]>
// CHECK-DAG:   memref.global "private" constant @w2 : memref<2xf32> = dense<[1.000000e-01, 5.000000e-01]>
// CHECK-LABEL: func.func @mlp(%arg0: memref<2xf32>, %arg1: memref<2xf32>)
// CHECK-DAG:     %[[W1:.*]] = memref.get_global @w1 : memref<2xbf16>
// CHECK-DAG:     %[[H:.*]] = memref.alloc() : memref<2xbf16>
// CHECK-DAG:     %[[K16:.*]] = arith.constant 3.007810e-01 : bf16
// CHECK-DAG:     %[[K32:.*]] = arith.constant 3.000000e-01 : f32
// CHECK:         affine.for %[[I:.*]] = 0 to 2 {
// CHECK-NEXT:      %[[A:.*]] = affine.load %arg0[%[[I]]] : memref<2xf32>
// CHECK-NEXT:      %[[A16:.*]] = arith.truncf %[[A]] : f32 to bf16
// CHECK-NEXT:      %[[B:.*]] = affine.load %[[W1]][%[[I]]] : memref<2xbf16>
// CHECK-NEXT:      %[[S:.*]] = affine.load %{{.*}}[%[[I]]] : memref<2xf32>
// CHECK-NEXT:      %[[S16:.*]] = arith.truncf %[[S]] : f32 to bf16
// CHECK-NEXT:      %[[C:.*]] = arith.mulf %[[A16]], %[[B]] : bf16
// CHECK-NEXT:      %[[D:.*]] = arith.addf %[[C]], %[[S16]] : bf16
// CHECK-NEXT:      %[[E:.*]] = arith.addf %[[D]], %[[K16]] : bf16
// CHECK-NEXT:      affine.store %[[E]], %[[H]][%[[I]]] : memref<2xbf16>
// CHECK:         affine.for %[[J:.*]] = 0 to 2 {
// CHECK-NEXT:      %[[F:.*]] = affine.load %[[H]][%[[J]]] : memref<2xbf16>
// CHECK-NEXT:      %[[F32:.*]] = arith.extf %[[F]] : bf16 to f32
// CHECK-NEXT:      %[[G:.*]] = affine.load %{{.*}}[%[[J]]] : memref<2xf32>
// CHECK-NEXT:      %[[T:.*]] = affine.load %{{.*}}[%[[J]]] : memref<2xf32>
// CHECK-NEXT:      %[[M:.*]] = arith.mulf %[[F32]], %[[G]] : f32
// CHECK-NEXT:      %[[N:.*]] = arith.addf %[[M]], %[[T]] : f32
// CHECK-NEXT:      %[[O:.*]] = arith.addf %[[N]], %[[K32]] : f32
// CHECK-NEXT:      %[[R:.*]] = arith.maximumf %[[O]], %[[F32]] : f32
// CHECK-NEXT:      affine.store %[[R]], %arg1[%[[J]]] : memref<2xf32>

// With bf16 by default, fc2 at f32 and fc2.act (inside fc2, the longer name wins) at f16:
// @shared is read by bf16 and f32 ops and stays f32; the f16 op converts its bf16 operand
// through f32 and its f32 one by a truncf, and its result is extended for the f32 store.
// DFLT-DAG:    memref.global "private" constant @w1 : memref<2xbf16>
// DFLT-DAG:    memref.global "private" constant @shared : memref<2xf32>
// DFLT-DAG:    memref.global "private" constant @w2 : memref<2xf32>
// DFLT:          arith.mulf %{{.*}}, %{{.*}} : bf16
// DFLT:          affine.store %{{.*}} : memref<2xbf16>
// DFLT:          %[[F:.*]] = affine.load %{{.*}} : memref<2xbf16>
// DFLT-NEXT:     %[[FW:.*]] = arith.extf %[[F]] : bf16 to f32
// DFLT-NEXT:     %[[FH:.*]] = arith.truncf %[[FW]] : f32 to f16
// DFLT:          arith.mulf %{{.*}}, %{{.*}} : f32
// DFLT:          %[[O:.*]] = arith.addf %{{.*}}, %cst{{.*}} : f32
// DFLT-NEXT:     %[[O16:.*]] = arith.truncf %[[O]] : f32 to f16
// DFLT-NEXT:     %[[R:.*]] = arith.maximumf %[[O16]], %[[FH]] : f16
// DFLT-NEXT:     %[[R32:.*]] = arith.extf %[[R]] : f16 to f32
// DFLT-NEXT:     affine.store %[[R32]], %arg1
memref.global "private" constant @w1 : memref<2xf32> = dense<[0.1, 3.0]>
memref.global "private" constant @shared : memref<2xf32> = dense<[0.1, 2.0]>
memref.global "private" constant @w2 : memref<2xf32> = dense<[0.1, 0.5]>
func.func @mlp(%x: memref<2xf32>, %y: memref<2xf32>) {
  %w1 = memref.get_global @w1 : memref<2xf32>
  %s = memref.get_global @shared : memref<2xf32>
  %w2 = memref.get_global @w2 : memref<2xf32>
  %k = arith.constant 0.3 : f32
  %h = memref.alloc() : memref<2xf32>
  affine.for %i = 0 to 2 {
    %a = affine.load %x[%i] : memref<2xf32> loc("fc1")
    %b = affine.load %w1[%i] : memref<2xf32> loc("fc1")
    %t = affine.load %s[%i] : memref<2xf32> loc("fc1")
    %c = arith.mulf %a, %b : f32 loc("fc1")
    %d = arith.addf %c, %t : f32 loc("fc1")
    %e = arith.addf %d, %k : f32 loc("fc1")
    affine.store %e, %h[%i] : memref<2xf32> loc("fc1")
  } loc("fc1")
  affine.for %j = 0 to 2 {
    %f = affine.load %h[%j] : memref<2xf32> loc("fc2")
    %g = affine.load %w2[%j] : memref<2xf32> loc("fc2")
    %t = affine.load %s[%j] : memref<2xf32> loc("fc2")
    %m = arith.mulf %f, %g : f32 loc("fc2")
    %n = arith.addf %m, %t : f32 loc("fc2")
    %o = arith.addf %n, %k : f32 loc("fc2")
    %r = arith.maximumf %o, %f : f32 loc("fc2.act")
    affine.store %r, %y[%j] : memref<2xf32> loc("fc2")
  } loc("fc2")
  return
}

// -----

// A loop-carried sum keeps its f32 iter_args and yield; the op of the bf16 layer inside
// converts at its operands and result. Ops take the layer of an enclosing op's location.
// CHECK-LABEL: func.func @carried
// CHECK:         scf.for {{.*}} iter_args(%[[ACC:.*]] = %{{.*}}) -> (f32) {
// CHECK-NEXT:      %[[A16:.*]] = arith.truncf %[[ACC]] : f32 to bf16
// CHECK-NEXT:      %[[L:.*]] = memref.load %arg0[%{{.*}}] : memref<4xf32>
// CHECK-NEXT:      %[[L16:.*]] = arith.truncf %[[L]] : f32 to bf16
// CHECK-NEXT:      %[[N:.*]] = arith.addf %[[A16]], %[[L16]] : bf16
// CHECK-NEXT:      %[[N32:.*]] = arith.extf %[[N]] : bf16 to f32
// CHECK-NEXT:      scf.yield %[[N32]] : f32
func.func @carried(%x: memref<4xf32>, %y: memref<1xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %zero = arith.constant 0.0 : f32
  %s = scf.for %i = %c0 to %c4 step %c1 iter_args(%acc = %zero) -> (f32) {
    %a = memref.load %x[%i] : memref<4xf32>
    %n = arith.addf %acc, %a : f32
    scf.yield %n : f32
  } loc("fc1")
  memref.store %s, %y[%c0] : memref<1xf32>
  return
}


// -----

// A weight loaded in one layer's nest but used only by another layer's op is narrowed with
// that layer (torch-mlir puts a Linear's bias add in the next ReLU's nest).
// CHECK-LABEL: func.func @bias
// CHECK:         memref.get_global @b : memref<2xbf16>
// CHECK:         arith.addf %{{.*}}, %{{.*}} : bf16
// CHECK:         arith.maximumf %{{.*}}, %{{.*}} : f32
memref.global "private" constant @b : memref<2xf32> = dense<[0.5, 1.0]>
func.func @bias(%x: memref<2xf32>, %y: memref<2xf32>) {
  %b = memref.get_global @b : memref<2xf32>
  %z = arith.constant 0.0 : f32
  affine.for %i = 0 to 2 {
    %a = affine.load %x[%i] : memref<2xf32>
    %c = affine.load %b[%i] : memref<2xf32>
    %d = arith.addf %a, %c : f32 loc("fc1")
    %e = arith.maximumf %d, %z : f32
    affine.store %e, %y[%i] : memref<2xf32>
  } loc("act")
  return
}
