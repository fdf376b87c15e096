func.func @main(%a: memref<6xi32> {t2c.name = "a"}, %b: memref<6xi32> {t2c.name = "b"}, %y: memref<6xi32> {t2c.name = "y"}) {
  affine.for %i = 0 to 6 {
    %x = affine.load %a[%i] : memref<6xi32>
    %d = affine.load %b[%i] : memref<6xi32>
    %r = arith.remsi %x, %d : i32
    affine.store %r, %y[%i] : memref<6xi32>
  }
  return
}
