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
