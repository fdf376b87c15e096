// RUN: t2c-opt --legalize-float-ops --lower-to-calyx --export-calyx=output-file=- -o /dev/null %s | FileCheck %s

// torch-mlir's ReLU over a 1-D tensor compiles to combinational sign-bit logic
// (no float comparator, no float unit at all): per element one load, one
// store, and the select as a guarded std_wire reading the memory's read_data.
// CHECK-NOT:  compareFN
// CHECK:      import "primitives/core.futil";
// CHECK-NEXT: import "primitives/memories/seq.futil";
// CHECK-NEXT: component main<"toplevel"=1>() -> () {
// CHECK:        @external x = seq_mem_d1(32, 8, 3);
// CHECK-NEXT:   @external y = seq_mem_d1(32, 8, 3);
// CHECK-DAG:    [[NEG:cmp[_0-9]*]] = std_slt(32);
// CHECK-DAG:    [[SEL:sel[_0-9]*]] = std_wire(32);
// CHECK:        [[NEG]].right = 32'd0;
// CHECK:        [[SEL]].in = and_{{[0-9]+}}.out ? 32'd0;
// CHECK-NEXT:   [[SEL]].in = !and_{{[0-9]+}}.out ? x.read_data;
// CHECK:      control {
// CHECK-NEXT:   seq {
// CHECK-NEXT:     init_i;
// CHECK-NEXT:     while lt_i.out with cond_i {
// CHECK-NEXT:       seq {
// CHECK-NEXT:         load_x;
// CHECK-NEXT:         store_y;
// CHECK-NEXT:         step_i;
// CHECK-NEXT:       }
// CHECK-NEXT:     }
// CHECK-NEXT:   }
// CHECK-NEXT: }
// CHECK-NOT:  compareFN
func.func @relu(%x: memref<8xf32> {t2c.name = "x"}, %y: memref<8xf32> {t2c.name = "y"}) {
  %zero = arith.constant 0.0 : f32
  affine.for %i = 0 to 8 {
    %v = affine.load %x[%i] : memref<8xf32>
    %c = arith.cmpf ugt, %v, %zero : f32
    %r = arith.select %c, %v, %zero : f32
    affine.store %r, %y[%i] : memref<8xf32>
  }
  return
}
