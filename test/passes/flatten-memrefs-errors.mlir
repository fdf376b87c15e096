// RUN: t2c-opt --flatten-memrefs --split-input-file --verify-diagnostics %s
// RUN: not t2c-opt --flatten-memrefs --mlir-print-ir-after-failure %s 2>&1 | FileCheck %s --check-prefix=UNCHANGED

// A failing run leaves the IR as it was: nothing was flattened.
// UNCHANGED: IR Dump After FlattenMemrefs Failed
// UNCHANGED: func.func @view(%{{.*}}: memref<4x4xf32>)
// UNCHANGED: memref.global "private" constant @g : memref<2x2xf32>

// A subview of a 2-D memref cannot be linearized by this pass.
func.func @view(%m: memref<4x4xf32>) {
  // expected-error @+1 {{'memref.subview' op cannot be flattened: flatten-memrefs does not know how to rewrite this op on 'memref<4x4xf32>'}}
  %s = memref.subview %m[0, 0] [2, 2] [1, 1] : memref<4x4xf32> to memref<2x2xf32, strided<[4, 1]>>
  return
}

// -----

// Dynamic shapes are reported on the function that declares them, and on each user.
// expected-error @+1 {{'func.func' op cannot be flattened: argument #0 of type 'memref<?x4xf32>' has a dynamic shape}}
func.func @dynamic(%m: memref<?x4xf32>, %i: index) -> f32 {
  // expected-error @+1 {{'memref.load' op cannot be flattened: operand #0 of type 'memref<?x4xf32>' has a dynamic shape}}
  %v = memref.load %m[%i, %i] : memref<?x4xf32>
  return %v : f32
}

// -----

// Non-identity layouts.
// expected-error @+1 {{'func.func' op cannot be flattened: argument #0 of type 'memref<2x2xf32, strided<[1, 2]>>' has a non-identity layout}}
func.func @strided(%m: memref<2x2xf32, strided<[1, 2]>>) {
  return
}

// -----

// Reshapes and casts.
func.func @reshape(%m: memref<4xf32>) {
  // expected-error @+1 {{'memref.expand_shape' op cannot be flattened}}
  %e = memref.expand_shape %m [[0, 1]] output_shape [2, 2] : memref<4xf32> into memref<2x2xf32>
  return
}

// -----

func.func @reinterpret(%m: memref<4xf32>) {
  // expected-error @+1 {{'memref.reinterpret_cast' op cannot be flattened}}
  %r = memref.reinterpret_cast %m to offset: [0], sizes: [2, 2], strides: [2, 1] : memref<4xf32> to memref<2x2xf32>
  return
}

// -----

// Memrefs passed between blocks are not rewritten.
// expected-error @+1 {{'func.func' op cannot be flattened: block argument #0 has type 'memref<2x2xf32>'; memrefs carried through loops or branches are not supported}}
func.func @branches(%a: memref<2x2xf32>) {
  // expected-error @+1 {{'cf.br' op cannot be flattened}}
  cf.br ^bb1(%a : memref<2x2xf32>)
^bb1(%m: memref<2x2xf32>):
  return
}

// -----

// Memrefs carried through loops are not rewritten either.

func.func @carried(%a: memref<2x2xf32>, %b: memref<2x2xf32>) {
  %c0 = arith.constant 0 : index
  %c2 = arith.constant 2 : index
  %c1 = arith.constant 1 : index
  // expected-error @+1 {{'scf.for' op cannot be flattened: flatten-memrefs does not know how to rewrite this op}}
  %r = scf.for %i = %c0 to %c2 step %c1 iter_args(%m = %a) -> (memref<2x2xf32>) {
    // expected-error @+1 {{'scf.yield' op cannot be flattened}}
    scf.yield %b : memref<2x2xf32>
  }
  return
}

// -----

// Several problems are all reported in one run.
memref.global "private" constant @g : memref<2x2xf32> = dense<1.0>
func.func @many(%m: memref<4x4xf32>) {
  %c0 = arith.constant 0 : index
  %g = memref.get_global @g : memref<2x2xf32>
  // expected-error @+1 {{'memref.cast' op cannot be flattened}}
  %c = memref.cast %g : memref<2x2xf32> to memref<?x2xf32>
  // expected-error @+1 {{'memref.dim' op cannot be flattened}}
  %d = memref.dim %m, %c0 : memref<4x4xf32>
  return
}
