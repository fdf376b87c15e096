//===- Passes.td - torch2calyx pass declarations -----------*- tablegen -*-===//
//
// Every pass of the torch2calyx native library. Each pass lives in its own
// .cpp under passes/lib/ and is registered by registerTorch2CalyxPasses().
//
//===----------------------------------------------------------------------===//

#ifndef TORCH2CALYX_PASSES
#define TORCH2CALYX_PASSES

include "mlir/Pass/PassBase.td"

//===----------------------------------------------------------------------===//
// flatten-memrefs
//===----------------------------------------------------------------------===//

def FlattenMemrefs : Pass<"flatten-memrefs", "mlir::ModuleOp"> {
  let summary = "Turn statically shaped N-d (and 0-d) memrefs into 1-D memrefs";
  let description = [{
    Calyx memories are addressed by one index per dimension in the IR, but the
    later stages (and external memories loaded from a data JSON) are simplest
    with one flat, row-major address. This pass rewrites every statically
    shaped, identity-layout memref of rank >= 2 or rank 0 into a 1-D memref
    with the same element type and memory space, everywhere it appears:
    `memref.global` (the initializer is reshaped, `dense_resource` blobs keep
    their data), `memref.get_global`, `memref.alloc`/`alloca`/`dealloc`/`copy`,
    function arguments and results, `func.call`/`func.return`, `affine.load`/
    `affine.store` (the access map is linearized) and `memref.load`/
    `memref.store` (the indices are linearized with `arith` ops).

    Before:

    ```mlir
    memref.global "private" constant @w : memref<2x3xf32> = dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]>
    func.func @f(%out: memref<2x3xf32>, %i: index, %j: index) {
      %w = memref.get_global @w : memref<2x3xf32>
      %v = affine.load %w[%i, %j] : memref<2x3xf32>
      memref.store %v, %out[%i, %j] : memref<2x3xf32>
      return
    }
    ```

    After:

    ```mlir
    memref.global "private" constant @w : memref<6xf32> = dense<[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]>
    func.func @f(%out: memref<6xf32>, %i: index, %j: index) {
      %w = memref.get_global @w : memref<6xf32>
      %v = affine.load %w[%i * 3 + %j] : memref<6xf32>
      %c3 = arith.constant 3 : index
      %0 = arith.muli %i, %c3 : index
      %1 = arith.addi %0, %j : index
      memref.store %v, %out[%1] : memref<6xf32>
      return
    }
    ```

    Anything else that touches such a memref (`subview`, `reinterpret_cast`,
    `expand_shape`, `collapse_shape`, `cast`, `dim`, memrefs carried through
    loops or branches, ...) and any memref of rank != 1 with a dynamic shape or
    a non-identity layout is reported with an error naming the op and the
    reason; the pass then fails and leaves the IR unchanged. Rank-1 memrefs are
    never touched.
  }];
  let dependentDialects = ["mlir::arith::ArithDialect"];
}

//===----------------------------------------------------------------------===//
// externalize-globals
//===----------------------------------------------------------------------===//

def ExternalizeGlobals : Pass<"externalize-globals", "mlir::ModuleOp"> {
  let summary = "Turn the weights of the top-level function into external "
                "memories and write their values as Calyx data JSON";
  let description = [{
    Every `memref.global` that the top-level function reads through
    `memref.get_global` becomes a new memref argument of that function,
    appended after its existing arguments, in the order the globals appear in
    the module. Each new argument carries `t2c.name = "<global symbol>"`, the
    name later stages give the Calyx memory, and the global's initializer
    becomes the entry of that name in a Calyx data JSON:

    ```json
    {"w": {"data": [1.0, 2.0], "format": {"numeric_type": "ieee754_float", "is_signed": true, "width": 32}}}
    ```

    f32 and f64 values are written as the shortest decimal that parses back
    to the same value of their own type (also when read as a 64-bit double and
    then rounded to f32); f16 and bf16 values as the shortest decimal of the
    same value in f32. So the bits round-trip exactly; integral values get a
    trailing `.0`; infinities
    are written `Infinity`/`-Infinity` and NaN as `NaN` (Python's json reads
    them; the NaN payload is not kept). Integers use `"bitnum"`: `ui*` are
    unsigned, signless `i*` and `si*` are signed (except `i1`, unsigned).
    `data` is nested like the memref's shape (flat after `flatten-memrefs`).
    Inline `dense<[...]>`, splats, hex `dense<"0x...">` and `dense_resource`
    blobs are all read.

    Before:

    ```mlir
    memref.global "private" constant @w : memref<2xf32> = dense<[1.0, 2.0]>
    func.func @forward(%x: memref<2xf32>, %y: memref<2xf32>) {
      %w = memref.get_global @w : memref<2xf32>
      ...
    }
    ```

    After:

    ```mlir
    func.func @forward(%x: memref<2xf32>, %y: memref<2xf32>,
                       %w: memref<2xf32> {t2c.name = "w"}) {
      ...
    }
    ```

    With `internal=true` the weights stay inside the function instead: each
    `memref.get_global` is replaced by one `memref.alloc` at the start of the
    function carrying `{t2c.name = "w", t2c.from_data}`, meaning "an internal
    memory whose initial contents are the data JSON entry named by
    t2c.name"; the JSON is the same.

    The JSON goes to the file named by `data-file`; without it, it is attached
    to the module as the string attribute `t2c.data` (which
    `torch2calyx._passes.run_pipeline_with_data` removes and returns).

    Mutable (non-constant) globals are treated as state the function reads and
    writes: they are externalized the same way, with their initial value (or
    zeros when uninitialized) as the JSON entry. A global the top-level function
    reads that is also used by another function, a top-level function that is
    called, an unsupported element type or initializer, or a constant global
    without initializer is an error; the IR is then left unchanged.
  }];
  let options = [
    Option<"topFunc", "top-func", "std::string", /*default=*/"\"\"",
           "Top-level function (default: the only public function with a "
           "body, else `forward`, else `main`)">,
    Option<"dataFile", "data-file", "std::string", /*default=*/"\"\"",
           "Write the Calyx data JSON to this file (default: attach it to the "
           "module as the string attribute t2c.data)">,
    Option<"internal", "internal", "bool", /*default=*/"false",
           "Keep weights as internal memories (memref.alloc with "
           "t2c.from_data) initialized from the JSON instead of adding "
           "function arguments">,
  ];
}

#endif // TORCH2CALYX_PASSES
