// RUN: t2c-opt --bank-memories --canonicalize --split-input-file %s | FileCheck %s

// A loop unroll-lanes padded reads x[4i + 7] up to 4 * 3 + 3 = 15 when it
// runs 4 lanes; its banking [4, 1, 4] asks for banks of 4 elements where the
// 11 elements would need 3. The copy into the banks runs 3 groups of 4, the
// last one partial: the read index is clamped to 10 and the writes past the
// end are skipped (only bank 3 is read; canonicalize drops the others).
// CHECK-LABEL: func.func @input
// CHECK:         %[[B3:.*]] = memref.alloc() : memref<4xf32>
// CHECK:         scf.for %[[Q:.*]] = %c0 to %c3 step %c1
// CHECK-NEXT:      scf.for %[[K:.*]] = %c0 to %c4 step %c1
// CHECK:             %[[I:.*]] = arith.addi %{{.*}}, %[[K]] : index
// CHECK-NEXT:        %[[IN:.*]] = arith.cmpi ult, %[[I]], %c11 : index
// CHECK-NEXT:        %[[AT:.*]] = arith.select %[[IN]], %[[I]], %c10 : index
// CHECK-NEXT:        %[[V:.*]] = memref.load %arg0[%[[AT]]] : memref<11xf32>
// CHECK-NEXT:        %[[IS:.*]] = arith.cmpi eq, %[[K]], %c3 : index
// CHECK-NEXT:        %[[EN:.*]] = arith.andi %[[IS]], %[[IN]] : i1
// CHECK-NEXT:        scf.if %[[EN]] {
// CHECK-NEXT:          memref.store %[[V]], %[[B3]][%[[Q]]] : memref<4xf32>
// CHECK:         } {t2c.pipeline}
// CHECK:         memref.load %[[B3]]
func.func @input(%x: memref<11xf32> {t2c.banks = array<i64: 4, 1, 4>}, %y: memref<2xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c4 = arith.constant 4 : index
  %c7 = arith.constant 7 : index
  scf.for %i = %c0 to %c2 step %c1 {
    %b = arith.muli %i, %c4 : index
    %j = arith.addi %b, %c7 : index
    %v = memref.load %x[%j] : memref<11xf32>
    memref.store %v, %y[%i] : memref<2xf32>
  }
  return
}

// -----

// An output of 5 elements in 4 banks: the copy back runs 2 groups of 4 and
// writes only the elements below 5.
// CHECK-LABEL: func.func @output
// CHECK-COUNT-4: memref.alloc() : memref<2xf32>
// CHECK:         scf.for %{{.*}} = %c0 to %c2 step %c1
// CHECK:         scf.for %{{.*}} = %c0 to %c2 step %c1
// CHECK-NEXT:      scf.for %{{.*}} = %c0 to %c4 step %c1
// CHECK:             %[[I:.*]] = arith.addi
// CHECK-NEXT:        %[[IN:.*]] = arith.cmpi ult, %[[I]], %c5 : index
// CHECK:             scf.if %[[IN]] {
// CHECK-NEXT:          memref.store %{{.*}}, %arg0[%[[I]]] : memref<5xf32>
// CHECK:         } {t2c.pipeline}
// CHECK-NEXT:    return
func.func @output(%y: memref<5xf32> {t2c.banks = array<i64: 4, 1>}) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c4 = arith.constant 4 : index
  %c5 = arith.constant 5 : index
  %cst = arith.constant 1.0 : f32
  scf.for %i = %c0 to %c2 step %c1 {
    %b = arith.muli %i, %c4 : index
    memref.store %cst, %y[%b] : memref<5xf32>
  }
  return
}

// -----

// A weight of 3 elements in 4 banks: the last bank's entry is a zero.
// CHECK:       t2c.data = "{\22w_b0\22:{\22data\22:[1]},\22w_b1\22:{\22data\22:[2]},\22w_b2\22:{\22data\22:[3]},\22w_b3\22:{\22data\22:[0]}}
// CHECK-LABEL: func.func @weight
// CHECK-SAME:    %{{.*}}: memref<1xf32> {t2c.name = "w_b3"})
module attributes {t2c.data = "{\22w\22:{\22data\22:[1.0,2.0,3.0]}}"} {
  func.func @weight(%y: memref<1xf32>, %w: memref<3xf32> {t2c.banks = array<i64: 4, 1>, t2c.name = "w"}) {
    %c0 = arith.constant 0 : index
    %c2 = arith.constant 2 : index
    %a = memref.load %w[%c2] : memref<3xf32>
    memref.store %a, %y[%c0] : memref<1xf32>
    return
  }
}
