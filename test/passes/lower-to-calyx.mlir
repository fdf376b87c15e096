// RUN: t2c-opt --lower-to-calyx --split-input-file %s | FileCheck %s

// Memories: arguments are @external seq_mem_d1 named by t2c.name (else arg<k>).
// A loop is a while over an induction register; a loaded value is read from the
// memory's read_data (no register: nothing touches `a` again before its last use); integer
// ops are combinational cells on continuous wires (multiplication by 3 is a shift
// and an add); division and multiplication of two values use pipelined units.
// CHECK-LABEL: calyx.component "main" attributes {toplevel}
// CHECK-DAG:     calyx.cell "a" = "seq_mem_d1" [32, 4, 2] {external}
// CHECK-DAG:     calyx.cell "arg1" = "seq_mem_d1" [32, 4, 2] {external}
// CHECK-DAG:     calyx.cell "i" = "std_reg" [32]
// CHECK-DAG:     calyx.cell "lt_i" = "std_lt" [32]
// CHECK-DAG:     calyx.cell "addr" = "std_slice" [32, 2]
// CHECK-DAG:     calyx.cell "shl" = "std_lsh" [32]
// CHECK-DAG:     calyx.cell "cmp" = "std_slt" [32]
// CHECK-DAG:     calyx.cell "sel" = "std_wire" [32]
// CHECK-DAG:     calyx.cell "sdiv" = "std_sdiv_pipe" [32]
// CHECK-DAG:     calyx.cell "mult" = "std_mult_pipe" [32]
// CHECK:       calyx.group "init_i" {
// CHECK-NEXT:    calyx.assign "i.in" = "32'd0"
// CHECK-NEXT:    calyx.assign "i.write_en" = "1'd1"
// CHECK-NEXT:    calyx.assign "init_i[done]" = "i.done"
// CHECK:       calyx.group "cond_i" attributes {comb} {
// CHECK-NEXT:    calyx.assign "lt_i.left" = "i.out"
// CHECK-NEXT:    calyx.assign "lt_i.right" = "32'd4"
// CHECK:       calyx.assign "addr.in" = "i.out"
// CHECK:       calyx.group "load_a" {
// CHECK-NEXT:    calyx.assign "a.addr0" = "addr.out"
// CHECK-NEXT:    calyx.assign "a.content_en" = "1'd1"
// CHECK-NEXT:    calyx.assign "load_a[done]" = "a.done"
// CHECK-NEXT:  }
// CHECK:       calyx.assign "shl.left" = "a.read_data"
// CHECK-NEXT:  calyx.assign "shl.right" = "32'd1"
// CHECK:       calyx.assign "sel.in" = "32'd0" if "cmp.out"
// CHECK-NEXT:  calyx.assign "sel.in" = "add_1.out" if "!cmp.out"
// CHECK:       calyx.group "div" {
// CHECK-NEXT:    calyx.assign "sdiv.go" = "1'd1" if "!sdiv.done"
// CHECK-NEXT:    calyx.assign "div_r.write_en" = "1'd1" if "sdiv.done"
// CHECK-NEXT:    calyx.assign "div[done]" = "div_r.done"
// CHECK-NEXT:    calyx.assign "sdiv.left" = "sel.out"
// CHECK-NEXT:    calyx.assign "sdiv.right" = "a.read_data"
// CHECK-NEXT:    calyx.assign "div_r.in" = "sdiv.out_quotient"
// CHECK:       calyx.group "store_arg1" {
// CHECK-NEXT:    calyx.assign "arg1.addr0" = "addr.out"
// CHECK-NEXT:    calyx.assign "arg1.write_data" = "mul_r.out"
// CHECK-NEXT:    calyx.assign "arg1.write_en" = "1'd1"
// CHECK-NEXT:    calyx.assign "arg1.content_en" = "1'd1"
// CHECK-NEXT:    calyx.assign "store_arg1[done]" = "arg1.done"
// CHECK:       calyx.control {
// CHECK-NEXT:    calyx.enable "init_i"
// CHECK-NEXT:    calyx.while "lt_i.out" with "cond_i" {
// CHECK-NEXT:      calyx.enable "load_a"
// CHECK-NEXT:      calyx.enable "div"
// CHECK-NEXT:      calyx.enable "mul"
// CHECK-NEXT:      calyx.enable "store_arg1"
// CHECK-NEXT:      calyx.enable "step_i"
// CHECK-NEXT:    }
// CHECK-NEXT:  }
func.func @ints(%a: memref<4xi32> {t2c.name = "a"}, %o: memref<4xi32>) {
  %c3 = arith.constant 3 : i32
  %c0 = arith.constant 0 : i32
  affine.for %i = 0 to 4 {
    %v = affine.load %a[%i] : memref<4xi32>
    %m = arith.muli %v, %c3 : i32
    %s = arith.addi %m, %v : i32
    %n = arith.cmpi slt, %s, %c0 : i32
    %r = arith.select %n, %c0, %s : i32
    %d = arith.divsi %r, %v : i32
    %p = arith.muli %d, %v : i32
    affine.store %p, %o[%i] : memref<4xi32>
  }
  return
}

