//===- PassesSharing.td - hardware sharing passes ----------*- tablegen -*-===//
//
// The pass of compile(share=True) (issue 14): outline-repeated-nests.
// Included by Passes.td.
//
//===----------------------------------------------------------------------===//

def OutlineRepeatedNests : Pass<"outline-repeated-nests", "mlir::ModuleOp"> {
  let summary = "Outline structurally identical loop nests into one function "
                "each, called once per use";
  let description = [{
    A model that repeats a layer (an LSTM's gates at every time step, the
    heads of an attention layer, the blocks of a transformer) lowers to one
    loop nest per repetition, and lower-to-calyx gives each nest its own
    cells, groups and control. This pass finds the top-level loop nests
    (`scf.for` or `affine.for` directly in a function body) that are the same
    computation on different memories and moves each such family into one
    private function, called once per nest; lower-to-calyx then builds one
    component, instantiates it once and `invoke`s it per call with the
    caller's memories bound to its `ref` memories.

    Two nests are the same when a pre-order walk of both sees the same ops,
    attributes (the pipelining marks of pipeline-loops among them, so an
    outlined nest is pipelined as before), result and block argument types,
    and the same wiring of operands. What a nest uses but does not define
    becomes, by kind:
    * a memref: an argument (a `ref` memory), unless it is a `memref.alloc`
      or `memref.alloca` that nothing outside the nest uses (a rotating
      accumulator buffer, a scratch buffer): it moves into the function;
    * an `index` constant used only by `arith.addi` (an address offset, such
      as the time step's row of an LSTM buffer): an argument (an input port)
      when the nests disagree on its value, else a constant of the function;
    * any other constant (loop bounds, float coefficients): must be equal in
      all nests, and is cloned into the function;
    * any other value: an argument.
    Memories of different types never share a function. Calls are marked
    `t2c.shared`. Nests that occur fewer than `min-uses` times stay.

    Before:

    ```mlir
    %c32 = arith.constant 32 : index
    scf.for %i = %c0 to %c32 step %c1 {
      %v = memref.load %a[%i] : memref<64xf32>
      memref.store %v, %x[%i] : memref<32xf32>
    } {t2c.pipeline}
    scf.for %i = %c0 to %c32 step %c1 {
      %j = arith.addi %i, %c32 : index
      %v = memref.load %a[%j] : memref<64xf32>
      memref.store %v, %y[%i] : memref<32xf32>
    } {t2c.pipeline}
    scf.for %i = %c0 to %c32 step %c1 {
      %j = arith.addi %i, %c0 : index
      %v = memref.load %b[%j] : memref<64xf32>
      memref.store %v, %y[%i] : memref<32xf32>
    } {t2c.pipeline}
    ```

    After (the first nest has no `addi`, so it stays):

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
    call @shared0(%a, %c32, %y) {t2c.shared} : (memref<64xf32>, index, memref<32xf32>) -> ()
    call @shared0(%b, %c0, %y) {t2c.shared} : (memref<64xf32>, index, memref<32xf32>) -> ()
    ```
  }];
  let options = [
    Option<"minUses", "min-uses", "unsigned", "2",
           "Outline a nest only when it occurs at least this many times">,
    Option<"prefix", "prefix", "std::string", "\"shared\"",
           "Name prefix of the outlined functions (a number follows)">,
  ];
  let dependentDialects = ["mlir::func::FuncDialect"];
}
