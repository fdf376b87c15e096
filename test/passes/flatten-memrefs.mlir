// RUN: t2c-opt --flatten-memrefs --split-input-file %s | FileCheck %s

// A 2-D weight read with affine.load, written with memref.store: the global is
// reshaped, the affine map linearized, the memref.store index computed with arith.
// CHECK-LABEL: memref.global "private" constant @w : memref<6xf32> = dense<[1.000000e+00, 2.000000e+00, 3.000000e+00, 4.000000e+00, 5.000000e+00, 6.000000e+00]>
// CHECK-LABEL: func.func @matrix(
// CHECK-SAME:      %[[OUT:.*]]: memref<6xf32> {t2c.name = "out"}, %[[I:.*]]: index, %[[J:.*]]: index)
// CHECK-NEXT:    %[[W:.*]] = memref.get_global @w : memref<6xf32>
// CHECK-NEXT:    %[[V:.*]] = affine.load %[[W]][%[[I]] * 3 + %[[J]]] : memref<6xf32>
// CHECK-NEXT:    %[[C3:.*]] = arith.constant 3 : index
// CHECK-NEXT:    %[[MUL:.*]] = arith.muli %[[I]], %[[C3]] : index
// CHECK-NEXT:    %[[IDX:.*]] = arith.addi %[[MUL]], %[[J]] : index
// CHECK-NEXT:    memref.store %[[V]], %[[OUT]][%[[IDX]]] : memref<6xf32>
// CHECK-NEXT:    return
memref.global "private" constant @w : memref<2x3xf32> = dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]>
func.func @matrix(%out: memref<2x3xf32> {t2c.name = "out"}, %i: index, %j: index) {
  %w = memref.get_global @w : memref<2x3xf32>
  %v = affine.load %w[%i, %j] : memref<2x3xf32>
  memref.store %v, %out[%i, %j] : memref<2x3xf32>
  return
}

// -----

// Rank 0 becomes memref<1xT>; empty access maps become the constant 0.
// CHECK-LABEL: func.func @scalar(
// CHECK-SAME:      %[[S:.*]]: memref<1xi32>) -> memref<1xi32>
// CHECK-NEXT:    %[[A:.*]] = memref.alloca() : memref<1xi32>
// CHECK-NEXT:    %[[X:.*]] = affine.load %[[S]][0] : memref<1xi32>
// CHECK-NEXT:    affine.store %[[X]], %[[A]][0] : memref<1xi32>
// CHECK-NEXT:    %[[C0:.*]] = arith.constant 0 : index
// CHECK-NEXT:    %[[Y:.*]] = memref.load %[[A]][%[[C0]]] : memref<1xi32>
// CHECK-NEXT:    %[[C0B:.*]] = arith.constant 0 : index
// CHECK-NEXT:    memref.store %[[Y]], %[[S]][%[[C0B]]] : memref<1xi32>
// CHECK-NEXT:    return %[[A]] : memref<1xi32>
func.func @scalar(%s: memref<i32>) -> memref<i32> {
  %a = memref.alloca() : memref<i32>
  %x = affine.load %s[] : memref<i32>
  affine.store %x, %a[] : memref<i32>
  %y = memref.load %a[] : memref<i32>
  memref.store %y, %s[] : memref<i32>
  return %a : memref<i32>
}

// -----

// 3-D accesses with loop induction variables and a symbol-free affine expression.
// CHECK-LABEL: func.func @cube(
// CHECK-SAME:      %[[M:.*]]: memref<24xf32>
// CHECK:         affine.for %[[I:.*]] = 0 to 2 {
// CHECK-NEXT:      affine.for %[[J:.*]] = 0 to 3 {
// CHECK-NEXT:        affine.for %[[K:.*]] = 0 to 4 {
// CHECK-NEXT:          %[[V:.*]] = affine.load %[[M]][%[[I]] * 12 + %[[J]] * 4 + %[[K]]] : memref<24xf32>
// CHECK-NEXT:          affine.store %[[V]], %[[M]][%[[I]] * 12 + %[[K]] + 8] : memref<24xf32>
func.func @cube(%m: memref<2x3x4xf32>) {
  affine.for %i = 0 to 2 {
    affine.for %j = 0 to 3 {
      affine.for %k = 0 to 4 {
        %v = affine.load %m[%i, %j, %k] : memref<2x3x4xf32>
        affine.store %v, %m[%i, 2, %k] : memref<2x3x4xf32>
      }
    }
  }
  return
}

// -----

// Calls, declarations, alloc/dealloc/copy and rank-1 memrefs (left alone).
// CHECK-LABEL: func.func private @ext(memref<4xi8>, memref<7xi8>) -> memref<4xi8>
// CHECK-LABEL: func.func @calls(
// CHECK-SAME:      %[[A:.*]]: memref<4xi8>, %[[B:.*]]: memref<7xi8>)
// CHECK-NEXT:    %[[R:.*]] = call @ext(%[[A]], %[[B]]) : (memref<4xi8>, memref<7xi8>) -> memref<4xi8>
// CHECK-NEXT:    %[[T:.*]] = memref.alloc() {alignment = 64 : i64} : memref<4xi8>
// CHECK-NEXT:    memref.copy %[[R]], %[[T]] : memref<4xi8> to memref<4xi8>
// CHECK-NEXT:    memref.dealloc %[[T]] : memref<4xi8>
func.func private @ext(memref<2x2xi8>, memref<7xi8>) -> memref<2x2xi8>
func.func @calls(%a: memref<2x2xi8>, %b: memref<7xi8>) {
  %r = call @ext(%a, %b) : (memref<2x2xi8>, memref<7xi8>) -> memref<2x2xi8>
  %t = memref.alloc() {alignment = 64 : i64} : memref<2x2xi8>
  memref.copy %r, %t : memref<2x2xi8> to memref<2x2xi8>
  memref.dealloc %t : memref<2x2xi8>
  return
}

// -----

// Splat, hex and dense_resource initializers keep their values; mutable globals too.
// CHECK-LABEL: memref.global "private" constant @splat : memref<4xf32> = dense<5.000000e-01>
// CHECK-LABEL: memref.global "private" constant @hex : memref<4xi16> = dense<[1, 2, 3, -1]>
// CHECK-LABEL: memref.global "private" constant @blob : memref<4xf32> = dense_resource<blob1>
// CHECK-LABEL: memref.global "private" @state : memref<6xi32> = dense<0>
// CHECK-LABEL: memref.global "private" @uninit : memref<4xi32>{{$}}
// CHECK:       blob1: "0x040000000000803F0000004000004040000080C0"
memref.global "private" constant @splat : memref<2x2xf32> = dense<0.5>
memref.global "private" constant @hex : memref<2x2xi16> = dense<"0x010002000300FFFF">
memref.global "private" constant @blob : memref<2x2xf32> = dense_resource<blob1>
memref.global "private" @state : memref<2x3xi32> = dense<0>
memref.global "private" @uninit : memref<2x2xi32>
func.func @globals() {
  %a = memref.get_global @splat : memref<2x2xf32>
  %b = memref.get_global @blob : memref<2x2xf32>
  %c = memref.get_global @state : memref<2x3xi32>
  return
}
{-#
  dialect_resources: {
    builtin: {
      blob1: "0x040000000000803F0000004000004040000080C0"
    }
  }
#-}