// -----

// A matrix-vector product: the accumulation into y[j] is kept in a register
// across the inner loop (loaded before, stored after it). The inner loop is
// a dot product over two different memories, lowered as one software-
// pipelined group on a 3-phase counter: phase 0 reads x and w (while the
// counter is below the trip count), phases 1-2 run the multiplier on their
// read_data, phases 0-1 add the previous product (from the second period
// on) and phase 2 writes acc; done in phase 0 after the last period.
// CHECK-LABEL: calyx.component "main"
// CHECK-DAG:     calyx.cell "x" = "seq_mem_d1" [32, 4, 2] {external}
// CHECK-DAG:     calyx.cell "w" = "seq_mem_d1" [32, 12, 4] {external}
// CHECK-DAG:     calyx.cell "y" = "seq_mem_d1" [32, 3, 2] {external}
// CHECK-DAG:     calyx.cell "acc" = "std_reg" [32]
// CHECK-DAG:     calyx.cell "ph" = "std_reg" [2]
// CHECK-DAG:     calyx.cell "mulFN_f32" = "std_mulFN" [8, 24, 32]
// CHECK-DAG:     calyx.cell "addFN_f32" = "std_addFN" [8, 24, 32]
// CHECK:       calyx.group "init_i_1" {
// CHECK-NEXT:    calyx.assign "acc.in" = "y_ld.out"
// CHECK-NEXT:    calyx.assign "acc.write_en" = "1'd1"
// CHECK-NEXT:    calyx.assign "i_1.in" = "32'd0"
// CHECK-NEXT:    calyx.assign "i_1.write_en" = "1'd1"
// CHECK-NEXT:    calyx.assign "ph.in" = "2'd0"
// CHECK-DAG:     calyx.assign "lt_i_1.right" = "32'd4"
// CHECK-DAG:     calyx.assign "started_i_1.right" = "32'd0"
// CHECK-DAG:     calyx.assign "last_i_1.right" = "32'd5"
// CHECK-DAG:     calyx.assign "mac_done.left" = "ph0.out"
// CHECK-DAG:     calyx.assign "mac_done.right" = "last_i_1.out"
// CHECK:       calyx.group "mac_i_1" {
// CHECK-NEXT:    calyx.assign "ph.in" = "2'd0" if "ph2.out"
// CHECK-NEXT:    calyx.assign "ph.in" = "ph_next.out" if "!ph2.out"
// CHECK-NEXT:    calyx.assign "ph.write_en" = "1'd1"
// CHECK-NEXT:    calyx.assign "i_1.in" = "add_i_1.out"
// CHECK-NEXT:    calyx.assign "i_1.write_en" = "1'd1" if "ph2.out"
// CHECK-NEXT:    calyx.assign "x.addr0" = "addr_1.out"
// CHECK-NEXT:    calyx.assign "x.content_en" = "1'd1" if "ph0.out & lt_i_1.out"
// CHECK-NEXT:    calyx.assign "w.addr0" = "addr_2.out"
// CHECK-NEXT:    calyx.assign "w.content_en" = "1'd1" if "ph0.out & lt_i_1.out"
// CHECK-NEXT:    calyx.assign "mulFN_f32.left" = "x.read_data"
// CHECK-NEXT:    calyx.assign "mulFN_f32.right" = "w.read_data"
// CHECK:         calyx.assign "mulFN_f32.go" = "1'd1" if "!ph0.out & lt_i_1.out"
// CHECK-NEXT:    calyx.assign "addFN_f32.left" = "acc.out"
// CHECK-NEXT:    calyx.assign "addFN_f32.right" = "mulFN_f32.out"
// CHECK-NEXT:    calyx.assign "addFN_f32.go" = "1'd1" if "!ph2.out & started_i_1.out"
// CHECK-NEXT:    calyx.assign "acc.in" = "addFN_f32.out"
// CHECK-NEXT:    calyx.assign "acc.write_en" = "1'd1" if "ph2.out & started_i_1.out"
// CHECK-NEXT:    calyx.assign "mac_i_1[done]" = "mac_done.out"
// CHECK:       calyx.group "store_y" {
// CHECK:         calyx.assign "y.write_data" = "acc.out"
// The units' modes, the same in every use, are continuous assignments.
// CHECK:         calyx.assign "addFN_f32.subOp" = "1'd0"
// CHECK:       calyx.control {
// CHECK-NEXT:    calyx.enable "init_i"
// CHECK-NEXT:    calyx.while "lt_i.out" with "cond_i" {
// CHECK-NEXT:      calyx.enable "load_y"
// CHECK-NEXT:      calyx.enable "init_i_1"
// CHECK-NEXT:      calyx.enable "mac_i_1"
// CHECK-NEXT:      calyx.enable "store_y"
// CHECK-NEXT:      calyx.enable "step_i"
// CHECK-NEXT:    }
// CHECK-NEXT:  }
func.func @matvec(%x: memref<4xf32> {t2c.name = "x"}, %w: memref<12xf32> {t2c.name = "w"},
                  %y: memref<3xf32> {t2c.name = "y"}) {
  affine.for %j = 0 to 3 {
    affine.for %k = 0 to 4 {
      %xv = affine.load %x[%k] : memref<4xf32>
      %wv = affine.load %w[%j * 4 + %k] : memref<12xf32>
      %acc = affine.load %y[%j] : memref<3xf32>
      %p = arith.mulf %xv, %wv : f32
      %s = arith.addf %acc, %p : f32
      affine.store %s, %y[%j] : memref<3xf32>
    }
  }
  return
}

