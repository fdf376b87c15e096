//===- PassesLanes.td - parallel lanes passes --------------*- tablegen -*-===//
//
// The passes of compile(lanes=N) (issue 12): unroll-lanes, bank-memories.
// Included by Passes.td.
//
//===----------------------------------------------------------------------===//

def UnrollLanes : Pass<"unroll-lanes", "mlir::ModuleOp"> {
  let summary = "Unroll one parallel loop of each pipelined nest into N "
                "lanes and choose the banking that keeps the lanes apart";
  let description = [{
    Runs after `pipeline-loops`. In every nest marked `t2c.pipeline`, one
    loop that is neither a reduction (`t2c.reduction`) nor the interleaving
    loop (`t2c.interleave`) is split by the lane count `n`: the loop now
    counts blocks of `n` iterations, and the innermost body is copied `n`
    times, copy `l` computing iteration `lb + step * (x * n + l)`. The copies
    start in the same cycle and lower-to-calyx gives each its own pipelined
    units. Ops that do not depend on the lane (the input element every
    output lane multiplies) are kept once and broadcast to all copies.
    Each copy has its own rotating buffer.

    A memory whose index moves by `g` from one lane to the next is marked
    `t2c.banks = array<i64: n, g>`: cyclic banking with granule `g` (element
    `i` in bank `(i / g) mod n` at offset `(i / (g n)) g + i mod g`), which
    `bank-memories` carries out, so each lane reads and writes its own bank
    every cycle. The loop and `n` are chosen per nest: the largest power of
    2 up to `lanes` that divides the loop's trip count and for which every
    lane's accesses reach a fixed bank of their own, agreeing with the
    banking chosen for the same memory by earlier nests, and every other
    access of the memory can still be served; among the loops that allow
    it, the one that copies the fewest inputs and outputs into banks, then
    the outermost. Nests where no loop allows it are left as they are. The
    nest gets `t2c.lanes = n`.

    Remainders: when no divisor gives as many lanes, a loop of trip count
    `T` may be padded to `P = ceil(T / n) n` iterations instead (one
    granule per lane, not the interleaving loop). The lanes whose iteration
    `x * n + l` is `T` or more are disabled: their stores go under
    `scf.if x * n + l < T` (an `scf.if` of theirs gets the test in its
    condition), and in a split reduction their term becomes -0.0 (`select`),
    the sum's identity, so the total is exact. Lanes below `T mod n` are
    never disabled and get no test. Their loads stay in bounds: a memory
    such a lane reaches past its end gets a third banking field, the least
    bank size (`t2c.banks = array<i64: n, g, minimum>`), and weights are
    zero-padded. The padded split is taken when it gives more lanes than
    any divisor and fewer estimated cycles (iterations per lane, padded
    ones included, plus one per element of inputs/outputs newly copied into
    banks); among padded splits the cheapest, then the fewest lanes. The
    nest gets `t2c.padded = array<i64: T, P>` (lower-to-calyx and
    export-calyx note it: `..., 4 lanes, trip count 3 padded to 4`).

    Before (`lanes=4`; 5 elements, no power of 2 divides 5):

    ```mlir
    scf.for %i = %c0 to %c5 step %c1 {
      %a = memref.load %x[%i + 6] : memref<11xf32>
      ...
      memref.store %p, %y[%i] : memref<5xf32>
    } {t2c.pipeline}
    ```

    After (2 blocks of 4 lanes; lanes 1 to 3 are past the end in the
    second):

    ```mlir
    scf.for %b = %c0 to %c2 step %c1 {
      %i1 = arith.addi %b4, %c1 : index
      %v1 = arith.cmpi ult, %i1, %c5 : index
      ... (likewise %v2, %v3; four loads, x[%b4 + 6] to x[%b4 + 9])
      memref.store %p0, %y[%b4] : memref<5xf32>
      scf.if %v1 {
        memref.store %p1, %y[%i1] : memref<5xf32>
      }
      ...
    } {t2c.lanes = 4 : i64, t2c.padded = array<i64: 5, 8>, t2c.pipeline}
    // %x: t2c.banks = array<i64: 4, 1, 4> (lane 3 reads up to x[15]: banks
    // of 4 where 11 elements need 3); %y: t2c.banks = array<i64: 4, 1>
    ```

    A reduction loop may be split instead: lane `l` sums the iterations
    `x * n + l` into a partial sum of its own (lanes after the first start
    from -0.0). The last step stores lane `l`'s partial sum of output `o`
    at `o * n + l` of a new buffer banked `[n, 1]`, and a nest after the
    stream (`t2c.joins`, pipelined), over the output loops, reads the `n`
    partial sums of each output, adds them in a tree and runs the last
    step's ops (bias, store) on the total. Its `n - 1` adds get units that
    lower-to-calyx shares with the lanes' adders of the nests before it,
    where an adder tree inside the nest would have cost `n - 1` adders
    busy once per output. (When the last step's ops depend on a reduction
    counter the tree stays in the nest.) Stores of a joining nest keep a
    static bank, as those of a last step do. The joining nest costs a few
    cycles per output, so a split is taken only when the output loops give
    no lanes or the split gives at least 4 times their lanes (a 4-output
    layer at `lanes=4` gets 2 output lanes; at `lanes=16`, 16 partial
    sums).

    A short nest, one whose iterations are at most an eighth of the longest
    arithmetic nest's iterations divided by that nest's lanes, keeps one
    lane unless it computes and its lanes fit on the units the longer nests
    have anyway (a bias add after a matmul: an adder per lane is there for
    the matmul's lanes). A short ReLU, max-pool or rearrangement would gain
    only banks, bank logic and copies of its compares; a short softmax
    (exponential polynomial, division) or score scaling units of its own
    per lane (a pipelined f32 divider is about 2,400 LUTs), for little
    time. A nest named in `layer-lanes`
    takes the lanes asked for regardless. Before (`lanes=2`), a ReLU of 64
    elements after a 64 x 64 matvec; after, the matvec has
    `t2c.lanes = 2` and the ReLU is unchanged:

    ```mlir
    scf.for %i = %c0 to %c64 step %c1 {
      %v = memref.load %y[%i] : memref<64xf32>
      %b = arith.bitcast %v : f32 to i32
      %neg = arith.cmpi slt, %b, %c0_i32 : i32
      %r = arith.select %neg, %cst, %v : f32
      memref.store %r, %z[%i] : memref<64xf32>
    } {t2c.pipeline}
    ```

    Before (`lanes=2`):

    ```mlir
    scf.for %b = %c0 to %c24 step %c1 {
      scf.for %k = %c0 to %c64 step %c1 {
        %x = memref.load %in[%k] : memref<64xf32>
        %w = memref.load %wt[%k * 48 + %b] : memref<3072xf32>
        ...
        memref.store %s, %rot[%c0] : memref<1xf32>
        scf.if %last {
          memref.store %s, %out[%b] : memref<48xf32>
        }
      } {t2c.reduction}
    } {t2c.pipeline}
    ```

    After:

    ```mlir
    %rot1 = memref.alloca() {t2c.rotating} : memref<1xf32>
    scf.for %b = %c0 to %c12 step %c1 {
      scf.for %k = %c0 to %c64 step %c1 {
        %x = memref.load %in[%k] : memref<64xf32>
        %w0 = memref.load %wt[%k * 48 + %b * 2] : memref<3072xf32>
        %w1 = memref.load %wt[%k * 48 + %b * 2 + 1] : memref<3072xf32>
        ... (two copies of the body, on %rot and %rot1)
      } {t2c.reduction}
    } {t2c.lanes = 2 : i64, t2c.pipeline}
    // %wt and %out carry t2c.banks = array<i64: 2, 1>
    ```
  }];
  let options = [
    Option<"lanes", "lanes", "int64_t", /*default=*/"1",
           "parallel lanes per pipelined nest (a power of 2; 1: none)">,
    ListOption<"layerLanes", "layer-lanes", "std::string",
               "per-layer lanes, entries NAME:N: a nest whose location names "
               "layer L (a NameLoc, as the front end writes) takes N of the "
               "longest NAME equal to L or a prefix of L at a '.'; '*:N' "
               "overrides `lanes` for the other nests">,
  ];
  let dependentDialects = ["mlir::scf::SCFDialect", "mlir::arith::ArithDialect",
                           "mlir::memref::MemRefDialect"];
}

def BankMemories : Pass<"bank-memories", "mlir::ModuleOp"> {
  let summary = "Split every memory marked t2c.banks into its cyclic banks";
  let description = [{
    A 1-D memory marked `t2c.banks = array<i64: n, g>` becomes `n` memories
    of `ceil(size / (g n)) g` elements (or of the optional third field, the
    least bank size, when that is more: unroll-lanes asks for it when it
    pads a loop, see there); element `i` moves to bank `(i / g) mod n` at
    offset `(i / (g n)) g + i mod g`.

    Each access whose bank is the same in every iteration (its index, as a
    linear form of the loop counters, stays within one granule modulo
    `g n`) goes to that bank with the offset computed from the same
    counters. Any other access chooses the bank at run time, which needs `n`
    and `g` to be powers of 2 (the bank and offset are then bit fields of
    the index): a read reads all banks at the offset and selects, a write
    writes the one bank under `scf.if`.

    Internal buffers become `n` `memref.alloc`s. Weights (arguments whose
    `t2c.name` has an entry in the module's `t2c.data` JSON, and allocs with
    `t2c.from_data`) become `n` weights named `<name>_b<k>` whose data JSON
    entries hold the banks' elements (zeros where the last granules are
    padding). Inputs and outputs of the function keep their shape: their
    banks are internal buffers, filled from the argument at the start of
    the function and copied back before it returns, by pipelined loops of
    one element per cycle. When `g n` does not divide the size (a padded
    loop's memory), the copies run one more, partial, group: the read index
    is clamped to the last element and writes past the end are skipped.

    Before (an output of 5 elements in 4 banks):

    ```mlir
    func.func @f(%y: memref<5xf32> {t2c.banks = array<i64: 4, 1>}) { ... }
    ```

    After (four banks of 2; the copy back runs 2 groups of 4):

    ```mlir
    scf.for %q = %c0 to %c2 step %c1 {
      scf.for %k = %c0 to %c4 step %c1 {
        %i = arith.addi %q4, %k : index
        %in = arith.cmpi ult, %i, %c5 : index
        ... (%v: bank %k at %q, read and selected)
        scf.if %in {
          memref.store %v, %y[%i] : memref<5xf32>
        }
      }
    } {t2c.pipeline}
    ```

    Before (a weight):

    ```mlir
    func.func @f(%in: memref<4xf32>, %w: memref<4xf32> {t2c.banks = array<i64: 2, 1>, t2c.name = "w"}) {
      %v = memref.load %w[%c3] : memref<4xf32>
      ...
    }
    ```

    After (`t2c.data` now has entries `w_b0` = w[0], w[2] and `w_b1` =
    w[1], w[3]):

    ```mlir
    func.func @f(%in: memref<4xf32>, %w_b0: memref<2xf32> {t2c.name = "w_b0"},
                 %w_b1: memref<2xf32> {t2c.name = "w_b1"}) {
      %v = memref.load %w_b1[%c1] : memref<2xf32>
      ...
    }
    ```
  }];
  let dependentDialects = ["mlir::scf::SCFDialect", "mlir::arith::ArithDialect",
                           "mlir::memref::MemRefDialect"];
}
