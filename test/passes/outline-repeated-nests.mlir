// RUN: t2c-opt --outline-repeated-nests -split-input-file %s | FileCheck %s

// Three copies of one nest on different memories, at different offsets (the first at none):
// one function, called three times; the offset becomes an index argument (an input port),
// the memories arguments (ref memories), the constants stay constants.
func.func @offsets(%a: memref<64xf32>, %b: memref<64xf32>, %x: memref<32xf32>,
                   %y: memref<32xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c32 = arith.constant 32 : index
  %cst = arith.constant 2.0 : f32
  scf.for %i = %c0 to %c32 step %c1 {
    %v = memref.load %a[%i] : memref<64xf32>
    %w = arith.mulf %v, %cst : f32
    memref.store %w, %x[%i] : memref<32xf32>
  }
  scf.for %i = %c0 to %c32 step %c1 {
    %j = arith.addi %i, %c32 : index
    %v = memref.load %a[%j] : memref<64xf32>
    %w = arith.mulf %v, %cst : f32
    memref.store %w, %y[%i] : memref<32xf32>
  }
  scf.for %i = %c0 to %c32 step %c1 {
    %j = arith.addi %i, %c32 : index
    %v = memref.load %b[%j] : memref<64xf32>
    %w = arith.mulf %v, %cst : f32
    memref.store %w, %x[%i] : memref<32xf32>
  }
  return
}

// CHECK-LABEL: func.func private @shared0(
// CHECK-SAME:      %[[OFF:.*]]: index, %[[IN:.*]]: memref<64xf32>, %[[OUT:.*]]: memref<32xf32>) {
// CHECK-DAG:     %[[C0:.*]] = arith.constant 0 : index
// CHECK-DAG:     %[[C1:.*]] = arith.constant 1 : index
// CHECK-DAG:     %[[C32:.*]] = arith.constant 32 : index
// CHECK-DAG:     %[[TWO:.*]] = arith.constant 2.000000e+00 : f32
// CHECK:         scf.for %[[I:.*]] = %[[C0]] to %[[C32]] step %[[C1]] {
// CHECK-NEXT:      %[[J:.*]] = arith.addi %[[I]], %[[OFF]] : index
// CHECK-NEXT:      %[[V:.*]] = memref.load %[[IN]][%[[J]]] : memref<64xf32>
// CHECK-NEXT:      %[[W:.*]] = arith.mulf %[[V]], %[[TWO]] : f32
// CHECK-NEXT:      memref.store %[[W]], %[[OUT]][%[[I]]] : memref<32xf32>
// CHECK-NEXT:    }
// CHECK-NEXT:    return
// CHECK-LABEL: func.func @offsets(
// CHECK-SAME:      %[[A:.*]]: memref<64xf32>, %[[B:.*]]: memref<64xf32>, %[[X:.*]]: memref<32xf32>, %[[Y:.*]]: memref<32xf32>)
// CHECK-DAG:     %[[K32:.*]] = arith.constant 32 : index
// CHECK-DAG:     %[[K0:.*]] = arith.constant 0 : index
// CHECK-NEXT:    call @shared0(%[[K0]], %[[A]], %[[X]]) {t2c.shared}
// CHECK-NEXT:    call @shared0(%[[K32]], %[[A]], %[[Y]]) {t2c.shared}
// CHECK-NEXT:    call @shared0(%[[K32]], %[[B]], %[[X]]) {t2c.shared}
// CHECK-NEXT:    return

// -----

// Nests that differ in a float constant, a loop bound or a memory type stay as they are.
func.func @different(%a: memref<8xf32>, %b: memref<4xf32>, %x: memref<8xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  %two = arith.constant 2.0 : f32
  %three = arith.constant 3.0 : f32
  scf.for %i = %c0 to %c8 step %c1 {
    %v = memref.load %a[%i] : memref<8xf32>
    %w = arith.mulf %v, %two : f32
    memref.store %w, %x[%i] : memref<8xf32>
  }
  scf.for %i = %c0 to %c8 step %c1 {
    %v = memref.load %a[%i] : memref<8xf32>
    %w = arith.mulf %v, %three : f32
    memref.store %w, %x[%i] : memref<8xf32>
  }
  scf.for %i = %c0 to %c4 step %c1 {
    %v = memref.load %b[%i] : memref<4xf32>
    %w = arith.mulf %v, %two : f32
    memref.store %w, %x[%i] : memref<8xf32>
  }
  return
}

