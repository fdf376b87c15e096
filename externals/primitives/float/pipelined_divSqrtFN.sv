/* verilator lint_off DECLFILENAME */  // the file names the unit; it holds several modules
// pipelined_divSqrtFN: fully pipelined IEEE-754 division left / right (sqrtOp = 0) or square
// root of left (sqrtOp = 1; right is ignored) in the interchange format with expWidth
// exponent bits and sigWidth significand bits (hidden bit included). No go/done: a new
// operation may be presented in every cycle (interval 1); the inputs sampled at the edge
// ending cycle t give `out` and `exceptionFlags` during cycle t + LATENCY, with
//
//     LATENCY = ceil((sigWidth + 1) / 2) + 2 = (sigWidth + 6) / 2 (integer division)
//
// i.e. 8 for binary16, 7 for bfloat16, 15 for binary32, 29 for binary64. Stages:
//   1 edge   classify, normalize subnormal operands (leading-zero count and shift), pick the
//            first partial remainder: the dividend (doubled when its significand is below
//            the divisor's, so that the quotient lies in [1, 2)) or the radicand (doubled
//            when the exponent is odd, so that the root lies in [1, 2));
//   NS edges NS = ceil((sigWidth + 1) / 2) stages of a fully unrolled radix-2 restoring
//            digit recurrence, DPS = 2 digits per stage, K = 2 NS >= sigWidth + 1 digits:
//            division   u <- 2 (u - q_i D),                 q_i = [u >= D]
//            sqrt       u <- 2 (u - q_i (2 Q_{i-1} + 2^-i)), q_i = [u >= 2 Q_{i-1} + 2^-i]
//            (Q_{i-1}: the root digits so far), one shared subtractor per digit; the digit
//            weights are fixed per stage, so the quotient/root bits land at constant
//            positions and nothing is shifted between stages;
//   1 edge   round (t2c_fp_round: subnormal results, overflow, every mode, both tininess
//            modes) with the final remainder as sticky bit, or the special result, into
//            the output registers.
// Reset clears the pipeline (out = +0, no flags until real results arrive).
// Conventions (roundingMode, control = tininess after rounding, exceptionFlags, canonical
// NaN): see ARCHITECTURE.md "Float unit conventions".
//
// Calyx's static<N> needs a literal latency, so the .futil declares one primitive per
// format, pipelined_divSqrtF16 / BF16 / F32 / F64 below: thin wrappers without parameters
// that fix the format of this module.
module pipelined_divSqrtFN #(
    parameter int expWidth = 8,
    parameter int sigWidth = 24,
    parameter int numWidth = 32
) (
    input  logic                clk,
    input  logic                reset,
    input  logic                control,
    input  logic                sqrtOp,
    input  logic [numWidth-1:0] left,
    input  logic [numWidth-1:0] right,
    input  logic [         2:0] roundingMode,
    output logic [numWidth-1:0] out,
    output logic [         4:0] exceptionFlags
);
  localparam int EXP = expWidth;
  localparam int SIG = sigWidth;
  localparam int DPS = 2;  // digits per stage
  localparam int NS = (SIG + 1 + DPS - 1) / DPS;  // digit stages
  localparam int K = NS * DPS;  // result digits; bit K-1 of the result weighs 2^0
  localparam int RW = K + 2;  // remainder: values below 8 with K-1 fraction bits
  localparam int EW = EXP + 3;
  localparam int BIAS = (1 << (EXP - 1)) - 1;
  localparam int LZW = $clog2(SIG + 1);
  localparam logic [numWidth-1:0] QNAN = {1'b0, {EXP{1'b1}}, 1'b1, {(SIG - 2) {1'b0}}};

  // ---- stage 0 (combinational from the ports): classify and normalize the operands
  logic [SIG-1:0] ma, mb;
  logic [LZW-1:0] lza, lzb;
  assign ma = {left[numWidth-2-:EXP] != '0, left[SIG-2:0]};
  assign mb = {right[numWidth-2-:EXP] != '0, right[SIG-2:0]};
  t2c_fp_lzc #(.SW(SIG)) lzc_a (.in(ma), .count(lza));
  t2c_fp_lzc #(.SW(SIG)) lzc_b (.in(mb), .count(lzb));

  // Fields carried down the pipeline besides the remainder and the result digits, packed as
  // {sign, exp, special, nan, inf, invalid, infinite, rm, ctl}: exp (signed) is the exponent
  // of the result digit of weight 2^0; special: the result is NaN (nan), an infinity (inf) or
  // a zero of `sign`, not the recurrence's; invalid, infinite: its flags.
  localparam int IW = EW + 10;

  // A function of the inputs called from a continuous assignment (see t2c_fp_round).
  function automatic logic [IW+RW+SIG-2:0] prepare(
      input logic [numWidth-1:0] lhs, input logic [numWidth-1:0] rhs, input logic sq,
      input logic [2:0] mode, input logic after, input logic [LZW-1:0] lz_a,
      input logic [LZW-1:0] lz_b, input logic [SIG-1:0] m_a, input logic [SIG-1:0] m_b);
    logic sa, sb, a_nan, b_nan, a_snan, b_snan, a_inf, b_inf, a_zero, b_zero, dbl;
    logic [EXP-1:0] ea, eb, ea1, eb1;
    logic [SIG-1:0] na, nb;
    logic signed [EW-1:0] ean, ebn;
    logic [RW-1:0] u;
    logic f_sign, f_special, f_nan, f_inf, f_invalid, f_infinite;
    logic signed [EW-1:0] f_exp;
    sa = lhs[numWidth-1];
    sb = rhs[numWidth-1];
    ea = lhs[numWidth-2-:EXP];
    eb = rhs[numWidth-2-:EXP];
    ea1 = (ea == '0) ? EXP'(1) : ea;
    eb1 = (eb == '0) ? EXP'(1) : eb;
    a_nan = (&ea) && (lhs[SIG-2:0] != '0);
    b_nan = (&eb) && (rhs[SIG-2:0] != '0);
    a_snan = a_nan && !lhs[SIG-2];
    b_snan = b_nan && !rhs[SIG-2];
    a_inf = (&ea) && (lhs[SIG-2:0] == '0);
    b_inf = (&eb) && (rhs[SIG-2:0] == '0);
    a_zero = lhs[numWidth-2:0] == '0;
    b_zero = rhs[numWidth-2:0] == '0;
    na = m_a << lz_a;
    nb = m_b << lz_b;
    // Exponents of the normalized leading ones.
    ean = EW'(ea1) - EW'(BIAS) - EW'(lz_a);
    ebn = EW'(eb1) - EW'(BIAS) - EW'(lz_b);
    if (sq) begin
      // radicand na * 2^ean = (na or 2 na) * 2^(2 floor(ean / 2)), root in [1, 2)
      dbl = ean[0];
      f_sign = sa;
      f_exp = ean >>> 1;
      f_special = a_nan || a_inf || a_zero || sa;
      f_nan = a_nan || (sa && !a_zero);
      f_inf = a_inf;
      f_invalid = a_snan || (sa && !a_zero && !a_nan);
      f_infinite = 1'b0;
    end else begin
      // quotient (na or 2 na) / nb in [1, 2)
      dbl = na < nb;
      f_sign = sa ^ sb;
      f_exp = ean - ebn - EW'(dbl);
      f_special = a_nan || b_nan || a_inf || b_inf || a_zero || b_zero;
      f_nan = a_nan || b_nan || (a_inf && b_inf) || (a_zero && b_zero);
      f_inf = a_inf || b_zero;
      f_invalid = a_snan || b_snan || (a_inf && b_inf) || (a_zero && b_zero);
      f_infinite = !a_nan && !b_nan && !a_inf && !a_zero && b_zero;
    end
    // The first partial remainder in [1, 4) with K - 1 fraction bits.
    u = (dbl ? RW'({na, 1'b0}) : RW'(na)) << (K - SIG);
    // nb's leading one is implied (a zero divisor gives a special result).
    prepare = {f_sign, f_exp, f_special, f_nan, f_inf, f_invalid, f_infinite, mode, after, u,
               nb[SIG-2:0]};
  endfunction

  logic [IW-1:0] info0;
  logic [RW-1:0] u0;
  logic [SIG-2:0] d0;
  assign {info0, u0, d0} = prepare(left, right, sqrtOp, roundingMode, control, lza, lzb, ma, mb);

  // ---- the pipeline registers: slice 0 after stage 0, s + 1 after digit stage s; flat
  // vectors (Icarus 11 misses updates of unpacked arrays read by continuous assignments,
  // yosys 0.23 reads no multi-dimensional packed arrays)
  logic [(NS+1)*IW-1:0] info_q;
  logic [(NS+1)*RW-1:0] u_q;
  logic [(NS+1)*K-1:0] q_q;  // result digits; slice 0 is all zero (no flip-flops)
  /* verilator lint_off UNUSEDSIGNAL */  // slice NS: not needed by rounding (no flip-flops)
  logic [NS:0] sqrt_q;
  logic [(NS+1)*(SIG-1)-1:0] d_q;
  /* verilator lint_on UNUSEDSIGNAL */

  always_ff @(posedge clk) begin
    if (reset) begin
      info_q[0+:IW] <= '0;
      sqrt_q[0] <= 1'b0;
      u_q[0+:RW] <= '0;
      d_q[0+:SIG-1] <= '0;
      q_q[0+:K] <= '0;
    end else begin
      info_q[0+:IW] <= info0;
      sqrt_q[0] <= sqrtOp;
      u_q[0+:RW] <= u0;
      d_q[0+:SIG-1] <= d0;
      q_q[0+:K] <= '0;
    end
  end

  for (genvar s = 0; s < NS; s++) begin : g_stage
    logic [RW-1:0] u_n;
    logic [K-1:0] q_n;
    t2c_fp_divsqrt_digits #(.SIG(SIG), .K(K), .FIRST(s * DPS), .N(DPS)) digits (
        .u(u_q[s*RW+:RW]), .q(q_q[s*K+:K]), .d(d_q[s*(SIG-1)+:SIG-1]), .sqrt(sqrt_q[s]),
        .u_out(u_n), .q_out(q_n));
    always_ff @(posedge clk) begin
      if (reset) begin
        info_q[(s+1)*IW+:IW] <= '0;
        sqrt_q[s+1] <= 1'b0;
        u_q[(s+1)*RW+:RW] <= '0;
        d_q[(s+1)*(SIG-1)+:SIG-1] <= '0;
        q_q[(s+1)*K+:K] <= '0;
      end else begin
        info_q[(s+1)*IW+:IW] <= info_q[s*IW+:IW];
        sqrt_q[s+1] <= sqrt_q[s];
        u_q[(s+1)*RW+:RW] <= u_n;
        d_q[(s+1)*(SIG-1)+:SIG-1] <= d_q[s*(SIG-1)+:SIG-1];
        q_q[(s+1)*K+:K] <= q_n;
      end
    end
  end

  // ---- round (combinational from the last digit stage) into the output registers
  logic fin_sign, fin_special, fin_nan, fin_inf, fin_invalid, fin_infinite, fin_ctl;
  logic signed [EW-1:0] fin_exp;
  logic [2:0] fin_rm;
  assign {fin_sign, fin_exp, fin_special, fin_nan, fin_inf, fin_invalid, fin_infinite, fin_rm,
          fin_ctl} = info_q[NS*IW+:IW];
  logic [numWidth-1:0] rounded, special_val;
  logic [4:0] round_flags;
  t2c_fp_round #(.EXP(EXP), .SIG(SIG), .SW(K + 1), .EW(EW)) rnd (
      .sign(fin_sign), .exp(fin_exp), .sig({q_q[NS*K+:K], 1'b0}),
      .sticky(u_q[NS*RW+:RW] != '0),
      .rm(fin_rm), .tininess_after(fin_ctl), .out(rounded), .flags(round_flags));
  assign special_val = fin_nan ? QNAN
      : fin_inf ? {fin_sign, {EXP{1'b1}}, {(SIG - 1) {1'b0}}}
      : {fin_sign, {(numWidth - 1) {1'b0}}};
  always_ff @(posedge clk) begin
    if (reset) begin
      out <= '0;
      exceptionFlags <= '0;
    end else if (fin_special) begin
      out <= special_val;
      exceptionFlags <= {fin_invalid, fin_infinite, 3'b0};
    end else begin
      out <= rounded;
      exceptionFlags <= round_flags;
    end
  end
endmodule

// N digits FIRST ... FIRST + N - 1 of the restoring recurrence (digit i weighs 2^-i; the
// result digits q hold bit K-1-i at weight 2^-i; u and the trials are fixed-point values
// below 8 with K - 1 fraction bits). d is the divisor's fraction (leading one implied).
module t2c_fp_divsqrt_digits #(
    parameter int SIG = 24,
    parameter int K = 26,
    parameter int FIRST = 0,
    parameter int N = 2
) (
    input  logic [K+1:0] u,
    input  logic [K-1:0] q,
    input  logic [SIG-2:0] d,
    input  logic sqrt,
    output logic [K+1:0] u_out,
    output logic [K-1:0] q_out
);
  localparam int RW = K + 2;
  localparam int FB = K - 1;

  function automatic logic [RW+K-1:0] steps(input logic [RW-1:0] u_i, input logic [K-1:0] q_i,
                                            input logic [SIG-2:0] d_i, input logic sq);
    logic [RW-1:0] trial, div_trial;
    logic [RW:0] diff;
    div_trial = RW'({1'b1, d_i}) << (K - SIG);
    for (int j = 0; j < N; j++) begin
      if (sq) trial = RW'({q_i, 1'b0}) | (RW'(1) << (FB - FIRST - j));
      else trial = div_trial;
      diff = {1'b0, u_i} - {1'b0, trial};
      if (!diff[RW]) begin
        u_i = diff[RW-1:0];
        q_i[FB-FIRST-j] = 1'b1;
      end
      u_i = u_i << 1;
    end
    steps = {u_i, q_i};
  endfunction

  assign {u_out, q_out} = steps(u, q, d, sqrt);
endmodule

// One primitive per format for Calyx, whose static<N> needs a literal latency: the format
// is fixed and there are no parameters (Calyx cells: pipelined_divSqrtF32() and so on).
// Latencies: F16 8, BF16 7, F32 15, F64 29.
module pipelined_divSqrtF16 (
    input  logic        clk,
    input  logic        reset,
    input  logic        control,
    input  logic        sqrtOp,
    input  logic [15:0] left,
    input  logic [15:0] right,
    input  logic [ 2:0] roundingMode,
    output logic [15:0] out,
    output logic [ 4:0] exceptionFlags
);
  // binary16
  pipelined_divSqrtFN #(.expWidth(5), .sigWidth(11), .numWidth(16)) core (
      .clk(clk), .reset(reset), .control(control), .sqrtOp(sqrtOp), .left(left),
      .right(right), .roundingMode(roundingMode), .out(out), .exceptionFlags(exceptionFlags));
endmodule

module pipelined_divSqrtBF16 (
    input  logic        clk,
    input  logic        reset,
    input  logic        control,
    input  logic        sqrtOp,
    input  logic [15:0] left,
    input  logic [15:0] right,
    input  logic [ 2:0] roundingMode,
    output logic [15:0] out,
    output logic [ 4:0] exceptionFlags
);
  // bfloat16
  pipelined_divSqrtFN #(.expWidth(8), .sigWidth(8), .numWidth(16)) core (
      .clk(clk), .reset(reset), .control(control), .sqrtOp(sqrtOp), .left(left),
      .right(right), .roundingMode(roundingMode), .out(out), .exceptionFlags(exceptionFlags));
endmodule

module pipelined_divSqrtF32 (
    input  logic        clk,
    input  logic        reset,
    input  logic        control,
    input  logic        sqrtOp,
    input  logic [31:0] left,
    input  logic [31:0] right,
    input  logic [ 2:0] roundingMode,
    output logic [31:0] out,
    output logic [ 4:0] exceptionFlags
);
  // binary32
  pipelined_divSqrtFN #(.expWidth(8), .sigWidth(24), .numWidth(32)) core (
      .clk(clk), .reset(reset), .control(control), .sqrtOp(sqrtOp), .left(left),
      .right(right), .roundingMode(roundingMode), .out(out), .exceptionFlags(exceptionFlags));
endmodule

module pipelined_divSqrtF64 (
    input  logic        clk,
    input  logic        reset,
    input  logic        control,
    input  logic        sqrtOp,
    input  logic [63:0] left,
    input  logic [63:0] right,
    input  logic [ 2:0] roundingMode,
    output logic [63:0] out,
    output logic [ 4:0] exceptionFlags
);
  // binary64
  pipelined_divSqrtFN #(.expWidth(11), .sigWidth(53), .numWidth(64)) core (
      .clk(clk), .reset(reset), .control(control), .sqrtOp(sqrtOp), .left(left),
      .right(right), .roundingMode(roundingMode), .out(out), .exceptionFlags(exceptionFlags));
endmodule

// ---- BEGIN common.sv (generated copy: edit common.sv, run test/float/embed_common.py)
// Shared building blocks of the torch2calyx IEEE-754 float units.
//
// This file and common_ops.sv (addition, multiplication, conversions; it closes the include
// guard opened here) are the single source of these modules. Every unit's .sv file carries an
// exact copy of the two, concatenated, between the "BEGIN common.sv" and "END common.sv"
// markers, so that each unit
// file is self-contained (a Calyx extern names one file); the include guard keeps a design
// that stitches several units into one file from defining the modules twice.
// test/float/embed_common.py refreshes the copies, and a test checks that they match.
`ifndef T2C_FLOAT_COMMON_SV
`define T2C_FLOAT_COMMON_SV

// go/done handshake of a unit whose result is ready LATENCY clock edges after go rises.
// The caller holds go (and the operands) until done; done stays high while go stays high and
// falls at the first edge after go falls. `busy` (go high, done not yet) is high from the
// cycle go rises to the cycle before done rises: the cycles whose edges run the operation.
module t2c_fp_handshake #(
    parameter int LATENCY = 1
) (
    input  logic clk,
    input  logic reset,
    input  logic go,
    output logic done,
    output logic busy
);
  localparam int CW = $clog2(LATENCY + 1);
  logic [CW-1:0] count;
  always_ff @(posedge clk) begin
    if (reset || !go) begin
      count <= '0;
      done  <= 1'b0;
    end else if (!done) begin
      count <= count + 1'b1;
      if (count == CW'(LATENCY - 1)) done <= 1'b1;
    end
  end
  assign busy = go && !done;
endmodule

// Output of a unit with latency 1: while `busy` (the cycle go rises) it is the combinational
// result `in`, from then on the value `in` had at the edge that raised done, until the next
// operation. So the result is valid from the cycle before done (Calyx groups that write the
// result in every cycle of the group see their last write, the one before done, store it)
// and stays valid after go falls.
module t2c_fp_hold #(
    parameter int W = 32
) (
    input  logic         clk,
    input  logic         reset,
    input  logic         busy,
    input  logic [W-1:0] in,
    output logic [W-1:0] out
);
  logic [W-1:0] held;
  always_ff @(posedge clk) begin
    if (reset) held <= '0;
    else if (busy) held <= in;
  end
  assign out = busy ? in : held;
endmodule

// Count of leading zeros of a SW-bit vector (SW when it is zero).
module t2c_fp_lzc #(
    parameter int SW = 32
) (
    input  logic [SW-1:0] in,
    output logic [$clog2(SW + 1)-1:0] count
);
  localparam int LW = $clog2(SW + 1);
  // A function keeps the loop's intermediate values out of the sensitivity list (a
  // self-triggering always_comb would make event-driven simulators such as Icarus spin).
  function automatic logic [LW-1:0] leading_zeros(input logic [SW-1:0] v);
    leading_zeros = LW'(SW);
    for (int i = 0; i < SW; i++) begin
      if (v[i]) leading_zeros = LW'(SW - 1 - i);
    end
  endfunction
  assign count = leading_zeros(in);
endmodule

// ---- rounding: four steps, t2c_fp_round (combinational), t2c_fp_round_pipe (registered)
//
// Rounding an exact intermediate result takes four steps, each a module: the leading-zero
// count (t2c_fp_lzc), the normalizing shift (t2c_fp_rnd_shift), the rounding decision
// (t2c_fp_rnd_decide) and the increment and packing (t2c_fp_rnd_pack). t2c_fp_round chains
// them combinationally; t2c_fp_round_pipe may put a register between any two of them (the
// float units with more pipeline stages), computing the same function.

// A pipeline register of W bits, loaded at every edge where `load` is high and cleared by
// reset; with EN = 0 it is a wire (so that a stage boundary can be chosen by a parameter).
module t2c_fp_pipe_reg #(
    parameter int W  = 1,
    parameter bit EN = 1'b1
) (
    /* verilator lint_off UNUSEDSIGNAL */  // unused when EN = 0
    input  logic         clk,
    input  logic         reset,
    input  logic         load,
    /* verilator lint_on UNUSEDSIGNAL */
    input  logic [W-1:0] d,
    output logic [W-1:0] q
);
  generate
    if (EN) begin : g_reg
      logic [W-1:0] r;
      always_ff @(posedge clk) begin
        if (reset) r <= '0;
        else if (load) r <= d;
      end
      assign q = r;
    end else begin : g_wire
      assign q = d;
    end
  endgenerate
endmodule

// Step 2: the significand shifted left by its leading-zero count `lz`, the biased exponent
// `be` of its leading one (IW bits, signed; see t2c_fp_round for SW and EW) and the right
// shift `shamt` that takes a result below the normal range into the subnormal one.
module t2c_fp_rnd_shift #(
    parameter int EXP = 8,
    parameter int SIG = 24,
    parameter int SW  = 28,
    parameter int EW  = 12,
    parameter int LZW = 5,
    parameter int IW  = 14,
    parameter int SHW = 5
) (
    input  logic signed [ EW-1:0] exp,
    input  logic        [ SW-1:0] sig,
    input  logic        [LZW-1:0] lz,
    output logic signed [ IW-1:0] be,
    output logic        [SHW-1:0] shamt,
    output logic        [ SW-1:0] norm
);
  localparam int BIAS = (1 << (EXP - 1)) - 1;
  localparam int SHMAX = SIG + 2;
  logic signed [IW-1:0] e;
  assign norm = sig << lz;
  assign e = IW'(exp) - IW'(lz) + IW'(BIAS);
  assign be = e;
  always_comb begin
    if (e > 0) shamt = '0;
    else if ((IW'(1) - e) >= IW'(SHMAX)) shamt = SHW'(SHMAX);
    else shamt = SHW'(IW'(1) - e);
  end