// -----

// A reduction whose two factors come from one memory (one read per cycle)
// is not pipelined: the loads run in sequence, the multiplication and the
// step in par, then the addf group writes the accumulator in place.
// CHECK-LABEL: calyx.component "main"
// CHECK-NOT:     calyx.cell "ph"
// CHECK:       calyx.group "mulf" {
// CHECK-NEXT:    calyx.assign "mulFN_f32.go" = "1'd1" if "!mulFN_f32.done"
// CHECK-NEXT:    calyx.assign "mulf_r.write_en" = "1'd1" if "mulFN_f32.done"
// CHECK-NEXT:    calyx.assign "mulf[done]" = "mulf_r.done"
// CHECK:       calyx.group "addf" {
// CHECK-NEXT:    calyx.assign "addFN_f32.go" = "1'd1" if "!addFN_f32.done"
// CHECK-NEXT:    calyx.assign "acc.write_en" = "1'd1" if "addFN_f32.done"
// CHECK-NEXT:    calyx.assign "addf[done]" = "acc.done"
// CHECK-NEXT:    calyx.assign "addFN_f32.left" = "acc.out"
// CHECK-NEXT:    calyx.assign "addFN_f32.right" = "mulf_r.out"
// CHECK:       calyx.control {
// CHECK:         calyx.while "lt_i.out" with "cond_i" {
// CHECK-NEXT:      calyx.enable "load_x"
// CHECK-NEXT:      calyx.enable "load_x_1"
// CHECK-NEXT:      calyx.par {
// CHECK-NEXT:        calyx.enable "mulf"
// CHECK-NEXT:        calyx.enable "step_i"
// CHECK-NEXT:      }
// CHECK-NEXT:      calyx.enable "addf"
// CHECK-NEXT:    }
func.func @sumsq(%x: memref<8xf32> {t2c.name = "x"}, %y: memref<1xf32> {t2c.name = "y"}) {
  %c0 = arith.constant 0 : index
  affine.for %k = 0 to 4 {
    %a = affine.load %x[%k] : memref<8xf32>
    %b = affine.load %x[%k + 4] : memref<8xf32>
    %acc = affine.load %y[%c0] : memref<1xf32>
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %p : f32
    affine.store %s, %y[%c0] : memref<1xf32>
  }
  return
}

// -----

