module {
  func.func @main(%a: memref<8xi32>, %b: memref<8xi32>, %out: memref<8xi32>) {
    %c0 = arith.constant 0 : index
    %c8 = arith.constant 8 : index
    %c1 = arith.constant 1 : index
    scf.for %i = %c0 to %c8 step %c1 {
      %x = memref.load %a[%i] : memref<8xi32>
      %y = memref.load %b[%i] : memref<8xi32>
      %s = arith.addi %x, %y : i32
      %p = arith.muli %s, %x : i32
      memref.store %p, %out[%i] : memref<8xi32>
    }
    return
  }
}
