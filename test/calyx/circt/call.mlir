// Two calls of one function taking memories (CIRCT passes them as ref cells through main's
// callee). Scalar call arguments are avoided: CIRCT 1.162's Calyx exporter drops the inputs
// of an invoke that also binds ref cells (its calyx.invoke has them, the .futil does not).
module {
  func.func @scale(%v: memref<4xi32>, %ks: memref<1xi32>) -> i32 {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c4 = arith.constant 4 : index
    %z = arith.constant 0 : i32
    %k = memref.load %ks[%c0] : memref<1xi32>
    %s = scf.for %i = %c0 to %c4 step %c1 iter_args(%acc = %z) -> (i32) {
      %a = memref.load %v[%i] : memref<4xi32>
      %m = arith.muli %a, %k : i32
      memref.store %m, %v[%i] : memref<4xi32>
      %acc2 = arith.addi %acc, %m : i32
      scf.yield %acc2 : i32
    }
    return %s : i32
  }
  func.func @main(%a: memref<4xi32>, %b: memref<4xi32>, %ka: memref<1xi32>, %kb: memref<1xi32>,
                  %out: memref<2xi32>) {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %three = arith.constant 3 : i32
    %s0 = func.call @scale(%a, %ka) : (memref<4xi32>, memref<1xi32>) -> i32
    memref.store %s0, %out[%c0] : memref<2xi32>
    %s1 = func.call @scale(%b, %kb) : (memref<4xi32>, memref<1xi32>) -> i32
    %q = arith.divsi %s1, %three : i32
    memref.store %q, %out[%c1] : memref<2xi32>
    return
  }
}
