// RUN: t2c-opt --lower-to-calyx --split-input-file %s | FileCheck %s

// An integer multiply of two variables in a pipelined nest (an int8 multiply-accumulate as
// the int8 models have): the product on `pipelined_fp_smult(16, 16, 0)` (latency 4, one
// product per cycle, the low 16 bits: signed integer multiply); the extensions and the
// int32 add are combinational. Loads at 0, multiply at 1 (result at 5), store at 5; eight
// iterations one per cycle, one cycle after the last store: 7 + 5 + 2 = 14 cycles.
// CHECK-LABEL: calyx.component "main"
// CHECK:         calyx.cell "smult_p" = "pipelined_fp_smult" [16, 16, 0]
// CHECK:         calyx.group "pipe0" attributes {latency = 14 : i64, t2c.ii = 1 : i64, t2c.trips = 8 : i64} {
// CHECK-DAG:       calyx.assign "smult_p.left" = "{{.+}}"
// CHECK-DAG:       calyx.assign "smult_p.right" = "{{.+}}"
// CHECK-DAG:       calyx.assign "z.write_en" = "1'd1" if "%[5:13]"
func.func @main(%x: memref<8xi8> {t2c.name = "x"}, %w: memref<8xi8> {t2c.name = "w"},
                %z: memref<8xi32> {t2c.name = "z"}) {
  %c0 = arith.constant 0 : index
  %c8 = arith.constant 8 : index
  %c1 = arith.constant 1 : index
  %zp = arith.constant -3 : i16
  scf.for %i = %c0 to %c8 step %c1 {
    %a = memref.load %x[%i] : memref<8xi8>
    %b = memref.load %w[%i] : memref<8xi8>
    %a16 = arith.extsi %a : i8 to i16
    %az = arith.subi %a16, %zp : i16
    %b16 = arith.extsi %b : i8 to i16
    %p = arith.muli %az, %b16 : i16
    %p32 = arith.extsi %p : i16 to i32
    %s = arith.addi %p32, %p32 : i32
    memref.store %s, %z[%i] : memref<8xi32>
  } {t2c.pipeline}
  return
}

// -----

// A multiply by a constant stays combinational (no unit): load at 0, multiply and store
// at 1, 7 + 1 + 2 = 10 cycles.
// CHECK-LABEL: calyx.component "main"
// CHECK-NOT:     pipelined_fp_smult
// CHECK:         calyx.group "pipe0" attributes {latency = 10 : i64
func.func @main(%x: memref<8xi32> {t2c.name = "x"}, %z: memref<8xi32> {t2c.name = "z"}) {
  %c0 = arith.constant 0 : index
  %c8 = arith.constant 8 : index
  %c1 = arith.constant 1 : index
  %k = arith.constant 5 : i32
  scf.for %i = %c0 to %c8 step %c1 {
    %a = memref.load %x[%i] : memref<8xi32>
    %p = arith.muli %a, %k : i32
    memref.store %p, %z[%i] : memref<8xi32>
  } {t2c.pipeline}
  return
}
