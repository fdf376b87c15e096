// RUN: t2c-opt --lower-to-calyx %s | FileCheck %s
// RUN: t2c-opt --lower-to-calyx --export-calyx=output-file=- -o /dev/null %s | FileCheck %s --check-prefix=FUTIL
// RUN: t2c-opt --lower-to-calyx=inline-calls=true %s | FileCheck %s --check-prefix=INLINE

// A called function becomes its own component: memref arguments are ref memories, scalar
// arguments input ports, results output ports driven by the returned value. The caller
// gets one instance and invokes it per call, binding its own memories to the ref cells;
// each result is latched into a register right after its invoke.
func.func private @bump(%m: memref<4xi32>, %k: i32) -> i32 {
  %c0 = arith.constant 0 : index
  %c4 = arith.constant 4 : index
  %c1 = arith.constant 1 : index
  %z = arith.constant 0 : i32
  %s = scf.for %i = %c0 to %c4 step %c1 iter_args(%acc = %z) -> (i32) {
    %v = memref.load %m[%i] : memref<4xi32>
    %w = arith.addi %v, %k : i32
    memref.store %w, %m[%i] : memref<4xi32>
    %n = arith.addi %acc, %w : i32
    scf.yield %n : i32
  }
  return %s : i32
}
func.func @main(%a: memref<4xi32> {t2c.name = "a"}, %b: memref<4xi32> {t2c.name = "b"},
                %o: memref<1xi32> {t2c.name = "o"}) {
  %c0 = arith.constant 0 : index
  %k1 = arith.constant 3 : i32
  %k2 = arith.constant 5 : i32
  %s1 = func.call @bump(%a, %k1) : (memref<4xi32>, i32) -> i32
  %s2 = func.call @bump(%b, %k2) : (memref<4xi32>, i32) -> i32
  %t = arith.addi %s1, %s2 : i32
  memref.store %t, %o[%c0] : memref<1xi32>
  return
}

// CHECK-LABEL: calyx.component "bump" attributes {inputs = ["arg1:32"], outputs = ["out0:32"]}
// CHECK:         calyx.cell "arg0" = "seq_mem_d1" [32, 4, 2] {ref}
// CHECK:         calyx.assign "out0" = "acc.out"
// CHECK-LABEL: calyx.component "main" attributes {toplevel}
// CHECK:         calyx.cell "a" = "seq_mem_d1" [32, 4, 2] {external}
// CHECK:         calyx.cell "bump_inst" = "bump" []
// CHECK:         calyx.cell "bump_r" = "std_reg" [32]
// CHECK:         calyx.cell "bump_r_1" = "std_reg" [32]
// CHECK:         calyx.group "ret_bump" {
// CHECK-NEXT:      calyx.assign "bump_r.in" = "bump_inst.out0"
// CHECK:         calyx.assign "add.left" = "bump_r.out"
// CHECK-NEXT:    calyx.assign "add.right" = "bump_r_1.out"
// CHECK:         calyx.control {
// CHECK-NEXT:      calyx.seq {
// CHECK-NEXT:        calyx.invoke "bump_inst" refs ["arg0=a"] inputs ["arg1=32'd3"] outputs []
// CHECK-NEXT:        calyx.enable "ret_bump"
// CHECK-NEXT:      }
// CHECK-NEXT:      calyx.seq {
// CHECK-NEXT:        calyx.invoke "bump_inst" refs ["arg0=b"] inputs ["arg1=32'd5"] outputs []
// CHECK-NEXT:        calyx.enable "ret_bump_1"
// CHECK-NEXT:      }
// CHECK-NEXT:      calyx.enable "store_o"
// CHECK-NOT:   func.func

// FUTIL:       component bump(arg1: 32) -> (out0: 32) {
// FUTIL:         ref arg0 = seq_mem_d1(32, 4, 2);
// FUTIL:         out0 = acc.out;
// FUTIL:       component main<"toplevel"=1>() -> () {
// FUTIL:         bump_inst = bump();
// FUTIL:         invoke bump_inst[arg0=a](arg1=32'd3)();
// FUTIL-NEXT:    ret_bump;
// FUTIL:         invoke bump_inst[arg0=b](arg1=32'd5)();

// With inline-calls=true the callee's body becomes part of "main".
// INLINE:      calyx.component "main" attributes {toplevel}
// INLINE-NOT:  calyx.invoke
// INLINE-NOT:  calyx.component