endmodule

// Step 3: from the normalized significand, the shift into the subnormal range, the rounding
// decision (the SIG-bit significand `m` and its increment `inc`, or for round-to-odd the
// significand with the jammed last bit and no increment), the exponent `ebase` the rounded
// significand's top bits are added to, and the flags and overflow choice of the result.
module t2c_fp_rnd_decide #(
    parameter int SIG = 24,
    parameter int SW  = 28,
    parameter int IW  = 14,
    parameter int SHW = 5
) (
    input  logic                 sign,
    input  logic signed [IW-1:0] be,
    input  logic        [SHW-1:0] shamt,
    input  logic        [SW-1:0] norm,
    input  logic                 sticky,
    input  logic        [   2:0] rm,
    input  logic                 tininess_after,
    output logic                 is_zero,
    output logic        [SIG-1:0] m,
    output logic                 inc,
    output logic signed [IW-1:0] ebase,
    output logic                 tiny,
    output logic                 inexact,
    output logic                 max_finite
);
  // Rounding increment of a SIG-bit significand with lsb `lsb`, round bit `r`, sticky `s`.
  function automatic logic round_up(input logic [2:0] mode, input logic neg, input logic lsb,
                                    input logic r, input logic s);
    case (mode)
      3'd1: round_up = 1'b0;
      3'd2: round_up = neg & (r | s);
      3'd3: round_up = !neg & (r | s);
      3'd4: round_up = r;
      3'd6: round_up = 1'b0;
      default: round_up = r & (s | lsb);
    endcase
  endfunction

  // A function of the inputs called from a continuous assignment: its intermediate values
  // are locals, so the part-selects of them are in no sensitivity list (an always_comb
  // reading constant part-selects of variables it writes is only approximated by Icarus).
  function automatic logic [SIG+IW+4:0] decide(
      input logic sign_i, input logic signed [IW-1:0] be_i, input logic [SHW-1:0] shamt_i,
      input logic [SW-1:0] norm_i, input logic sticky_i, input logic [2:0] rm_i,
      input logic after_i);
    logic [SW-1:0] sh, below;
    logic signed [IW-1:0] eb;
    logic normal, zero, rb, sb, up, rbn, sbn, incn, carry_n, tn, mf;
    logic [SIG-1:0] mm, mn;
    zero = (norm_i == '0) && !sticky_i;
    normal = be_i > 0;
    sh = norm_i >> shamt_i;
    mm = sh[SW-1-:SIG];
    rb = sh[SW-1-SIG];
    // Sticky: every bit of norm below the round bit's position once shifted (the bits the
    // shift drops and those left below the round bit), from norm directly.
    below = ~({SW{1'b1}} << (32'(SW - 1 - SIG) + 32'(shamt_i)));
    sb = (|(norm_i & below)) | sticky_i;
    if (rm_i == 3'd6) begin
      mm = {mm[SIG-1:1], mm[0] | rb | sb};
      up = 1'b0;
    end else begin
      up = round_up(rm_i, sign_i, mm[0], rb, sb);
    end
    // Rounding at full precision with an unbounded exponent, for tininess after rounding.
    mn = norm_i[SW-1-:SIG];
    rbn = norm_i[SW-1-SIG];
    sbn = (|norm_i[SW-2-SIG:0]) | sticky_i;
    incn = round_up(rm_i, sign_i, mn[0], rbn, sbn);
    carry_n = (&mn) & incn;
    eb = normal ? be_i - IW'(1) : '0;
    if (after_i) tn = (be_i < 0) || (be_i == 0 && !carry_n);
    else tn = !normal;
    mf = (rm_i == 3'd1) || (rm_i == 3'd6) || (rm_i == 3'd2 && !sign_i)
        || (rm_i == 3'd3 && sign_i);
    decide = {zero, mm, up, eb, tn, rb | sb, mf};
  endfunction

  assign {is_zero, m, inc, ebase, tiny, inexact, max_finite} =
      decide(sign, be, shamt, norm, sticky, rm, tininess_after);
endmodule

// Step 4: the increment of the significand, the exponent it carries into, overflow, and
// the packed result with its flags = {invalid, infinite, overflow, underflow, inexact}.
module t2c_fp_rnd_pack #(
    parameter int EXP = 8,
    parameter int SIG = 24,
    parameter int IW  = 14
) (
    input  logic                      sign,
    input  logic                      is_zero,
    input  logic        [  SIG-1:0]   m,
    input  logic                      inc,
    input  logic signed [   IW-1:0]   ebase,
    input  logic                      tiny,
    input  logic                      inexact,
    input  logic                      max_finite,
    output logic        [EXP+SIG-1:0] out,
    output logic        [        4:0] flags
);
  function automatic logic [EXP+SIG+4:0] pack(
      input logic sign_i, input logic zero_i, input logic [SIG-1:0] m_i, input logic inc_i,
      input logic signed [IW-1:0] ebase_i, input logic tiny_i, input logic inexact_i,
      input logic max_finite_i);
    logic [SIG:0] m_r;
    logic signed [IW-1:0] res_e;
    logic overflow;
    logic [EXP+SIG-1:0] res;
    logic [4:0] fl;
    m_r = {1'b0, m_i} + (SIG + 1)'(inc_i);
    res_e = ebase_i + IW'(m_r[SIG:SIG-1]);
    overflow = res_e >= IW'((1 << EXP) - 1);
    if (zero_i) begin
      res = {sign_i, {(EXP + SIG - 1) {1'b0}}};
      fl = 5'b0;
    end else if (overflow) begin
      res = max_finite_i ? {sign_i, {(EXP - 1) {1'b1}}, 1'b0, {(SIG - 1) {1'b1}}}
                         : {sign_i, {EXP{1'b1}}, {(SIG - 1) {1'b0}}};
      fl = 5'b00101;
    end else begin
      res = {sign_i, res_e[EXP-1:0], m_r[SIG-2:0]};
      fl = {2'b00, 1'b0, tiny_i & inexact_i, inexact_i};
    end
    pack = {res, fl};
  endfunction

  assign {out, flags} = pack(sign, is_zero, m, inc, ebase, tiny, inexact, max_finite);
endmodule

// Normalizes, rounds and packs an exact intermediate result into the IEEE-754 interchange
// format (EXP exponent bits, SIG significand bits including the hidden one).
//
// The value is (-1)^sign * sig * 2^(exp - (SW - 1)) plus, when `sticky` is set, a nonzero
// amount smaller than the weight of sig's last bit. The caller guarantees SW >= SIG + 2 and,
// when sticky is set, that sig has at most SW - SIG - 2 leading zeros (so that the sticky
// bits lie below the round bit). An all-zero sig without sticky gives a zero of `sign`.
//
// rm: 0 nearest-even, 1 toward zero, 2 down, 3 up, 4 nearest-away, 6 odd (others: nearest
// even). tininess_after: 1 detects tininess after rounding, 0 before.
// flags = {invalid, infinite, overflow, underflow, inexact}; invalid and infinite are 0.
module t2c_fp_round #(
    parameter int EXP = 8,
    parameter int SIG = 24,
    parameter int SW  = 28,
    parameter int EW  = 12
) (
    input  logic                  sign,
    input  logic signed [ EW-1:0] exp,
    input  logic        [ SW-1:0] sig,
    input  logic                  sticky,
    input  logic        [    2:0] rm,
    input  logic                  tininess_after,
    output logic [EXP+SIG-1:0]    out,
    output logic        [    4:0] flags
);
  localparam int LZW = $clog2(SW + 1);
  localparam int IW = ((EW > LZW + 1) ? EW : LZW + 1) + 2;
  localparam int SHW = $clog2(SIG + 3);

  logic [LZW-1:0] lz;
  logic signed [IW-1:0] be, ebase;
  logic [SW-1:0] norm;
  logic is_zero, inc, tiny, inexact, max_finite;
  logic [SIG-1:0] m;
  t2c_fp_lzc #(.SW(SW)) lzc (.in(sig), .count(lz));
  logic [SHW-1:0] shamt;
  t2c_fp_rnd_shift #(
      .EXP(EXP), .SIG(SIG), .SW(SW), .EW(EW), .LZW(LZW), .IW(IW), .SHW(SHW)
  ) shift (
      .exp(exp), .sig(sig), .lz(lz), .be(be), .shamt(shamt), .norm(norm));
  t2c_fp_rnd_decide #(.SIG(SIG), .SW(SW), .IW(IW), .SHW(SHW)) decide (
      .sign(sign), .be(be), .shamt(shamt), .norm(norm), .sticky(sticky), .rm(rm),
      .tininess_after(tininess_after), .is_zero(is_zero), .m(m), .inc(inc), .ebase(ebase),
      .tiny(tiny), .inexact(inexact), .max_finite(max_finite));
  t2c_fp_rnd_pack #(.EXP(EXP), .SIG(SIG), .IW(IW)) pack (
      .sign(sign), .is_zero(is_zero), .m(m), .inc(inc), .ebase(ebase), .tiny(tiny),
      .inexact(inexact), .max_finite(max_finite), .out(out), .flags(flags));
endmodule

// t2c_fp_round with a pipeline register (t2c_fp_pipe_reg, loaded when `load` is high) after
// step 1 when CUTS[0], after step 2 when CUTS[1] and after step 3 when CUTS[2]; `side` (the
// caller's own bits, e.g. a special-case result) travels along and leaves as `side_out`
// with the result of the same operation. Latency = the number of CUTS bits set.
module t2c_fp_round_pipe #(
    parameter int EXP = 8,
    parameter int SIG = 24,
    parameter int SW  = 28,
    parameter int EW  = 12,
    parameter int XW  = 1,
    parameter bit [2:0] CUTS = 3'b000
) (
    input  logic                  clk,
    input  logic                  reset,
    input  logic                  load,
    input  logic                  sign,
    input  logic signed [ EW-1:0] exp,
    input  logic        [ SW-1:0] sig,
    input  logic                  sticky,
    input  logic        [    2:0] rm,
    input  logic                  tininess_after,
    input  logic        [ XW-1:0] side,
    output logic [EXP+SIG-1:0]    out,
    output logic        [    4:0] flags,
    output logic        [ XW-1:0] side_out
);
  localparam int LZW = $clog2(SW + 1);
  localparam int IW = ((EW > LZW + 1) ? EW : LZW + 1) + 2;
  localparam int SHW = $clog2(SIG + 3);
  localparam int AW = EW + SW + LZW + XW + 6;
  localparam int BW = IW + SHW + SW + XW + 6;
  localparam int CW = SIG + IW + XW + 6;

  logic [LZW-1:0] lz, lz_a;
  t2c_fp_lzc #(.SW(SW)) lzc (.in(sig), .count(lz));

  logic sign_a, sticky_a, after_a;
  logic signed [EW-1:0] exp_a;
  logic [SW-1:0] sig_a;
  logic [2:0] rm_a;
  logic [XW-1:0] side_a;
  logic [AW-1:0] a_q;
  t2c_fp_pipe_reg #(.W(AW), .EN(CUTS[0])) cut_a (
      .clk(clk), .reset(reset), .load(load),
      .d({sign, exp, sig, sticky, rm, tininess_after, side, lz}), .q(a_q));
  assign {sign_a, exp_a, sig_a, sticky_a, rm_a, after_a, side_a, lz_a} = a_q;

  logic signed [IW-1:0] be_a;
  logic [SHW-1:0] shamt_a, shamt_b;
  logic [SW-1:0] norm_a;
  t2c_fp_rnd_shift #(
      .EXP(EXP), .SIG(SIG), .SW(SW), .EW(EW), .LZW(LZW), .IW(IW), .SHW(SHW)
  ) shift (
      .exp(exp_a), .sig(sig_a), .lz(lz_a), .be(be_a), .shamt(shamt_a), .norm(norm_a));

  logic sign_b, sticky_b, after_b;
  logic signed [IW-1:0] be_b;
  logic [SW-1:0] norm_b;
  logic [2:0] rm_b;
  logic [XW-1:0] side_b;
  logic [BW-1:0] b_q;
  t2c_fp_pipe_reg #(.W(BW), .EN(CUTS[1])) cut_b (
      .clk(clk), .reset(reset), .load(load),
      .d({sign_a, be_a, shamt_a, norm_a, sticky_a, rm_a, after_a, side_a}), .q(b_q));
  assign {sign_b, be_b, shamt_b, norm_b, sticky_b, rm_b, after_b, side_b} = b_q;

  logic is_zero_b, inc_b, tiny_b, inexact_b, max_finite_b;
  logic [SIG-1:0] m_b;
  logic signed [IW-1:0] ebase_b;
  t2c_fp_rnd_decide #(.SIG(SIG), .SW(SW), .IW(IW), .SHW(SHW)) decide (
      .sign(sign_b), .be(be_b), .shamt(shamt_b), .norm(norm_b), .sticky(sticky_b), .rm(rm_b),
      .tininess_after(after_b), .is_zero(is_zero_b), .m(m_b), .inc(inc_b), .ebase(ebase_b),
      .tiny(tiny_b), .inexact(inexact_b), .max_finite(max_finite_b));

  logic sign_c, is_zero_c, inc_c, tiny_c, inexact_c, max_finite_c;
  logic [SIG-1:0] m_c;
  logic signed [IW-1:0] ebase_c;
  logic [CW-1:0] c_q;
  t2c_fp_pipe_reg #(.W(CW), .EN(CUTS[2])) cut_c (
      .clk(clk), .reset(reset), .load(load),
      .d({sign_b, is_zero_b, m_b, inc_b, ebase_b, tiny_b, inexact_b, max_finite_b, side_b}),
      .q(c_q));
  assign {sign_c, is_zero_c, m_c, inc_c, ebase_c, tiny_c, inexact_c, max_finite_c, side_out} =
      c_q;

  t2c_fp_rnd_pack #(.EXP(EXP), .SIG(SIG), .IW(IW)) pack (
      .sign(sign_c), .is_zero(is_zero_c), .m(m_c), .inc(inc_c), .ebase(ebase_c),
      .tiny(tiny_c), .inexact(inexact_c), .max_finite(max_finite_c), .out(out), .flags(flags));
endmodule


`endif  // T2C_FLOAT_COMMON_SV
`ifndef T2C_FLOAT_COMMON_OPS_SV
`define T2C_FLOAT_COMMON_OPS_SV
// ---- addition: t2c_fp_add_swap, t2c_fp_add_sum (stage 1, combinational), t2c_fp_add_stages

// Stage 1 of addition (subOp = 1 subtracts), in two halves. t2c_fp_add_swap classifies the
// operands and orders them by magnitude: the larger one's exponent `e_big` and significand
// `m_big`, the smaller one's significand `m_small` and the distance `dsh` to shift it by;
// `same` when the magnitudes are equal (an effective subtraction then gives exactly 0); when
// an operand is a NaN or an infinity, `special` is set and special_val / special_flags
// are the result.
module t2c_fp_add_swap #(
    parameter int EXP = 8,
    parameter int SIG = 24
) (
    input  logic [EXP+SIG-1:0] left,
    input  logic [EXP+SIG-1:0] right,
    input  logic               subOp,
    output logic               sa,
    output logic               sb,
    output logic               a_big,
    output logic               same,
    output logic [    EXP-1:0] e_big,
    output logic [    SIG-1:0] m_big,
    output logic [    SIG-1:0] m_small,
    output logic [$clog2(SIG+4)-1:0] dsh,
    output logic               special,
    output logic [EXP+SIG-1:0] special_val,
    output logic [        4:0] special_flags
);
  localparam int W = EXP + SIG;
  localparam int DW = $clog2(SIG + 4);
  localparam logic [W-1:0] QNAN = {1'b0, {EXP{1'b1}}, 1'b1, {(SIG - 2) {1'b0}}};

  // A function of the inputs called from a continuous assignment (see t2c_fp_rnd_decide).
  function automatic logic [2*SIG+EXP+DW+W+9:0] swap(input logic [W-1:0] lhs,
                                                    input logic [W-1:0] rhs,
                                                    input logic sub);
    logic s_a, s_b, a_nan, b_nan, a_snan, b_snan, a_inf, b_inf, big, eff_sub, sp1;
    logic [EXP-1:0] ea, eb, ea1, eb1, eg, d;
    logic [SIG-1:0] ma, mb;
    logic [DW-1:0] ds;
    logic [W-1:0] sv;
    logic [4:0] sf;
    s_a = lhs[W-1];
    s_b = rhs[W-1] ^ sub;
    ea = lhs[W-2-:EXP];
    eb = rhs[W-2-:EXP];
    ma = {ea != '0, lhs[SIG-2:0]};
    mb = {eb != '0, rhs[SIG-2:0]};
    ea1 = (ea == '0) ? EXP'(1) : ea;
    eb1 = (eb == '0) ? EXP'(1) : eb;
    a_nan = (&ea) && (lhs[SIG-2:0] != '0);
    b_nan = (&eb) && (rhs[SIG-2:0] != '0);
    a_snan = a_nan && !lhs[SIG-2];
    b_snan = b_nan && !rhs[SIG-2];
    a_inf = (&ea) && (lhs[SIG-2:0] == '0);
    b_inf = (&eb) && (rhs[SIG-2:0] == '0);
    eff_sub = s_a ^ s_b;
    big = lhs[W-2:0] >= rhs[W-2:0];
    eg = big ? ea1 : eb1;
    d = big ? ea1 - eb1 : eb1 - ea1;
    ds = (d >= EXP'(SIG + 3)) ? DW'(SIG + 3) : DW'(d);
    sp1 = a_nan || b_nan || a_inf || b_inf;
    sf = {a_snan || b_snan || (a_inf && b_inf && eff_sub), 4'b0};
    if (a_nan || b_nan || (a_inf && b_inf && eff_sub)) sv = QNAN;
    else if (a_inf) sv = {s_a, {EXP{1'b1}}, {(SIG - 1) {1'b0}}};
    else sv = {s_b, {EXP{1'b1}}, {(SIG - 1) {1'b0}}};
    swap = {s_a, s_b, big, lhs[W-2:0] == rhs[W-2:0], eg, big ? ma : mb, big ? mb : ma, ds, sp1,
            sv, sf};
  endfunction

  assign {sa, sb, a_big, same, e_big, m_big, m_small, dsh, special, special_val, special_flags} =
      swap(left, right, subOp);
endmodule

// Second half of stage 1 of addition: aligns the smaller significand to the larger one's
// exponent (bits shifted out are jammed into the last bit) and adds or subtracts. The exact
// result is (-1)^sign * sum * 2^(exp - (SIG + 3)); rm only decides the sign of an exact
// zero difference (-0 when rounding down).
module t2c_fp_add_sum #(
    parameter int EXP = 8,
    parameter int SIG = 24
) (
    input  logic                      sa,
    input  logic                      sb,
    input  logic                      a_big,
    input  logic                      same,
    input  logic        [    EXP-1:0] e_big,
    input  logic        [    SIG-1:0] m_big,
    input  logic        [    SIG-1:0] m_small,
    input  logic [$clog2(SIG+4)-1:0]  dsh,
    input  logic        [        2:0] rm,
    output logic                      sign,
    output logic signed [    EXP+1:0] exp,
    output logic        [    SIG+3:0] sum
);
  localparam int SW = SIG + 4;  // carry, SIG bits, guard, round, jammed sticky
  localparam int EW = EXP + 2;
  localparam int BIAS = (1 << (EXP - 1)) - 1;
  localparam int DW = $clog2(SIG + 4);

  function automatic logic [EW+SW:0] add(input logic s_a, input logic s_b, input logic big,
                                         input logic eq, input logic [EXP-1:0] eg,
                                         input logic [SIG-1:0] mg,
                                         input logic [SIG-1:0] ms, input logic [DW-1:0] ds,
                                         input logic [2:0] mode);
    logic eff_sub, lost, s1;
    logic [SIG+2:0] small_ext, small_sh, lostmask;
    logic [SW-1:0] s;
    logic signed [EW-1:0] e1;
    eff_sub = s_a ^ s_b;
    small_ext = {ms, 3'b000};
    small_sh = small_ext >> ds;
    lostmask = ~({(SIG + 3) {1'b1}} << ds);
    lost = |(small_ext & lostmask);
    if (eff_sub) s = {1'b0, mg, 3'b000} - {1'b0, small_sh[SIG+2:1], small_sh[0] | lost};
    else s = {1'b0, mg, 3'b000} + {1'b0, small_sh[SIG+2:1], small_sh[0] | lost};
    // Bit SW-1 of the sum weighs 2^(e_big - BIAS + 1).
    e1 = EW'(eg) - EW'(BIAS - 1);
    // The sum is 0 exactly when an effective subtraction has equal magnitudes (or an addition
    // two zeros, where s_a = s_b): decided without waiting for the sum.
    if (eff_sub && eq) s1 = mode == 3'd2;
    else s1 = big ? s_a : s_b;
    add = {s1, e1, s};
  endfunction

  assign {sign, exp, sum} = add(sa, sb, a_big, same, e_big, m_big, m_small, dsh, rm);
endmodule

// The datapath of std_addFN and pipelined_addFN: stage 1 (t2c_fp_add_swap + _sum) is registered,
// with the rounding mode and the tininess mode, at every edge where `load` is high; then
// rounding (t2c_fp_round_pipe, or the special result) in STAGES - 1 steps, registered
// between them as `load` allows, the last combinational: `out` and `flags` show the
// operation loaded STAGES - 1 loads ago. Reset clears the registers (out = +0, no flags).
module t2c_fp_add_stages #(
    parameter int EXP = 8,
    parameter int SIG = 24,
    parameter int STAGES = 2
) (
    input  logic               clk,
    input  logic               reset,
    input  logic               load,
    input  logic               control,
    input  logic               subOp,
    input  logic [EXP+SIG-1:0] left,
    input  logic [EXP+SIG-1:0] right,
    input  logic [        2:0] roundingMode,
    output logic [EXP+SIG-1:0] out,
    output logic [        4:0] flags
);
  localparam int W = EXP + SIG;
  localparam int SW = SIG + 4;
  localparam int EW = EXP + 2;

  // With STAGES >= 7 the operands and modes are registered first (the unit's inputs then
  // need no more than the route from their source to a register).
  localparam int IW_IN = 2 * W + 4 + 1;
  logic [W-1:0] left_i, right_i;
  logic [2:0] rm_i;
  logic ctl_i, sub_i;
  logic [IW_IN-1:0] in_q;
  t2c_fp_pipe_reg #(.W(IW_IN), .EN(STAGES >= 7)) cut_i (
      .clk(clk), .reset(reset), .load(load),
      .d({left, right, roundingMode, control, subOp}), .q(in_q));
  assign {left_i, right_i, rm_i, ctl_i, sub_i} = in_q;

  logic sign1, special1;
  logic signed [EW-1:0] exp1;
  logic [SW-1:0] sum1;
  logic [W-1:0] special_val1;
  logic [4:0] special_flags1;
  // With STAGES >= 6 a register splits stage 1 between t2c_fp_add_swap and t2c_fp_add_sum.
  localparam int DW = $clog2(SIG + 4);
  localparam int FW = 3 * SIG + 2 * EXP + DW + 14;
  logic sa0, sb0, big0, same0, special0, sa, sb, big, same, ctl_f;
  logic [EXP-1:0] e_big0, e_big;
  logic [SIG-1:0] m_big0, m_small0, m_big, m_small;
  logic [DW-1:0] dsh0, dsh;
  logic [W-1:0] special_val0;
  logic [4:0] special_flags0;
  logic [2:0] rm_f;
  logic [FW-1:0] f_q;
  t2c_fp_add_swap #(.EXP(EXP), .SIG(SIG)) swap (
      .left(left_i), .right(right_i), .subOp(sub_i), .sa(sa0), .sb(sb0), .a_big(big0),
      .same(same0), .e_big(e_big0), .m_big(m_big0), .m_small(m_small0), .dsh(dsh0),
      .special(special0), .special_val(special_val0), .special_flags(special_flags0));
  t2c_fp_pipe_reg #(.W(FW), .EN(STAGES >= 6)) cut_f (
      .clk(clk), .reset(reset), .load(load),
      .d({sa0, sb0, big0, same0, e_big0, m_big0, m_small0, dsh0, special0, special_val0,
          special_flags0, rm_i, ctl_i}), .q(f_q));
  assign {sa, sb, big, same, e_big, m_big, m_small, dsh, special1, special_val1, special_flags1,
          rm_f, ctl_f} = f_q;
  t2c_fp_add_sum #(.EXP(EXP), .SIG(SIG)) add (
      .sa(sa), .sb(sb), .a_big(big), .same(same), .e_big(e_big), .m_big(m_big), .m_small(m_small),
      .dsh(dsh), .rm(rm_f), .sign(sign1), .exp(exp1), .sum(sum1));

  logic sign_q, special_q, ctl_q;
  logic signed [EW-1:0] exp_q;
  logic [SW-1:0] sum_q;
  logic [W-1:0] special_val_q;
  logic [4:0] special_flags_q;
  logic [2:0] rm_q;
  always_ff @(posedge clk) begin
    if (reset) begin
      {sign_q, special_q, ctl_q, exp_q, sum_q, special_val_q, special_flags_q, rm_q} <= '0;
    end else if (load) begin
      sign_q <= sign1;
      exp_q <= exp1;
      sum_q <= sum1;
      special_q <= special1;
      special_val_q <= special_val1;
      special_flags_q <= special_flags1;
      rm_q <= rm_f;
      ctl_q <= ctl_f;
    end
  end

  // Rounding in STAGES - 1 steps (see t2c_fp_round_pipe): 2 none registered, 3 after the
  // normalizing shift, 4 also after the rounding decision, 5 also after the leading zeros.
  localparam bit [2:0] CUTS = {STAGES >= 4, STAGES >= 3, STAGES >= 5};
  logic [W-1:0] rounded, special_val_o;
  logic [4:0] round_flags, special_flags_o;
  logic special_o;
  t2c_fp_round_pipe #(.EXP(EXP), .SIG(SIG), .SW(SW), .EW(EW), .XW(W + 6), .CUTS(CUTS)) rnd (
      .clk(clk), .reset(reset), .load(load), .sign(sign_q), .exp(exp_q), .sig(sum_q),
      .sticky(1'b0), .rm(rm_q), .tininess_after(ctl_q),
      .side({special_q, special_val_q, special_flags_q}), .out(rounded), .flags(round_flags),
      .side_out({special_o, special_val_o, special_flags_o}));
  assign out = special_o ? special_val_o : rounded;
  assign flags = special_o ? special_flags_o : round_flags;
endmodule

// ---- multiplication: t2c_fp_mul_prep (stage 1, combinational), t2c_fp_mul_stages

// Stage 1 of multiplication, before the significand product: classifies the operands and
// unpacks them. The exact product is (-1)^sign * (sig_a * sig_b) * 2^(exp - (2 SIG - 1));
// when an operand is a NaN or an infinity, `special` is set and special_val / special_flags
// are the result.
module t2c_fp_mul_prep #(
    parameter int EXP = 8,
    parameter int SIG = 24
) (
    input  logic        [EXP+SIG-1:0] left,
    input  logic        [EXP+SIG-1:0] right,
    output logic                      sign,
    output logic signed [    EXP+2:0] exp,
    output logic        [    SIG-1:0] sig_a,
    output logic        [    SIG-1:0] sig_b,
    output logic                      special,
    output logic        [EXP+SIG-1:0] special_val,
    output logic        [        4:0] special_flags
);
  localparam int W = EXP + SIG;
  localparam int EW = EXP + 3;
  localparam int BIAS = (1 << (EXP - 1)) - 1;
  localparam logic [W-1:0] QNAN = {1'b0, {EXP{1'b1}}, 1'b1, {(SIG - 2) {1'b0}}};

  function automatic logic [EW+2*SIG+W+6:0] prep(input logic [W-1:0] lhs,
                                                 input logic [W-1:0] rhs);
    logic a_nan, b_nan, a_snan, b_snan, a_inf, b_inf, a_zero, b_zero, s1, sp1;
    logic [EXP-1:0] ea, eb, ea1, eb1;
    logic [SIG-1:0] ma, mb;
    logic signed [EW-1:0] e1;
    logic [W-1:0] sv;
    logic [4:0] sf;
    s1 = lhs[W-1] ^ rhs[W-1];
    ea = lhs[W-2-:EXP];
    eb = rhs[W-2-:EXP];
    ma = {ea != '0, lhs[SIG-2:0]};
    mb = {eb != '0, rhs[SIG-2:0]};
    ea1 = (ea == '0) ? EXP'(1) : ea;
    eb1 = (eb == '0) ? EXP'(1) : eb;
    a_nan = (&ea) && (lhs[SIG-2:0] != '0);
    b_nan = (&eb) && (rhs[SIG-2:0] != '0);
    a_snan = a_nan && !lhs[SIG-2];
    b_snan = b_nan && !rhs[SIG-2];
    a_inf = (&ea) && (lhs[SIG-2:0] == '0);
    b_inf = (&eb) && (rhs[SIG-2:0] == '0);
    a_zero = lhs[W-2:0] == '0;
    b_zero = rhs[W-2:0] == '0;
    // Bit 2 SIG - 1 of the product weighs 2^(ea1 - BIAS + eb1 - BIAS + 1).
    e1 = EW'(ea1) + EW'(eb1) - EW'(2 * BIAS - 1);
    sp1 = a_nan || b_nan || a_inf || b_inf;
    sf = {a_snan || b_snan || (a_inf && b_zero) || (b_inf && a_zero), 4'b0};
    if (a_nan || b_nan || (a_inf && b_zero) || (b_inf && a_zero)) sv = QNAN;
    else sv = {s1, {EXP{1'b1}}, {(SIG - 1) {1'b0}}};
    prep = {s1, e1, ma, mb, sp1, sv, sf};
  endfunction

  assign {sign, exp, sig_a, sig_b, special, special_val, special_flags} = prep(left, right);
endmodule

// The datapath of std_mulFN and pipelined_mulFN: stage 1 (t2c_fp_mul_prep and the exact
// 2 SIG-bit significand product) is registered, with the rounding and tininess modes, at
// every edge where `load` is high; rounding follows in STAGES - 1 steps as in
// t2c_fp_add_stages.
module t2c_fp_mul_stages #(
    parameter int EXP = 8,
    parameter int SIG = 24,
    parameter int STAGES = 2
) (
    input  logic               clk,
    input  logic               reset,
    input  logic               load,
    input  logic               control,
    input  logic [EXP+SIG-1:0] left,
    input  logic [EXP+SIG-1:0] right,
    input  logic [        2:0] roundingMode,
    output logic [EXP+SIG-1:0] out,
    output logic [        4:0] flags
);
  localparam int W = EXP + SIG;
  localparam int SW = 2 * SIG;
  localparam int EW = EXP + 3;

  // With STAGES >= 7 the operands and modes are registered first (the unit's inputs then
  // need no more than the route from their source to a register).
  localparam int IW_IN = 2 * W + 4;
  logic [W-1:0] left_i, right_i;
  logic [2:0] rm_i;
  logic ctl_i;
  logic [IW_IN-1:0] in_q;
  t2c_fp_pipe_reg #(.W(IW_IN), .EN(STAGES >= 7)) cut_i (
      .clk(clk), .reset(reset), .load(load),
      .d({left, right, roundingMode, control}), .q(in_q));
  assign {left_i, right_i, rm_i, ctl_i} = in_q;

  logic sign0, special0;
  logic signed [EW-1:0] exp0;
  logic [SIG-1:0] ma, mb;
  logic [W-1:0] special_val0;
  logic [4:0] special_flags0;
  t2c_fp_mul_prep #(.EXP(EXP), .SIG(SIG)) prep (
      .left(left_i), .right(right_i), .sign(sign0), .exp(exp0), .sig_a(ma), .sig_b(mb),
      .special(special0), .special_val(special_val0), .special_flags(special_flags0));

  // With STAGES >= 6 the product takes two cycles: the partial products of ma with the low
  // and the high half of mb are registered (with everything else of stage 1), then added.
  logic sign1, special1, ctl1;
  logic signed [EW-1:0] exp1;
  logic [SW-1:0] prod1;
  logic [W-1:0] special_val1;
  logic [4:0] special_flags1;
  logic [2:0] rm1;
  generate
    if (STAGES >= 6) begin : g_split
      localparam int H = SIG / 2;
      localparam int FW = 2 * SIG + SIG + EW + W + 11;
      logic [SIG+H-1:0] pl0, pl;
      logic [2*SIG-H-1:0] ph0, ph;
      logic [FW-1:0] f_q;
      assign pl0 = (SIG + H)'(ma) * (SIG + H)'(mb[H-1:0]);
      assign ph0 = (2 * SIG - H)'(ma) * (2 * SIG - H)'(mb[SIG-1:H]);
      t2c_fp_pipe_reg #(.W(FW), .EN(1'b1)) cut_f (
          .clk(clk), .reset(reset), .load(load),
          .d({sign0, exp0, special0, special_val0, special_flags0, rm_i, ctl_i, pl0,
              ph0}), .q(f_q));
      assign {sign1, exp1, special1, special_val1, special_flags1, rm1, ctl1, pl, ph} = f_q;
      assign prod1 = SW'(pl) + {ph, {H{1'b0}}};
    end else begin : g_whole
      assign {sign1, exp1, special1, special_val1, special_flags1, rm1, ctl1} =
          {sign0, exp0, special0, special_val0, special_flags0, rm_i, ctl_i};
      assign prod1 = ma * mb;
    end
  endgenerate

  logic sign_q, special_q, ctl_q;
  logic signed [EW-1:0] exp_q;
  logic [SW-1:0] prod_q;
  logic [W-1:0] special_val_q;
  logic [4:0] special_flags_q;
  logic [2:0] rm_q;
  always_ff @(posedge clk) begin
    if (reset) begin
      {sign_q, special_q, ctl_q, exp_q, prod_q, special_val_q, special_flags_q, rm_q} <= '0;
    end else if (load) begin
      sign_q <= sign1;
      exp_q <= exp1;
      prod_q <= prod1;
      special_q <= special1;
      special_val_q <= special_val1;
      special_flags_q <= special_flags1;
      rm_q <= rm1;
      ctl_q <= ctl1;
    end
  end

  // Rounding in STAGES - 1 steps (see t2c_fp_round_pipe): 2 none registered, 3 after the
  // normalizing shift, 4 also after the rounding decision, 5 also after the leading zeros.
  localparam bit [2:0] CUTS = {STAGES >= 4, STAGES >= 3, STAGES >= 5};
  logic [W-1:0] rounded, special_val_o;
  logic [4:0] round_flags, special_flags_o;
  logic special_o;
  t2c_fp_round_pipe #(.EXP(EXP), .SIG(SIG), .SW(SW), .EW(EW), .XW(W + 6), .CUTS(CUTS)) rnd (
      .clk(clk), .reset(reset), .load(load), .sign(sign_q), .exp(exp_q), .sig(prod_q),
      .sticky(1'b0), .rm(rm_q), .tininess_after(ctl_q),
      .side({special_q, special_val_q, special_flags_q}), .out(rounded), .flags(round_flags),
      .side_out({special_o, special_val_o, special_flags_o}));
  assign out = special_o ? special_val_o : rounded;
  assign flags = special_o ? special_flags_o : round_flags;
endmodule

// ---- conversions (combinational): t2c_fp_to_int, t2c_fp_from_int

// IEEE-754 (EXP, SIG) to an IW-bit integer, truncating toward zero; signedOut = 1 gives two's
// complement, 0 unsigned. Out of range saturates the RISC-V way: NaN and positive overflow
// (+inf included) give the largest integer, negative overflow (-inf included) the smallest
// (-2^(IW-1) signed, 0 unsigned; inputs in (-1, 0] truncate to 0).
module t2c_fp_to_int #(
    parameter int EXP = 8,
    parameter int SIG = 24,
    parameter int IW  = 32
) (
    input  logic [EXP+SIG-1:0] in,
    input  logic               signedOut,
    output logic [     IW-1:0] out
);
  localparam int W = EXP + SIG;
  localparam int BIAS = (1 << (EXP - 1)) - 1;
  localparam int SHW = $clog2(IW + 1);
  localparam int UW = ((EXP > SHW) ? EXP : SHW) + 2;  // signed unbiased exponent
  localparam int WW = SIG + IW;

  function automatic logic [IW-1:0] convert(input logic [W-1:0] x, input logic sgn);
    logic sign, nan, inf, big, pos_over, neg_over;
    logic [EXP-1:0] e, e1;
    logic signed [UW-1:0] ue;
    logic [SHW-1:0] shamt;
    /* verilator lint_off UNUSEDSIGNAL */
    logic [WW-1:0] wide;  // its low SIG-1 bits are the fraction that truncation drops
    /* verilator lint_on UNUSEDSIGNAL */
    logic [IW:0] mag;
    logic [IW-1:0] max_int, min_int;
    sign = x[W-1];
    e = x[W-2-:EXP];
    nan = (&e) && (x[SIG-2:0] != '0);
    inf = (&e) && (x[SIG-2:0] == '0);
    // Exponent of the hidden bit; values below 1 truncate to 0.
    e1 = (e == '0) ? EXP'(1) : e;
    ue = UW'(e1) - UW'(BIAS);
    big = ue > UW'(IW);
    shamt = (ue < 0 || big) ? '0 : SHW'(ue);
    wide = WW'({(e != '0), x[SIG-2:0]}) << shamt;
    mag = (ue < 0) ? '0 : wide[SIG-1+:IW+1];
    max_int = sgn ? {1'b0, {(IW - 1) {1'b1}}} : {IW{1'b1}};
    min_int = sgn ? {1'b1, {(IW - 1) {1'b0}}} : '0;
    if (sgn) begin
      pos_over = big || mag[IW] || mag[IW-1];
      neg_over = big || mag[IW] || (mag[IW-1] && mag[IW-2:0] != '0);
    end else begin
      pos_over = big || mag[IW];
      neg_over = mag != '0;
    end
    if (nan) convert = max_int;
    else if (inf) convert = sign ? min_int : max_int;
    else if (sign) convert = neg_over ? min_int : IW'(~mag + 1'b1);
    else convert = pos_over ? max_int : mag[IW-1:0];
  endfunction

  assign out = convert(in, signedOut);
endmodule

// IW-bit integer (two's complement when signedIn = 1, unsigned otherwise) to IEEE-754
// (EXP, SIG), rounded with rm; flags = {0, 0, overflow, underflow, inexact} (overflow only
// into narrow formats such as binary16).
module t2c_fp_from_int #(
    parameter int IW  = 32,
    parameter int EXP = 8,
    parameter int SIG = 24
) (
    input  logic [     IW-1:0] in,
    input  logic               signedIn,
    input  logic [        2:0] rm,
    input  logic               tininess_after,
    output logic [EXP+SIG-1:0] out,
    output logic [        4:0] flags
);
  localparam int SW = (IW > SIG + 2) ? IW : SIG + 2;
  localparam int EW = ((EXP > $clog2(IW + 1)) ? EXP : $clog2(IW + 1)) + 2;

  logic neg;
  logic [IW-1:0] mag;
  logic [SW-1:0] sig;
  assign neg = signedIn && in[IW-1];
  assign mag = neg ? ~in + 1'b1 : in;
  assign sig = {mag, {(SW - IW) {1'b0}}};

  // Bit SW-1 of sig weighs 2^(IW-1).
  t2c_fp_round #(.EXP(EXP), .SIG(SIG), .SW(SW), .EW(EW)) rnd (
      .sign(neg), .exp(EW'(IW - 1)), .sig(sig), .sticky(1'b0), .rm(rm),
      .tininess_after(tininess_after), .out(out), .flags(flags));
endmodule

`endif  // T2C_FLOAT_COMMON_OPS_SV
// ---- END common.sv
