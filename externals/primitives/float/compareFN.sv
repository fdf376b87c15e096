/* verilator lint_off DECLFILENAME */  // the module and file names are fixed by Calyx
// std_compareFN: IEEE-754 comparison of two numbers in the interchange format with expWidth
// exponent bits and sigWidth significand bits. Exactly one of lt, eq, gt, unordered is high
// (unordered when an operand is a NaN; -0 equals +0). exceptionFlags = {invalid, 0, 0, 0, 0}:
// invalid for a signalling NaN operand, and for any NaN operand when `signaling` is set (the
// IEEE compareSignaling predicates <, <=, >, >=; clear it for ==, !=). Latency 1: the outputs
// are the combinational comparison in the cycle go rises (the cycle before done) and from
// then on hold the values registered at that edge until the next operation (t2c_fp_hold).
module std_compareFN #(
    parameter int expWidth = 8,
    parameter int sigWidth = 24,
    parameter int numWidth = 32
) (
    input  logic                clk,
    input  logic                reset,
    input  logic                go,
    input  logic [numWidth-1:0] left,
    input  logic [numWidth-1:0] right,
    input  logic                signaling,
    output logic                lt,
    output logic                eq,
    output logic                gt,
    output logic                unordered,
    output logic [         4:0] exceptionFlags,
    output logic                done
);
  localparam int EXP = expWidth;
  localparam int SIG = sigWidth;

  logic busy;
  t2c_fp_handshake #(.LATENCY(1)) hs (.clk(clk), .reset(reset), .go(go), .done(done),
                                      .busy(busy));

  // {lt, eq, gt, unordered, flags}; a function called from a continuous assignment (see
  // t2c_fp_round in common.sv).
  function automatic logic [8:0] compare(input logic [numWidth-1:0] lhs,
                                         input logic [numWidth-1:0] rhs, input logic sig_nan);
    logic a_nan, b_nan, a_snan, b_snan, both_zero, nan, mag_lt, mag_eq, lt_c, eq_c, sa, sb;
    sa = lhs[numWidth-1];
    sb = rhs[numWidth-1];
    a_nan = (&lhs[numWidth-2-:EXP]) && (lhs[SIG-2:0] != '0);
    b_nan = (&rhs[numWidth-2-:EXP]) && (rhs[SIG-2:0] != '0);
    a_snan = a_nan && !lhs[SIG-2];
    b_snan = b_nan && !rhs[SIG-2];
    nan = a_nan || b_nan;
    both_zero = (lhs[numWidth-2:0] == '0) && (rhs[numWidth-2:0] == '0);
    mag_lt = lhs[numWidth-2:0] < rhs[numWidth-2:0];
    mag_eq = lhs[numWidth-2:0] == rhs[numWidth-2:0];
    eq_c = both_zero || (mag_eq && sa == sb);
    if (sa != sb) lt_c = sa && !both_zero;
    else if (sa) lt_c = !mag_lt && !mag_eq;
    else lt_c = mag_lt;
    compare = {!nan && lt_c, !nan && eq_c, !nan && !lt_c && !eq_c, nan,
               a_snan || b_snan || (sig_nan && nan), 4'b0};
  endfunction

  t2c_fp_hold #(.W(9)) hold (.clk(clk), .reset(reset), .busy(busy),
                             .in(compare(left, right, signaling)),
                             .out({lt, eq, gt, unordered, exceptionFlags}));
endmodule

// ---- BEGIN common.sv (generated copy: edit common.sv, run test/float/embed_common.py)
// Shared building blocks of the torch2calyx IEEE-754 float units.
//
// This file is the single source of these modules. Every unit's .sv file carries an exact
// copy of it between the "BEGIN common.sv" and "END common.sv" markers, so that each unit
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
  localparam int BIAS = (1 << (EXP - 1)) - 1;
  localparam int SHMAX = SIG + 2;
  localparam int SHW = $clog2(SHMAX + 1);

  logic [LZW-1:0] lz;
  t2c_fp_lzc #(.SW(SW)) lzc (.in(sig), .count(lz));

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

  // The whole datapath is a function of the module's inputs and `lz`, called from a
  // continuous assignment: its intermediate values are locals, so the part-selects of them
  // are not in any sensitivity list (an always_comb reading constant part-selects of
  // variables it writes is only approximated by Icarus, which warns "constant selects in
  // always_* processes are not currently supported").
  function automatic logic [EXP+SIG+4:0] round_pack(
      input logic sign_i, input logic signed [EW-1:0] exp_i, input logic [SW-1:0] sig_i,
      input logic sticky_i, input logic [2:0] rm_i, input logic after_i,
      input logic [LZW-1:0] lz_i);
    logic [SW-1:0] norm, sh, lostmask;
    logic signed [IW-1:0] be, ebase, res_e;
    logic [SHW-1:0] shamt;
    logic normal, is_zero, lost, st, rb, sb, inc, rbn, sbn, incn, carry_n, tiny, inexact;
    logic overflow, max_finite;
    logic [SIG-1:0] m, mn;
    logic [SIG:0] m_r;
    logic [EXP+SIG-1:0] res;
    logic [4:0] fl;
    is_zero = (sig_i == '0) && !sticky_i;
    norm = sig_i << lz_i;
    // Biased exponent of the leading one.
    be = IW'(exp_i) - IW'(lz_i) + IW'(BIAS);
    normal = be > 0;
    if (normal) shamt = '0;
    else if ((IW'(1) - be) >= IW'(SHMAX)) shamt = SHW'(SHMAX);
    else shamt = SHW'(IW'(1) - be);
    sh = norm >> shamt;
    lostmask = ~({SW{1'b1}} << shamt);
    lost = |(norm & lostmask);
    st = lost | sticky_i;
    m = sh[SW-1-:SIG];
    rb = sh[SW-1-SIG];
    sb = (|sh[SW-2-SIG:0]) | st;
    inc = round_up(rm_i, sign_i, m[0], rb, sb);
    if (rm_i == 3'd6) m_r = {1'b0, m[SIG-1:1], m[0] | rb | sb};
    else m_r = {1'b0, m} + (SIG + 1)'(inc);
    // Rounding at full precision with an unbounded exponent, for tininess after rounding.
    mn = norm[SW-1-:SIG];
    rbn = norm[SW-1-SIG];
    sbn = (|norm[SW-2-SIG:0]) | sticky_i;
    incn = round_up(rm_i, sign_i, mn[0], rbn, sbn);
    carry_n = (&mn) & incn;
    ebase = normal ? be - IW'(1) : '0;
    res_e = ebase + IW'(m_r[SIG:SIG-1]);
    inexact = rb | sb;
    overflow = res_e >= IW'((1 << EXP) - 1);
    if (after_i) tiny = (be < 0) || (be == 0 && !carry_n);
    else tiny = !normal;
    max_finite = (rm_i == 3'd1) || (rm_i == 3'd6) || (rm_i == 3'd2 && !sign_i)
        || (rm_i == 3'd3 && sign_i);
    if (is_zero) begin
      res = {sign_i, {(EXP + SIG - 1) {1'b0}}};
      fl = 5'b0;
    end else if (overflow) begin
      res = max_finite ? {sign_i, {(EXP - 1) {1'b1}}, 1'b0, {(SIG - 1) {1'b1}}}
                       : {sign_i, {EXP{1'b1}}, {(SIG - 1) {1'b0}}};
      fl = 5'b00101;
    end else begin
      res = {sign_i, res_e[EXP-1:0], m_r[SIG-2:0]};
      fl = {2'b00, 1'b0, tiny & inexact, inexact};
    end
    round_pack = {res, fl};
  endfunction

  assign {out, flags} = round_pack(sign, exp, sig, sticky, rm, tininess_after, lz);
endmodule

// ---- addition: t2c_fp_add_align (stage 1, combinational), t2c_fp_add_stages (both stages)

// Stage 1 of addition (subOp = 1 subtracts): classifies the operands, aligns the smaller one
// to the larger one's exponent (bits shifted out are jammed into the last bit) and adds or
// subtracts. The exact result is (-1)^sign * sum * 2^(exp - (SIG + 3)); when an operand is a
// NaN or an infinity, `special` is set and special_val / special_flags are the result.
// rm only decides the sign of an exact zero difference (-0 when rounding down).
module t2c_fp_add_align #(
    parameter int EXP = 8,
    parameter int SIG = 24
) (
    input  logic        [EXP+SIG-1:0] left,
    input  logic        [EXP+SIG-1:0] right,
    input  logic                      subOp,
    input  logic        [        2:0] rm,
    output logic                      sign,
    output logic signed [    EXP+1:0] exp,
    output logic        [    SIG+3:0] sum,
    output logic                      special,
    output logic        [EXP+SIG-1:0] special_val,
    output logic        [        4:0] special_flags
);
  localparam int W = EXP + SIG;
  localparam int SW = SIG + 4;  // carry, SIG bits, guard, round, jammed sticky
  localparam int EW = EXP + 2;
  localparam int BIAS = (1 << (EXP - 1)) - 1;
  localparam int DW = $clog2(SIG + 4);
  localparam logic [W-1:0] QNAN = {1'b0, {EXP{1'b1}}, 1'b1, {(SIG - 2) {1'b0}}};

  // A function of the inputs called from a continuous assignment (see t2c_fp_round).
  function automatic logic [EW+SW+W+6:0] align(input logic [W-1:0] lhs,
                                               input logic [W-1:0] rhs, input logic sub,
                                               input logic [2:0] mode);
    logic sa, sb, a_nan, b_nan, a_snan, b_snan, a_inf, b_inf, a_big, eff_sub, lost, s1, sp1;
    logic [EXP-1:0] ea, eb, ea1, eb1, e_big, d;
    logic [SIG-1:0] ma, mb, m_big, m_small;
    logic [SIG+2:0] small_ext, small_sh, lostmask;
    logic [DW-1:0] dsh;
    logic [SW-1:0] s;
    logic [W-1:0] sv;
    logic [4:0] sf;
    logic signed [EW-1:0] e1;
    sa = lhs[W-1];
    sb = rhs[W-1] ^ sub;
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
    eff_sub = sa ^ sb;
    a_big = lhs[W-2:0] >= rhs[W-2:0];
    e_big = a_big ? ea1 : eb1;
    m_big = a_big ? ma : mb;
    m_small = a_big ? mb : ma;
    d = a_big ? ea1 - eb1 : eb1 - ea1;
    dsh = (d >= EXP'(SIG + 3)) ? DW'(SIG + 3) : DW'(d);
    small_ext = {m_small, 3'b000};
    small_sh = small_ext >> dsh;
    lostmask = ~({(SIG + 3) {1'b1}} << dsh);
    lost = |(small_ext & lostmask);
    if (eff_sub) s = {1'b0, m_big, 3'b000} - {1'b0, small_sh[SIG+2:1], small_sh[0] | lost};
    else s = {1'b0, m_big, 3'b000} + {1'b0, small_sh[SIG+2:1], small_sh[0] | lost};
    // Bit SW-1 of the sum weighs 2^(e_big - BIAS + 1).
    e1 = EW'(e_big) - EW'(BIAS - 1);
    if (s == '0) s1 = eff_sub ? (mode == 3'd2) : sa;
    else s1 = a_big ? sa : sb;
    sp1 = a_nan || b_nan || a_inf || b_inf;
    sf = {a_snan || b_snan || (a_inf && b_inf && eff_sub), 4'b0};
    if (a_nan || b_nan || (a_inf && b_inf && eff_sub)) sv = QNAN;
    else if (a_inf) sv = {sa, {EXP{1'b1}}, {(SIG - 1) {1'b0}}};
    else sv = {sb, {EXP{1'b1}}, {(SIG - 1) {1'b0}}};
    align = {s1, e1, s, sp1, sv, sf};
  endfunction

  assign {sign, exp, sum, special, special_val, special_flags} = align(left, right, subOp, rm);
endmodule

// The datapath of std_addFN and pipelined_addFN: stage 1 (t2c_fp_add_align) is registered,
// with the rounding mode and the tininess mode, at every edge where `load` is high; stage 2
// (t2c_fp_round, or the special result) is combinational from those registers, so `out` and
// `flags` show the operation loaded last and hold while `load` stays low. Reset clears the
// registers (out = +0, no flags).
module t2c_fp_add_stages #(
    parameter int EXP = 8,
    parameter int SIG = 24
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

  logic sign1, special1;
  logic signed [EW-1:0] exp1;
  logic [SW-1:0] sum1;
  logic [W-1:0] special_val1;
  logic [4:0] special_flags1;
  t2c_fp_add_align #(.EXP(EXP), .SIG(SIG)) align (
      .left(left), .right(right), .subOp(subOp), .rm(roundingMode), .sign(sign1), .exp(exp1),
      .sum(sum1), .special(special1), .special_val(special_val1),
      .special_flags(special_flags1));

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
      rm_q <= roundingMode;
      ctl_q <= control;
    end
  end

  logic [W-1:0] rounded;
  logic [4:0] round_flags;
  t2c_fp_round #(.EXP(EXP), .SIG(SIG), .SW(SW), .EW(EW)) rnd (
      .sign(sign_q), .exp(exp_q), .sig(sum_q), .sticky(1'b0), .rm(rm_q), .tininess_after(ctl_q),
      .out(rounded), .flags(round_flags));
  assign out = special_q ? special_val_q : rounded;
  assign flags = special_q ? special_flags_q : round_flags;
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
// every edge where `load` is high; stage 2 (t2c_fp_round, or the special result) is
// combinational from those registers, as in t2c_fp_add_stages.
module t2c_fp_mul_stages #(
    parameter int EXP = 8,
    parameter int SIG = 24
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

  logic sign1, special1;
  logic signed [EW-1:0] exp1;
  logic [SIG-1:0] ma, mb;
  logic [W-1:0] special_val1;
  logic [4:0] special_flags1;
  t2c_fp_mul_prep #(.EXP(EXP), .SIG(SIG)) prep (
      .left(left), .right(right), .sign(sign1), .exp(exp1), .sig_a(ma), .sig_b(mb),
      .special(special1), .special_val(special_val1), .special_flags(special_flags1));

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
      prod_q <= ma * mb;
      special_q <= special1;
      special_val_q <= special_val1;
      special_flags_q <= special_flags1;
      rm_q <= roundingMode;
      ctl_q <= control;
    end
  end

  logic [W-1:0] rounded;
  logic [4:0] round_flags;
  t2c_fp_round #(.EXP(EXP), .SIG(SIG), .SW(SW), .EW(EW)) rnd (
      .sign(sign_q), .exp(exp_q), .sig(prod_q), .sticky(1'b0), .rm(rm_q),
      .tininess_after(ctl_q), .out(rounded), .flags(round_flags));
  assign out = special_q ? special_val_q : rounded;
  assign flags = special_q ? special_flags_q : round_flags;
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

`endif  // T2C_FLOAT_COMMON_SV
// ---- END common.sv
