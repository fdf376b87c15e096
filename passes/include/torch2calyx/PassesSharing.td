//===- PassesSharing.td - hardware sharing passes ----------*- tablegen -*-===//
//
// The pass of compile(share=True) (issue 14): outline-repeated-nests.
// Included by Passes.td.
//
//===----------------------------------------------------------------------===//

def OutlineRepeatedNests : Pass<"outline-repeated-nests", "mlir::ModuleOp"> {
  let summary = "Outline repeated runs of identical loop nests into one "
                "function each, called once per use";
  let description = [{
    A model that repeats a layer (an LSTM's time steps, the heads of an
    attention layer, the blocks of a transformer) lowers to one loop nest per
    repetition, and lower-to-calyx gives each nest its own cells, groups and
    control. This pass finds runs of adjacent top-level `scf.for` nests of a
    function (only constants and allocations between them) that are the same
    computation on different memories and moves each such family into one
    private function, called once per run; lower-to-calyx then builds one
    component, instantiates it once and `invoke`s it per call with the
    caller's memories bound to its `ref` memories. Run it after
    pipeline-loops (and canonicalize, cse): the `t2c.pipeline` marks are part
    of what is compared and are cloned, so an outlined nest is pipelined as
    before.

    First, every memory index gets an offset slot: `addi %x, %c` stays, an
    index without a constant offset becomes `addi %x, %c0`, and each index
    constant an addition or an access uses gets a copy of its own. Two runs
    are then the same when a pre-order walk of both sees the same ops,
    attributes, result and block argument types, and the same wiring of
    operands. What a run uses but does not define becomes, by kind:
    * a memref: an argument (a `ref` memory), unless it is a `memref.alloc`
      or `memref.alloca` that nothing outside the run uses (a scratch
      buffer): it moves into the function;
    * an address offset: an argument (an input port) when the runs disagree
      on its value (one port per distinct list of values), else a constant of
      the function;
    * any other constant (loop bounds, float coefficients): must be equal in
      all runs, and is cloned into the function;
    * any other value: an argument.
    The family that saves the most ops ((uses - 1) x ops per run) is outlined
    first, then the search starts again; runs of up to `max-run` nests are
    compared, runs that occur fewer than `min-uses` times stay, and so do
    runs whose results are used after them. Calls are marked `t2c.shared`.
    Nests that stay get their indices back unchanged.

    Before:

    ```mlir
    scf.for %i = %c0 to %c32 step %c1 {
      %v = memref.load %a[%i] : memref<64xf32>
      memref.store %v, %x[%i] : memref<32xf32>
    } {t2c.pipeline}
    scf.for %i = %c0 to %c32 step %c1 {
      %j = arith.addi %i, %c32 : index
      %v = memref.load %a[%j] : memref<64xf32>
      memref.store %v, %y[%i] : memref<32xf32>
    } {t2c.pipeline}
    ```

    After:

    ```mlir
    func.func private @shared0(%a: memref<64xf32>, %off: index,
                               %y: memref<32xf32>) {
      %c0 = arith.constant 0 : index
      %c32 = arith.constant 32 : index
      %c1 = arith.constant 1 : index
      scf.for %i = %c0 to %c32 step %c1 {
        %j = arith.addi %i, %off : index
        %v = memref.load %a[%j] : memref<64xf32>
        memref.store %v, %y[%i] : memref<32xf32>
      } {t2c.pipeline}
      return
    }
    ...
    call @shared0(%a, %c0, %x) {t2c.shared} : (memref<64xf32>, index, memref<32xf32>) -> ()
    call @shared0(%a, %c32, %y) {t2c.shared} : (memref<64xf32>, index, memref<32xf32>) -> ()
    ```
  }];
  let options = [
    Option<"minUses", "min-uses", "unsigned", "2",
           "Outline a nest only when it occurs at least this many times">,
    Option<"maxRun", "max-run", "unsigned", "1",
           "Longest run of adjacent nests outlined as one function (1: "
           "single nests, which shares the most hardware: a longer run "
           "that repeats less often copies the nests it shares with others)">,
    Option<"prefix", "prefix", "std::string", "\"shared\"",
           "Name prefix of the outlined functions (a number follows)">,
  ];
  let dependentDialects = ["mlir::func::FuncDialect"];
}

def MergeCombCells : Pass<"merge-comb-cells", "mlir::ModuleOp"> {
  let summary = "Merge combinational Calyx cells that compute the same value";
  let description = [{
    Runs on the `calyx.program` lower-to-calyx builds. Two cells of one
    combinational primitive (`std_add`, `std_sub`, shifts, compares, `std_and`,
    `std_or`, `std_xor`, `std_slice`, `std_pad`, `std_not`) with the same
    parameters, whose inputs are driven only by unguarded continuous
    assignments of the same sources, give the same output at every cycle:
    the second is erased with its input assignments, and every read of its
    output (assignment sources and guards, `if`/`while` conditions, invoke
    inputs) reads the first. Repeated until nothing merges, so a cell whose
    inputs were merged cells can merge in turn. Such twins come from the
    lowering itself: a pipelined nest's odometer compares its induction
    register with its last value (`last_i`), and the nest's body may test the
    same (`%last = arith.cmpi eq, %k, %c7` of a reduction); MLIR's CSE sees
    only the second. Cells assigned inside groups, guarded, or `ref` are left
    alone.

    Before:
    ```
    calyx.cell "last_i" = "std_eq" [32]
    calyx.cell "cmp" = "std_eq" [32]
    calyx.assign "last_i.left" = "i.out"
    calyx.assign "last_i.right" = "32'd7"
    calyx.assign "cmp.left" = "i.out"
    calyx.assign "cmp.right" = "32'd7"
    calyx.assign "y.write_en" = "1'd1" if "%[3:11] & cmp.out"
    ```
    After:
    ```
    calyx.cell "last_i" = "std_eq" [32]
    calyx.assign "last_i.left" = "i.out"
    calyx.assign "last_i.right" = "32'd7"
    calyx.assign "y.write_en" = "1'd1" if "%[3:11] & last_i.out"
    ```
  }];
}
