// RUN: t2c-opt --bank-memories --canonicalize --split-input-file %s | FileCheck %s

// A weight (it has a data JSON entry) becomes two weights whose entries hold
// the even and the odd elements; a static access goes to its bank, an access
// whose bank changes reads both banks and selects.
// CHECK:       t2c.data = "{\22w_b0\22:{\22data\22:[1,3],{{.*}}\22w_b1\22:{\22data\22:[2,-Infinity]
// CHECK-LABEL: func.func @weight
// CHECK-SAME:    (%[[IDX:.*]]: index, %[[Y:.*]]: memref<2xf32>, %[[B0:.*]]: memref<2xf32> {t2c.name = "w_b0"}, %[[B1:.*]]: memref<2xf32> {t2c.name = "w_b1"})
// CHECK:         %[[V:.*]] = memref.load %[[B1]][%c1] : memref<2xf32>
// CHECK:         %[[BANK:.*]] = arith.andi %[[IDX]], %c1
// CHECK:         %[[L0:.*]] = memref.load %[[B0]]
// CHECK:         %[[L1:.*]] = memref.load %[[B1]]
// CHECK:         %[[IS1:.*]] = arith.cmpi eq, %[[BANK]], %c1
// CHECK:         arith.select %[[IS1]], %[[L1]], %[[L0]] : f32
module attributes {t2c.data = "{\22w\22:{\22data\22:[1.0,2.0,3.0,-Infinity],\22format\22:{\22numeric_type\22:\22ieee754_float\22,\22is_signed\22:true,\22width\22:32}}}"} {
  func.func @weight(%i: index, %y: memref<2xf32>, %w: memref<4xf32> {t2c.banks = array<i64: 2, 1>, t2c.name = "w"}) {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c3 = arith.constant 3 : index
    %a = memref.load %w[%c3] : memref<4xf32>
    %b = memref.load %w[%i] : memref<4xf32>
    memref.store %a, %y[%c0] : memref<2xf32>
    memref.store %b, %y[%c1] : memref<2xf32>
    return
  }
}

// -----

// An output keeps its shape: its banks are buffers, copied back before the
// return by a pipelined loop (bank k = element index mod 2).
// CHECK-LABEL: func.func @output
// CHECK-SAME:    (%[[Y:.*]]: memref<4xf32>)
// CHECK-DAG:     %[[B0:.*]] = memref.alloc() : memref<2xf32>
// CHECK-DAG:     %[[B1:.*]] = memref.alloc() : memref<2xf32>
// CHECK:         scf.for %[[I:.*]] =
// CHECK:           memref.store %{{.*}}, %[[B0]][%[[I]]]
// CHECK:           memref.store %{{.*}}, %[[B1]][%[[I]]]
// CHECK:         scf.for
// CHECK:           scf.for
// CHECK:             memref.load %[[B0]]
// CHECK:             memref.load %[[B1]]
// CHECK:             memref.store %{{.*}}, %[[Y]]
// CHECK:         } {t2c.pipeline}
// CHECK-NEXT:    return
func.func @output(%y: memref<4xf32> {t2c.banks = array<i64: 2, 1>}) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %cst = arith.constant 1.0 : f32
  scf.for %i = %c0 to %c2 step %c1 {
    %e = arith.muli %i, %c2 : index
    %o = arith.addi %e, %c1 : index
    memref.store %cst, %y[%e] : memref<4xf32>
    memref.store %cst, %y[%o] : memref<4xf32>
  }
  return
}
