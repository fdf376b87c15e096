// RUN: t2c-opt --lower-to-calyx %s | FileCheck %s

// Guarded stores after float adds, read back right after the nest. The last iteration
// (it starts at cycle 3) stores its sum at 3 + 5 = 8, and a memory raises `done` the cycle
// after an access: the group must last past that cycle, or the done pulse of the last
// write falls in the first cycle of the next group, and `load_mem_3`, whose done is
// `mem_3.done`, would end there before reading (the fourth sum read back as 0).
// Loads at 0, adds at 1 and 3, stores at 5 for 4 iterations (%[5:9]), and one more cycle:
// 3 + 5 + 2 = 10.
// CHECK-LABEL: calyx.component "main"
// CHECK:         calyx.group "pipe0" attributes {latency = 10 : i64, t2c.ii = 1 : i64, t2c.trips = 4 : i64} {
// CHECK:           calyx.assign "mem_3.write_en" = "1'd1" if "%[5:9] & [[GUARD:d_[0-9]+]].out"
// CHECK:         calyx.group "load_mem_3" {
// CHECK:           calyx.assign "load_mem_3[done]" = "mem_3.done"
// CHECK:         calyx.enable "pipe0"
// CHECK-NEXT:    calyx.par {
// CHECK:           calyx.enable "load_mem_3"
func.func @main(%a0: memref<4xf32> {t2c.name = "a0"}, %a1: memref<4xf32> {t2c.name = "a1"},
                %a2: memref<4xf32> {t2c.name = "a2"}, %a3: memref<4xf32> {t2c.name = "a3"},
                %y: memref<4xf32> {t2c.name = "y"}) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c3 = arith.constant 3 : index
  %c4 = arith.constant 4 : index
  %b0 = memref.alloc() : memref<1xf32>
  %b1 = memref.alloc() : memref<1xf32>
  %b2 = memref.alloc() : memref<1xf32>
  %b3 = memref.alloc() : memref<1xf32>
  scf.for %i = %c0 to %c4 step %c1 {
    %x0 = memref.load %a0[%i] : memref<4xf32>
    %x1 = memref.load %a1[%i] : memref<4xf32>
    %x2 = memref.load %a2[%i] : memref<4xf32>
    %x3 = memref.load %a3[%i] : memref<4xf32>
    %s0 = arith.addf %x0, %x1 : f32
    %s1 = arith.addf %x2, %x3 : f32
    %s = arith.addf %s0, %s1 : f32
    %bank = arith.andi %i, %c3 : index
    %off = arith.shrui %i, %c2 : index
    %is0 = arith.cmpi eq, %bank, %c0 : index
    scf.if %is0 {
      memref.store %s, %b0[%off] : memref<1xf32>
    }
    %is1 = arith.cmpi eq, %bank, %c1 : index
    scf.if %is1 {
      memref.store %s, %b1[%off] : memref<1xf32>
    }
    %is2 = arith.cmpi eq, %bank, %c2 : index
    scf.if %is2 {
      memref.store %s, %b2[%off] : memref<1xf32>
    }
    %is3 = arith.cmpi eq, %bank, %c3 : index
    scf.if %is3 {
      memref.store %s, %b3[%off] : memref<1xf32>
    }
  } {t2c.pipeline}
  %v0 = memref.load %b0[%c0] : memref<1xf32>
  %v1 = memref.load %b1[%c0] : memref<1xf32>
  %v2 = memref.load %b2[%c0] : memref<1xf32>
  %v3 = memref.load %b3[%c0] : memref<1xf32>
  memref.store %v0, %y[%c0] : memref<4xf32>
  memref.store %v1, %y[%c1] : memref<4xf32>
  memref.store %v2, %y[%c2] : memref<4xf32>
  memref.store %v3, %y[%c3] : memref<4xf32>
  return
}
