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

//===----------------------------------------------------------------------===//
// Lowering to Calyx (issue 4): legalize-float-ops, lower-to-calyx, export-calyx
//===----------------------------------------------------------------------===//

def LegalizeFloatOps : Pass<"legalize-float-ops", "mlir::ModuleOp"> {
  let summary = "Rewrite float ops without a Calyx primitive into ops that have one";
  let description = [{
    Calyx has IEEE-754 units for add/sub (std_addFN), mul (std_mulFN),
    div/sqrt (std_divSqrtFN), compare (std_compareFN) and int<->float
    conversion, nothing else. This pass rewrites every other float op of
    loop-level MLIR in terms of those units or of integer logic on the bits
    (which costs no cycle in hardware):

    * ReLU, `select(cmpf(ugt|ogt, x, 0.0), x, 0.0)` and `maximumf(x, 0.0)`,
      becomes a sign-bit test on the bits of `x` with the semantics of
      `torch.relu`: `x` is replaced by +0.0 exactly when it is negative,
      non-zero and not NaN (so -0.0 and NaN pass through unchanged, bit-exact
      with PyTorch):

      ```mlir
      %c = arith.cmpf ugt, %x, %zero : f32
      %r = arith.select %c, %x, %zero : f32
      ```
      becomes
      ```mlir
      %b = arith.bitcast %x : f32 to i32
      %neg = arith.cmpi slt, %b, %c0_i32 : i32
      %mag = arith.andi %b, %c2147483647_i32 : i32
      %m1 = arith.subi %mag, %c1_i32 : i32
      %finite_nonzero = arith.cmpi ult, %m1, %c2139095040_i32 : i32
      %kill = arith.andi %neg, %finite_nonzero : i1
      %r = arith.select %kill, %zero, %x : f32
      ```
    * `maximumf`/`minimumf` (NaN-propagating, -0.0 < +0.0) compare the
      operands as sign-magnitude integers and return the first NaN operand
      if any; `maxnumf`/`minnumf` return the other operand instead.
    * `cmpf` (every predicate) becomes integer comparisons of sign-magnitude
      keys of the bits plus NaN tests, so comparisons cost no cycle and need
      no `std_compareFN` (`integer-compare=false` keeps `cmpf` for the
      comparator unit):

      ```mlir
      %c = arith.cmpf olt, %x, %y : f32
      ```
      becomes `cmpi slt` of the keys `select(b < 0, 0 - (b & 0x7fffffff),
      b & 0x7fffffff)` of both operands, and-ed with "neither is NaN".
    * `negf` flips the sign bit (`xori`), `absf` clears it (`andi`),
      `math.copysign` combines the bits.
    * `math.exp`, `math.tanh`, `math.erf` and friends use MLIR's polynomial
      approximations, `math.rsqrt` becomes `1 / sqrt`, `math.fpowi` and
      `math.powf` with a constant integer exponent become multiplications,
      `math.fma` becomes `mulf` + `addf`.
    * With `narrow-f64` (the default) every f64 scalar computation is done
      in f32: `arith.extf` f32 -> f64 and `arith.truncf` f64 -> f32 vanish
      and f64 constants and ops become f32 ones. torch-mlir computes the
      variance of LayerNorm in f64; narrowing keeps the whole design on one
      set of binary32 units. With `narrow-f64=false` f64 ops stay f64 (they
      use the binary64 units) and any remaining `extf`/`truncf` is an error
      in `lower-to-calyx`.
  }];
  let options = [
    Option<"narrowF64", "narrow-f64", "bool", /*default=*/"true",
           "compute f64 scalars in f32 (extf/truncf between them vanish)">,
    Option<"integerCompare", "integer-compare", "bool", /*default=*/"true",
           "rewrite cmpf into integer logic on the bits (no std_compareFN)">,
  ];
  let dependentDialects = ["mlir::arith::ArithDialect", "mlir::math::MathDialect"];
}