// CHECK-NOT:   func.func private
// CHECK-LABEL: func.func @different(
// CHECK-NOT:     call
// CHECK-COUNT-3: scf.for

// -----

// A model with nothing to share (two layers of different shapes, address offsets and
// a reduction) comes out unchanged, offsets and all.
func.func @unchanged(%in: memref<8xf32>, %w1: memref<32xf32>, %w2: memref<8xf32>,
                     %h: memref<4xf32>, %out: memref<2xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  %zero = arith.constant 0.0 : f32
  scf.for %o = %c0 to %c4 step %c1 {
    %acc = scf.for %k = %c0 to %c8 step %c1 iter_args(%s = %zero) -> (f32) {
      %m = arith.muli %o, %c8 : index
      %j = arith.addi %m, %k : index
      %x = memref.load %in[%k] : memref<8xf32>
      %w = memref.load %w1[%j] : memref<32xf32>
      %p = arith.mulf %x, %w : f32
      %n = arith.addf %s, %p : f32
      scf.yield %n : f32
    }
    memref.store %acc, %h[%o] : memref<4xf32>
  }
  scf.for %o = %c0 to %c2 step %c1 {
    %j = arith.addi %o, %c2 : index
    %x = memref.load %h[%j] : memref<4xf32>
    %w = memref.load %w2[%c4] : memref<8xf32>
    %p = arith.mulf %x, %w : f32
    memref.store %p, %out[%o] : memref<2xf32>
  }
  return
}

// CHECK-NOT:   func.func private
// CHECK-LABEL: func.func @unchanged(
// CHECK-SAME:      %[[IN:[^:]*]]: memref<8xf32>, %[[W1:[^:]*]]: memref<32xf32>, %[[W2:[^:]*]]: memref<8xf32>, %[[H:[^:]*]]: memref<4xf32>, %[[OUT:[^:]*]]: memref<2xf32>)
// CHECK-NEXT:    %[[C0:.*]] = arith.constant 0 : index
// CHECK-NEXT:    %[[C1:.*]] = arith.constant 1 : index
// CHECK-NEXT:    %[[C2:.*]] = arith.constant 2 : index
// CHECK-NEXT:    %[[C4:.*]] = arith.constant 4 : index
// CHECK-NEXT:    %[[C8:.*]] = arith.constant 8 : index
// CHECK-NEXT:    %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK-NEXT:    scf.for %[[O:.*]] = %[[C0]] to %[[C4]] step %[[C1]] {
// CHECK-NEXT:      %[[ACC:.*]] = scf.for %[[K:.*]] = %[[C0]] to %[[C8]] step %[[C1]] iter_args(%[[S:.*]] = %[[ZERO]]) -> (f32) {
// CHECK-NEXT:        %[[M:.*]] = arith.muli %[[O]], %[[C8]] : index
// CHECK-NEXT:        %[[J:.*]] = arith.addi %[[M]], %[[K]] : index
// CHECK-NEXT:        %[[X:.*]] = memref.load %[[IN]][%[[K]]] : memref<8xf32>
// CHECK-NEXT:        %[[W:.*]] = memref.load %[[W1]][%[[J]]] : memref<32xf32>
// CHECK-NEXT:        %[[P:.*]] = arith.mulf %[[X]], %[[W]] : f32
// CHECK-NEXT:        %[[N:.*]] = arith.addf %[[S]], %[[P]] : f32
// CHECK-NEXT:        scf.yield %[[N]] : f32
// CHECK-NEXT:      }
// CHECK-NEXT:      memref.store %[[ACC]], %[[H]][%[[O]]] : memref<4xf32>
// CHECK-NEXT:    }
// CHECK-NEXT:    scf.for %[[O2:.*]] = %[[C0]] to %[[C2]] step %[[C1]] {
// CHECK-NEXT:      %[[J2:.*]] = arith.addi %[[O2]], %[[C2]] : index
// CHECK-NEXT:      %[[X2:.*]] = memref.load %[[H]][%[[J2]]] : memref<4xf32>
// CHECK-NEXT:      %[[W2V:.*]] = memref.load %[[W2]][%[[C4]]] : memref<8xf32>
// CHECK-NEXT:      %[[P2:.*]] = arith.mulf %[[X2]], %[[W2V]] : f32
// CHECK-NEXT:      memref.store %[[P2]], %[[OUT]][%[[O2]]] : memref<2xf32>
// CHECK-NEXT:    }
// CHECK-NEXT:    return