// Every float unit, parameterized by (expWidth, sigWidth, width); cmpf is a
// std_compareFN whose flags set a 1-bit register; conversions use
// std_intToFp/std_fpToInt. f64 gets the binary64 units.
// CHECK-LABEL: calyx.component "main"
// CHECK-DAG:     calyx.cell "addFN_f64" = "std_addFN" [11, 53, 64]
// CHECK-DAG:     calyx.cell "divSqrtFN_f64" = "std_divSqrtFN" [11, 53, 64]
// CHECK-DAG:     calyx.cell "compareFN_f64" = "std_compareFN" [11, 53, 64]
// CHECK-DAG:     calyx.cell "fpToInt_f64" = "std_fpToInt" [11, 53, 64, 32]
// CHECK-DAG:     calyx.cell "intToFp_f64" = "std_intToFp" [32, 11, 53, 64]
// CHECK:       calyx.group "subf" {
// CHECK-NOT:     subOp
// CHECK:       calyx.group "divf" {
// CHECK:         calyx.assign "divSqrtFN_f64.sqrtOp" = "1'd0"
// CHECK:       calyx.group "sqrt" {
// CHECK:         calyx.assign "divSqrtFN_f64.sqrtOp" = "1'd1"
// CHECK:       calyx.group "cmpf" {
// CHECK:         calyx.assign "compareFN_f64.signaling" = "1'd0"
// CHECK-NEXT:    calyx.assign "cmpf_r.in" = "1'd1" if "compareFN_f64.gt | compareFN_f64.eq | compareFN_f64.unordered"
// CHECK-NEXT:    calyx.assign "cmpf_r.in" = "1'd0" if "!(compareFN_f64.gt | compareFN_f64.eq | compareFN_f64.unordered)"
// CHECK:       calyx.group "fptoi" {
// CHECK:       calyx.group "itofp" {
// A mode every use of a unit sets alike is one continuous assignment; the
// divider's sqrtOp differs between its uses and stays in the groups.
// CHECK-DAG:     calyx.assign "addFN_f64.subOp" = "1'd1"
// CHECK-DAG:     calyx.assign "fpToInt_f64.signedOut" = "1'd1"
// CHECK-DAG:     calyx.assign "intToFp_f64.signedIn" = "1'd0"
// CHECK:       calyx.control {
func.func @floats(%a: memref<2xf64>, %o: memref<2xf64>, %n: memref<1xi32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %x = memref.load %a[%c0] : memref<2xf64>
  %y = memref.load %a[%c1] : memref<2xf64>
  %d = arith.subf %x, %y : f64
  %q = arith.divf %d, %y : f64
  %r = math.sqrt %q : f64
  %c = arith.cmpf uge, %r, %x : f64
  %m = arith.select %c, %r, %x : f64
  memref.store %m, %o[%c0] : memref<2xf64>
  %i = arith.fptosi %m : f64 to i32
  memref.store %i, %n[%c0] : memref<1xi32>
  %f = arith.uitofp %i : i32 to f64
  memref.store %f, %o[%c1] : memref<2xf64>
  return
}

// -----

// scf.if becomes calyx.if on the condition's port (canonicalization has turned
// the yielded value into a select already); memref.alloc is an internal memory
// (no {external}).
// CHECK-LABEL: calyx.component "main"
// CHECK-DAG:     calyx.cell "mem" = "seq_mem_d1" [8, 2, 1]{{$}}
// CHECK-DAG:     calyx.cell "cmp" = "std_sgt" [8]
// CHECK:       calyx.control {
// CHECK-NEXT:    calyx.enable "load_arg0"
// CHECK-NEXT:    calyx.if "cmp.out" {
// CHECK-NEXT:      calyx.enable "store_mem"
// CHECK-NEXT:    } else {
// CHECK-NEXT:    }
// CHECK-NEXT:    calyx.enable "load_mem"
// CHECK-NEXT:    calyx.enable "store_arg1"
func.func @branch(%a: memref<1xi8>, %o: memref<1xi8>) {
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0 : i8
  %m1 = arith.constant -1 : i8
  %t = memref.alloc() : memref<2xi8>
  %v = memref.load %a[%c0] : memref<1xi8>
  %pos = arith.cmpi sgt, %v, %zero : i8
  %r = scf.if %pos -> i8 {
    memref.store %v, %t[%c0] : memref<2xi8>
    scf.yield %v : i8
  } else {
    scf.yield %m1 : i8
  }
  %back = memref.load %t[%c0] : memref<2xi8>
  %sum = arith.addi %r, %back : i8
  memref.store %sum, %o[%c0] : memref<1xi8>
  return
}