def LowerToCalyx : Pass<"lower-to-calyx", "mlir::ModuleOp"> {
  let summary = "Lower loop-level MLIR (func/scf/affine/arith/math/memref) to the calyx dialect";
  let description = [{
    The top-level `func.func` (the one named by `top`, else the only
    function with a body, else the only public one) becomes
    `calyx.component "main"` with `toplevel`. Affine ops are first lowered
    to scf/arith/memref. Every function the top one calls becomes its own
    component named after the function: its memref arguments become `ref`
    `seq_mem_d1` cells named `arg<k>` (or their `t2c.name`), its scalar
    arguments input ports `arg<k>`, its results output ports `out<k>`; the
    caller gets one instance cell `<callee>_inst` per callee and each
    `func.call` becomes `invoke <callee>_inst[arg<k>=mem](arg<j>=src)();`
    followed by a group copying the instance's `out<k>` ports into
    registers. A callee's units (float adders, multipliers, dividers,
    conversions, integer multipliers and dividers) are `ref` cells too:
    every invoke binds them to the caller's units of the same kind (its own
    cells, created if the caller's nests have none, or, in a callee, its own
    ref cells), so the top component's nests and every component draw on one
    pool of units, as they would inlined:
    `invoke shared0_inst[mulFN_p=mulFN_p, addFN_p=addFN_p, arg0=mem_2]()()`.
    A recursive call is an error. With `inline-calls=true` the calls are
    inlined instead, so callees share the top component's units and
    memories. Then:

    * each 1-D static memref argument becomes an `@external seq_mem_d1`
      named after its `t2c.name` argument attribute, else `arg<k>`;
      `memref.alloc`/`alloca` become internal `seq_mem_d1`s named `mem<k>`;
    * constants become Calyx literals; combinational integer ops (add, sub,
      and, or, xor, shifts, cmpi, select, ext, trunc, index_cast, min/max,
      multiplication by a constant as shifts and adds) become `std_*` cells
      driven by continuous assignments, so they cost no cycle;
    * multi-cycle ops (integer mul/div/rem, `addf`, `subf`, `mulf`, `divf`,
      `math.sqrt`, `cmpf`, int<->float conversions) become one group each that
      drives a shared unit (`std_mult_pipe`, `std_div_pipe`, `std_sdiv_pipe`,
      `std_addFN`, `std_mulFN`, `std_divSqrtFN`, `std_compareFN`,
      `std_intToFp`, `std_fpToInt` with `(expWidth, sigWidth, width)`) and
      writes the result into a `std_reg`; with `float-stages=4` or `7` the
      adders and multipliers are the deeper `std_addFN_s4`/`_s7`,
      `std_mulFN_s4`/`_s7` (and in pipelined nests `pipelined_addFN_s<N>`,
      `pipelined_mulFN_s<N>`, scheduled at latency N), for a higher clock; a load is a group whose value is
      read from the memory's `read_data` when nothing touches that memory
      before the value's last use (else it is copied into a `std_reg`); a
      unit's mode inputs (`control`, `roundingMode`, `subOp`, `sqrtOp`,
      `signedIn`/`signedOut`) that every use sets to the same constant are
      one continuous assignment (`addFN_f32.subOp = 1'd0;`), except on units
      an invoke lends to a component;
    * `scf.for`/`affine.for` with constant bounds become a `while` over an
      induction register, `scf.if`/`affine.if` an `if`, `scf.while` a
      `while` whose "before" region runs before the loop and after every
      iteration; iteration arguments and results are `std_reg`s;
    * loop-invariant pure ops move out of loops; then a load and a store of
      one memory at one loop-invariant address in a
      loop body (the accumulation of a matmul) are hoisted around the loop,
      the value carried in a register that the accumulating group writes in
      place; stores forward to later loads of the same address, repeated
      loads are merged and overwritten stores dropped;
    * the loop step (induction variable and copied iteration arguments) is
      scheduled with the body: it runs in `par` with the body's tail once
      nothing reads the old induction variable;
    * a dot-product loop (`acc = addf acc, mulf(load A[..], load B[..])`
      over two different memories, the rest of the body combinational
      address arithmetic) is software-pipelined into one group on a 3-phase
      counter: both memories are read in phase 0, the multiplier runs on
      their `read_data` in phases 1-2, the adder adds the previous product
      in phases 0-1 and the accumulator is written in phase 2, so one
      multiply-accumulate starts every 3 cycles (the float units' interval)
      with the same additions in the same order as the sequential loop;
    * independent statements of one block (no data dependence, disjoint
      memories and units) are grouped into `par`.

    ```mlir
    func.func @main(%x: memref<4xf32> {t2c.name = "x"}, %y: memref<4xf32>) {
      affine.for %i = 0 to 4 {
        %v = affine.load %x[%i] : memref<4xf32>
        %w = arith.addf %v, %v : f32
        affine.store %w, %y[%i] : memref<4xf32>
      }
      return
    }
    ```
    becomes (abridged)
    ```mlir
    calyx.program {
      calyx.component "main" attributes {toplevel} {
        calyx.cell "x" = "seq_mem_d1" [32, 4, 2] {external}
        calyx.cell "arg1" = "seq_mem_d1" [32, 4, 2] {external}
        calyx.cell "i" = "std_reg" [32]
        calyx.cell "lt_i" = "std_lt" [32]
        calyx.cell "addr" = "std_slice" [32, 2]
        calyx.cell "x_ld" = "std_reg" [32]
        calyx.cell "addFN_f32" = "std_addFN" [8, 24, 32]
        calyx.cell "addf_r" = "std_reg" [32]
        calyx.group "load_x" {
          calyx.assign "x.addr0" = "addr.out"
          calyx.assign "x.content_en" = "1'd1"
          calyx.assign "x_ld.in" = "x.read_data"
          calyx.assign "x_ld.write_en" = "1'd1" if "x.done"
          calyx.assign "load_x[done]" = "x_ld.done"
        }
        calyx.group "addf" {
          calyx.assign "addFN_f32.go" = "1'd1" if "!addFN_f32.done"
          calyx.assign "addf_r.write_en" = "1'd1" if "addFN_f32.done"
          calyx.assign "addf[done]" = "addf_r.done"
          calyx.assign "addFN_f32.left" = "x_ld.out"
          ...
        }
        calyx.assign "addr.in" = "i.out"
        ...
        calyx.control {
          calyx.enable "init_i"
          calyx.while "lt_i.out" with "cond_i" {
            calyx.enable "load_x"
            calyx.enable "addf"
            calyx.enable "store_arg1"
            calyx.enable "step_i"
          }
        }
      }
    }
    ```
    The source functions are erased; the module then holds the
    `calyx.program` (plus whatever else it held, e.g. nothing from the
    front end). Memory names are what the data JSON and the simulator use:
    the `t2c.name` of each argument (externalize-globals names weights after
    their globals), else `arg<k>`.

    Ops without a lowering (math functions, maximumf, ... before
    `legalize-float-ops`; dynamic bounds; N-d memrefs before
    `flatten-memrefs`) are reported with the op and what to run first, and
    the pass fails.
  }];
  let options = [
    Option<"top", "top", "std::string", /*default=*/"\"\"",
           "name of the function to lower (default: the only public one)">,
    Option<"inlineCalls", "inline-calls", "bool", /*default=*/"false",
           "inline func.call instead of making callees components invoked "
           "by the caller">,
    Option<"floatStages", "float-stages", "int", /*default=*/"2",
           "pipeline depth (= latency in cycles) of the float adders and "
           "multipliers: 2 (std_addFN, pipelined_addFN, ...), 4 or 7 (their "
           "_s4 / _s7 variants, higher Fmax); pipelined nests are scheduled "
           "with it">,
  ];
  let dependentDialects = [
    "torch2calyx::calyx::CalyxDialect", "mlir::scf::SCFDialect",
    "mlir::arith::ArithDialect", "mlir::memref::MemRefDialect",
    "mlir::cf::ControlFlowDialect"
  ];
}

