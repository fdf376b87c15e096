// RUN: t2c-opt --merge-comb-cells %s | FileCheck %s

// The odometer's last-iteration compare and the body's own compare of the same
// register with the same value: one cell stays, the store's guard reads it. Then
// `and`, whose inputs were both compares of `i` with 7, has the same inputs as
// `and_1` and merges in the second round. `lt`, assigned in a group, and `gt`,
// under a guard, are left alone although their twins `lt_1` and `gt_1` match.
// CHECK-LABEL: calyx.component "main"
// CHECK:         calyx.cell "last_i" = "std_eq" [32]
// CHECK-NOT:     calyx.cell "cmp"
// CHECK:         calyx.cell "and" = "std_and" [1]
// CHECK-NOT:     calyx.cell "and_1"
// CHECK:         calyx.cell "lt" = "std_lt" [32]
// CHECK-NEXT:    calyx.cell "lt_1" = "std_lt" [32]
// CHECK-NEXT:    calyx.cell "gt" = "std_gt" [32]
// CHECK-NEXT:    calyx.cell "gt_1" = "std_gt" [32]
// CHECK:         calyx.group "pipe0"
// CHECK:           calyx.assign "y.write_en" = "1'd1" if "%[3:11] & last_i.out"
// CHECK:           calyx.assign "y.write_data" = "and.out"
// CHECK:           calyx.assign "lt.left" = "i.out"
// CHECK-NOT:     calyx.assign "cmp.
// CHECK-NOT:     calyx.assign "and_1.
// CHECK:         calyx.control
// CHECK-NEXT:      calyx.while "last_i.out"
calyx.program {
  calyx.component "main" attributes {toplevel} {
    calyx.cell "y" = "seq_mem_d1" [1, 8, 3] {external}
    calyx.cell "i" = "std_reg" [32]
    calyx.cell "last_i" = "std_eq" [32]
    calyx.cell "cmp" = "std_eq" [32]
    calyx.cell "and" = "std_and" [1]
    calyx.cell "and_1" = "std_and" [1]
    calyx.cell "lt" = "std_lt" [32]
    calyx.cell "lt_1" = "std_lt" [32]
    calyx.cell "gt" = "std_gt" [32]
    calyx.cell "gt_1" = "std_gt" [32]
    calyx.group "pipe0" attributes {latency = 12 : i64} {
      calyx.assign "y.write_en" = "1'd1" if "%[3:11] & cmp.out"
      calyx.assign "y.write_data" = "and_1.out"
      calyx.assign "lt.left" = "i.out"
    }
    calyx.assign "last_i.left" = "i.out"
    calyx.assign "last_i.right" = "32'd7"
    calyx.assign "cmp.left" = "i.out"
    calyx.assign "cmp.right" = "32'd7"
    calyx.assign "and.left" = "last_i.out"
    calyx.assign "and.right" = "last_i.out"
    calyx.assign "and_1.left" = "cmp.out"
    calyx.assign "and_1.right" = "cmp.out"
    calyx.assign "lt.right" = "32'd3"
    calyx.assign "lt_1.left" = "i.out"
    calyx.assign "lt_1.right" = "32'd3"
    calyx.assign "gt.left" = "i.out" if "y.done"
    calyx.assign "gt.right" = "32'd3"
    calyx.assign "gt_1.left" = "i.out"
    calyx.assign "gt_1.right" = "32'd3"
    calyx.control {
      calyx.while "cmp.out" {
        calyx.enable "pipe0"
      }
    }
  }
}