// -----

// scf.while: the "before" arguments are registers (init_while, next_while copy
// them in one cycle); the condition is a combinational port of those registers,
// so the loop needs no comb group; forwarded values are read from the registers.
// CHECK-LABEL: calyx.component "main"
// CHECK-DAG:     calyx.cell "w" = "std_reg" [32]
// CHECK-DAG:     calyx.cell "w_1" = "std_reg" [32]
// CHECK-DAG:     calyx.cell "cmp" = "std_gt" [32]
// CHECK:       calyx.group "init_while" {
// CHECK-NEXT:    calyx.assign "w.in" = "arg0_ld.out"
// CHECK-NEXT:    calyx.assign "w.write_en" = "1'd1"
// CHECK-NEXT:    calyx.assign "w_1.in" = "32'd0"
// CHECK:       calyx.assign "cmp.left" = "w.out"
// CHECK-NEXT:  calyx.assign "cmp.right" = "32'd1"
// CHECK:       calyx.group "next_while" {
// CHECK-NEXT:    calyx.assign "w.in" = "shr.out"
// CHECK-NEXT:    calyx.assign "w.write_en" = "1'd1"
// CHECK-NEXT:    calyx.assign "w_1.in" = "add.out"
// CHECK:       calyx.group "store_arg1" {
// CHECK:         calyx.assign "arg1.write_data" = "w_1.out"
// CHECK:       calyx.control {
// CHECK-NEXT:    calyx.enable "load_arg0"
// CHECK-NEXT:    calyx.enable "init_while"
// CHECK-NEXT:    calyx.while "cmp.out" {
// CHECK-NEXT:      calyx.enable "next_while"
// CHECK-NEXT:    }
// CHECK-NEXT:    calyx.enable "store_arg1"
// CHECK-NEXT:  }
func.func @halvings(%a: memref<1xi32>, %o: memref<1xi32>) {
  %c0 = arith.constant 0 : index
  %one = arith.constant 1 : i32
  %zero = arith.constant 0 : i32
  %x0 = memref.load %a[%c0] : memref<1xi32>
  %r:2 = scf.while (%x = %x0, %n = %zero) : (i32, i32) -> (i32, i32) {
    %go = arith.cmpi ugt, %x, %one : i32
    scf.condition(%go) %x, %n : i32, i32
  } do {
  ^bb0(%x: i32, %n: i32):
    %h = arith.shrui %x, %one : i32
    %n1 = arith.addi %n, %one : i32
    scf.yield %h, %n1 : i32, i32
  }
  memref.store %r#1, %o[%c0] : memref<1xi32>
  return
}

// -----

// The accumulator's address is computed inside the inner loop from the outer
// index only: it moves out of the loop (loop-invariant code motion), the
// accumulation becomes a register and the inner loop is pipelined.
// CHECK-LABEL: calyx.component "main"
// CHECK:       calyx.group "mac_i_1" {
// CHECK:       calyx.control {
// CHECK-NEXT:    calyx.enable "init_i"
// CHECK-NEXT:    calyx.while "lt_i.out" with "cond_i" {
// CHECK-NEXT:      calyx.enable "load_y"
// CHECK-NEXT:      calyx.enable "init_i_1"
// CHECK-NEXT:      calyx.enable "mac_i_1"
// CHECK-NEXT:      calyx.enable "store_y"
// CHECK-NEXT:      calyx.enable "step_i"
// CHECK-NEXT:    }
// CHECK-NEXT:  }
func.func @rows(%a: memref<8xf32> {t2c.name = "a"}, %b: memref<4xf32> {t2c.name = "b"},
                %y: memref<4xf32> {t2c.name = "y"}) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c4 = arith.constant 4 : index
  scf.for %j = %c0 to %c2 step %c1 {
    scf.for %k = %c0 to %c4 step %c1 {
      %row = arith.addi %j, %c2 : index
      %ai = arith.addi %k, %c4 : index
      %av = memref.load %a[%ai] : memref<8xf32>
      %bv = memref.load %b[%k] : memref<4xf32>
      %acc = memref.load %y[%row] : memref<4xf32>
      %p = arith.mulf %av, %bv : f32
      %s = arith.addf %acc, %p : f32
      memref.store %s, %y[%row] : memref<4xf32>
    }
  }
  return
}