def ExportCalyx : Pass<"export-calyx", "mlir::ModuleOp"> {
  let summary = "Print the calyx dialect as native Calyx (.futil)";
  let description = [{
    Prints every `calyx.program` of the module as Calyx text. Imports are
    derived from the primitives the cells use, with the file names of the
    Calyx compiler's `primitives/` folder:

    ```mlir
    calyx.program {
      calyx.component "main" attributes {toplevel} {
        calyx.cell "x" = "seq_mem_d1" [32, 4, 2] {external}
        calyx.control {}
      }
    }
    ```
    prints
    ```
    import "primitives/core.futil";
    import "primitives/memories/seq.futil";
    component main<"toplevel"=1>() -> () {
      cells {
        @external x = seq_mem_d1(32, 4, 2);
      }
      wires {
      }
      control {}
    }
    ```
    A group whose location holds a NameLoc (`lower-to-calyx` gives each group
    the location of the op it lowers; the front end names every op after its
    PyTorch layer) gets the attribute `"t2c_layer"=k`, and the layers are
    listed after the imports, numbered in program order:
    ```
    // layer 1: fc1
    ...
        group init_pipe0<"t2c_layer"=1> { ... }
    ```
    Where the text goes: `output-file=PATH` writes PATH, `output-file=-`
    writes stdout, and without `output-file` the text is stored in the
    module attribute `t2c.futil` (how the Python side receives it from
    `run_pipeline`, like externalize-globals' `t2c.data`). The IR is
    otherwise unchanged. A cell whose primitive is neither a known Calyx
    primitive nor a component of the program is an error.
  }];
  let options = [
    Option<"outputFile", "output-file", "std::string", /*default=*/"\"\"",
           "file the Calyx text is written to ('-' for stdout; none: the "
           "module attribute t2c.futil)">,
    Option<"toAttribute", "to-attribute", "bool", /*default=*/"false",
           "store the text in the module attribute t2c.futil even when "
           "output-file is given">,
  ];
}

//===----------------------------------------------------------------------===//
// Pipelining (issue 11): forward-fills, pipeline-loops
//===----------------------------------------------------------------------===//

def ForwardFills : Pass<"forward-fills", "mlir::ModuleOp"> {
  let summary = "Fold a loop nest that initializes a buffer into the "
                "accumulation nest that reads it";
  let description = [{
    torch-mlir lowers `linalg.matmul` and convolutions into two nests: one
    fills the output buffer (zeros, or the bias broadcast), the next
    accumulates into it. After lowering affine and keeping accumulators in
    registers (as lower-to-calyx does), the accumulation nest starts each
    output element with a load of that buffer. When the fill nest has the
    same outer loops as the accumulation nest and writes exactly the element
    the accumulation loads, the fill's value is computed in place of the
    load and the fill nest disappears: the buffer is written once, by the
    accumulation, and the pipelined nest has no read-write conflict on it.

    Before:

    ```mlir
    scf.for %i = %c0 to %c48 step %c1 {
      memref.store %cst, %buf[%i] : memref<48xf32>
    }
    scf.for %i = %c0 to %c48 step %c1 {
      %init = memref.load %buf[%i] : memref<48xf32>
      %r = scf.for %k = %c0 to %c64 step %c1 iter_args(%acc = %init) -> (f32) {
        ...
      }
      memref.store %r, %buf[%i] : memref<48xf32>
    }
    ```

    After:

    ```mlir
    scf.for %i = %c0 to %c48 step %c1 {
      %r = scf.for %k = %c0 to %c64 step %c1 iter_args(%acc = %cst) -> (f32) {
        ...
      }
      memref.store %r, %buf[%i] : memref<48xf32>
    }
    ```

    The fill's value may be a constant or a load of another memory that
    the accumulation does not write (a bias). Nests that do not match are
    left as they are.
  }];
  let dependentDialects = ["mlir::scf::SCFDialect", "mlir::arith::ArithDialect",
                           "mlir::memref::MemRefDialect"];
}

def PipelineLoops : Pass<"pipeline-loops", "mlir::ModuleOp"> {
  let summary = "Reshape loop nests so that lower-to-calyx starts one "
                "iteration per cycle, and mark them";
  let description = [{
    Marks with `t2c.pipeline` every loop nest that lower-to-calyx can run as
    one pipeline (an iteration of the flattened nest started every cycle):
    perfect nests with constant bounds whose innermost body holds only
    loads, stores, combinational integer ops, integer multiplies (on the
    pipelined `pipelined_fp_smult`, latency 4) and float add/sub/mul or
    int<->float conversions, where no iteration reads what another writes
    (a memory both read and written is accessed at one address that is an
    injective function of the induction variables).

    Reductions are reshaped first. A reduction through the float adder
    depends on the previous sum, which takes the adder's latency (2 cycles)
    to compute; instead of waiting, `interleave` (2) independent reductions
    (neighbouring outputs of the innermost parallel loop) take turns: the
    parallel loop is split by the interleave factor, the reduction loops
    move inside it, and the partial sums of the interleaved outputs live in
    a `memref.alloca {t2c.rotating}` indexed by the interleaved loop, which
    lower-to-calyx builds as the adder's own pipeline (no memory). Each
    output is still summed in the original order, so results are
    bit-identical to the sequential loop. The first iteration of a
    reduction takes the initial value, the last one stores the result.

    Before (after lower-affine and keeping the accumulator in a register):

    ```mlir
    scf.for %i = %c0 to %c48 step %c1 {
      %r = scf.for %k = %c0 to %c64 step %c1 iter_args(%acc = %cst) -> (f32) {
        %x = memref.load %in[%k] : memref<64xf32>
        %w = memref.load %wt[%k * 48 + %i] : memref<3072xf32>
        %p = arith.mulf %x, %w : f32
        %s = arith.addf %acc, %p : f32
        scf.yield %s : f32
      }
      memref.store %r, %out[%i] : memref<48xf32>
    }
    ```

    After:

    ```mlir
    %rot = memref.alloca() {t2c.rotating} : memref<2xf32>
    scf.for %b = %c0 to %c24 step %c1 {
      scf.for %k = %c0 to %c64 step %c1 {
        scf.for %r = %c0 to %c2 step %c1 {
          %i = %b * 2 + %r
          %first = arith.cmpi eq, %k, %c0 : index
          %last = arith.cmpi eq, %k, %c63 : index
          %prev = memref.load %rot[%r] : memref<2xf32>
          %acc = arith.select %first, %cst, %prev : f32
          ... (the body, on %i and %k)
          memref.store %s, %rot[%r] : memref<2xf32>
          scf.if %last {
            memref.store %s, %out[%i] : memref<48xf32>
          }
        }
      }
    } {t2c.pipeline}
    ```

    When the innermost parallel trip count is odd the reduction is not
    interleaved (lower-to-calyx then starts an iteration every 2 cycles).
    For a deeper adder (lower-to-calyx's float-stages, passed here as
    `interleave`, e.g. 6) a trip count the interleave does not divide gets
    the smallest larger divisor up to 32, else the largest smaller one: 4
    outputs with `interleave=6` give 4 partial sums (an iteration every
    2 cycles), 48 outputs 6, 76 outputs with `interleave=7` 19.
    Affine ops are lowered first and accumulators kept in registers, like
    lower-to-calyx does. `pipeline-loops` changes no result: loops it cannot
    pipeline stay as they were (sequential hardware).
  }];
  let options = [
    Option<"interleave", "interleave", "int64_t", /*default=*/"2",
           "independent reductions interleaved to hide the adder latency "
           "(1: none)">,
    Option<"lanes", "lanes", "int64_t", /*default=*/"1",
           "lanes unroll-lanes will split the nests into: the interleave "
           "factor is raised (up to 8) when that leaves a number of output "
           "blocks the lanes divide">,
    ListOption<"layerLanes", "layer-lanes", "std::string",
               "per-layer lanes as unroll-lanes takes them (NAME:N)">,
  ];
  let dependentDialects = ["mlir::scf::SCFDialect", "mlir::arith::ArithDialect",
                           "mlir::memref::MemRefDialect"];
}

def MaterializeDivisions : Pass<"materialize-divisions", "mlir::ModuleOp"> {
  let summary = "Compute a division repeated across a loop once per distinct "
                "operand pair, into a buffer";
  let description = [{
    A division is the most expensive float operation (the pipelined divider
    has a latency of 15 cycles in binary32 and is about as large as an
    adder and a multiplier together; each lane needs its own). Softmax
    times V divides every exponential by its
    row sum inside the reduction over the row, once for every output column
    although the quotient does not depend on the column. This pass moves
    such a division (its operands computed from loads and combinational ops
    only, independent of at least one enclosing loop) into a nest of its own
    in front of the original nest, over the loops it does depend on, which
    stores the quotients into a new buffer; the original nest loads them.
    The same divisions are computed (IEEE division stays division), just not
    repeatedly: the original nest needs no divider and a shorter pipeline.

    Before:

    ```mlir
    scf.for %j = %c0 to %c21 step %c1 {
      %r = scf.for %k = %c0 to %c8 step %c1 iter_args(%acc = %cst) -> (f32) {
        %e = memref.load %exp[%k] : memref<8xf32>
        %s = memref.load %sum[%c0] : memref<1xf32>
        %p = arith.divf %e, %s : f32
        ...
      }
    }
    ```

    After:

    ```mlir
    %q = memref.alloc() : memref<8xf32>
    scf.for %k = %c0 to %c8 step %c1 {
      %e = memref.load %exp[%k] : memref<8xf32>
      %s = memref.load %sum[%c0] : memref<1xf32>
      %p = arith.divf %e, %s : f32
      memref.store %p, %q[%k] : memref<8xf32>
    }
    scf.for %j = %c0 to %c21 step %c1 {
      %r = scf.for %k = %c0 to %c8 step %c1 iter_args(%acc = %cst) -> (f32) {
        %p = memref.load %q[%k] : memref<8xf32>
        ...
      }
    }
    ```

    Only normalized loops (0 to N step 1) are considered, and only when the
    memories the division reads are not written by the nest.
  }];
  let dependentDialects = ["mlir::scf::SCFDialect", "mlir::arith::ArithDialect",
                           "mlir::memref::MemRefDialect"];
}

//===----------------------------------------------------------------------===//
// Passes in files of their own: parallel lanes (issue 12), precision (issue
// 15), sharing (issue 14)
//===----------------------------------------------------------------------===//

include "PassesLanes.td"
include "PassesPrecision.td"
include "PassesSharing.td"

#endif // TORCH2CALYX_PASSES
