// RUN: t2c-opt --export-calyx=output-file=- -o /dev/null %s | FileCheck %s
// RUN: t2c-opt --export-calyx %s | FileCheck %s --check-prefix=ATTR

// Imports follow the primitives used (core always); cells, groups, comb groups,
// guarded and continuous assignments, and every control statement print as
// native Calyx. Blocks of several statements become seq; an empty else is omitted.
// CHECK:      import "primitives/binary_operators.futil";
// CHECK-NEXT: import "primitives/core.futil";
// CHECK-NEXT: import "primitives/float/addFN.futil";
// CHECK-NEXT: import "primitives/memories/seq.futil";
// CHECK-NEXT: component main<"toplevel"=1>() -> () {
// CHECK-NEXT:   cells {
// CHECK-NEXT:     @external x = seq_mem_d1(32, 4, 2);
// CHECK-NEXT:     i = std_reg(32);
// CHECK-NEXT:     lt = std_lt(32);
// CHECK-NEXT:     add = std_addFN(8, 24, 32);
// CHECK-NEXT:     m = std_mult_pipe(32);
// CHECK-NEXT:   }
// CHECK-NEXT:   wires {
// CHECK-NEXT:     group init {
// CHECK-NEXT:       i.in = 32'd0;
// CHECK-NEXT:       i.write_en = 1'd1;
// CHECK-NEXT:       init[done] = i.done;
// CHECK-NEXT:     }
// CHECK-NEXT:     comb group cond {
// CHECK-NEXT:       lt.left = i.out;
// CHECK-NEXT:       lt.right = 32'd4;
// CHECK-NEXT:     }
// CHECK-NEXT:     group work {
// CHECK-NEXT:       add.go = !add.done ? 1'd1;
// CHECK-NEXT:       work[done] = add.done;
// CHECK-NEXT:     }
// CHECK-NEXT:     x.addr0 = i.out & lt.out ? 2'd1;
// CHECK-NEXT:   }
// CHECK-NEXT:   control {
// CHECK-NEXT:     seq {
// CHECK-NEXT:       init;
// CHECK-NEXT:       while lt.out with cond {
// CHECK-NEXT:         seq {
// CHECK-NEXT:           par {
// CHECK-NEXT:             work;
// CHECK-NEXT:             init;
// CHECK-NEXT:           }
// CHECK-NEXT:           if lt.out {
// CHECK-NEXT:             work;
// CHECK-NEXT:           }
// CHECK-NEXT:           repeat 3 {
// CHECK-NEXT:             work;
// CHECK-NEXT:           }
// CHECK-NEXT:         }
// CHECK-NEXT:       }
// CHECK-NEXT:     }
// CHECK-NEXT:   }
// CHECK-NEXT: }
// ATTR: module attributes {t2c.futil = "import \22primitives/binary_operators.futil\22;\0Aimport
// ATTR: calyx.program
calyx.program {
  calyx.component "main" attributes {toplevel} {
    calyx.cell "x" = "seq_mem_d1" [32, 4, 2] {external}
    calyx.cell "i" = "std_reg" [32]
    calyx.cell "lt" = "std_lt" [32]
    calyx.cell "add" = "std_addFN" [8, 24, 32]
    calyx.cell "m" = "std_mult_pipe" [32]
    calyx.group "init" {
      calyx.assign "i.in" = "32'd0"
      calyx.assign "i.write_en" = "1'd1"
      calyx.assign "init[done]" = "i.done"
    }
    calyx.group "cond" attributes {comb} {
      calyx.assign "lt.left" = "i.out"
      calyx.assign "lt.right" = "32'd4"
    }
    calyx.group "work" {
      calyx.assign "add.go" = "1'd1" if "!add.done"
      calyx.assign "work[done]" = "add.done"
    }
    calyx.assign "x.addr0" = "2'd1" if "i.out & lt.out"
    calyx.control {
      calyx.enable "init"
      calyx.while "lt.out" with "cond" {
        calyx.par {
          calyx.enable "work"
          calyx.enable "init"
        }
        calyx.if "lt.out" {
          calyx.enable "work"
        } else {
        }
        calyx.repeat 3 {
          calyx.enable "work"
        }
      }
    }
  }
}
