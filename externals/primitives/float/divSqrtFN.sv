/* verilator lint_off DECLFILENAME */  // the module and file names are fixed by Calyx
// std_divSqrtFN: IEEE-754 division left / right (sqrtOp = 0) or square root of left
// (sqrtOp = 1; right is ignored) in the interchange format with expWidth exponent bits and
// sigWidth significand bits. Iterative: one edge normalizes the operands (subnormals
// included), ITER = 28 edges run a restoring division or digit-by-digit square root producing
// BPC = ceil((sigWidth + 3) / 28) result bits each (1 for binary16/32, 2 for binary64), and a
// last edge rounds. The latency is 30 cycles in every format, and done follows the real
// completion. Conventions (handshake, roundingMode, control = tininess after rounding,
// exceptionFlags, canonical NaN): see ARCHITECTURE.md "Float unit conventions".
module std_divSqrtFN #(
    parameter int expWidth = 8,
    parameter int sigWidth = 24,
    parameter int numWidth = 32
) (
    input  logic                clk,
    input  logic                reset,
    input  logic                go,
    input  logic                control,
    input  logic                sqrtOp,
    input  logic [numWidth-1:0] left,
    input  logic [numWidth-1:0] right,
    input  logic [         2:0] roundingMode,
    output logic [numWidth-1:0] out,
    output logic [         4:0] exceptionFlags,
    output logic                done
);
  localparam int EXP = expWidth;
  localparam int SIG = sigWidth;
  localparam int ITER = 28;
  localparam int BPC = (SIG + 3 + ITER - 1) / ITER;
  localparam int K = BPC * ITER;  // quotient / root bits; bit K-1 weighs 2^0
  localparam int RW = K + 3;  // remainder width
  localparam int EW = EXP + 3;
  localparam int BIAS = (1 << (EXP - 1)) - 1;
  localparam int LAT = ITER + 2;
  localparam int LZW = $clog2(SIG + 1);
  localparam logic [numWidth-1:0] QNAN = {1'b0, {EXP{1'b1}}, 1'b1, {(SIG - 2) {1'b0}}};

  logic capture;
  t2c_fp_handshake #(.LATENCY(LAT)) hs (.clk(clk), .reset(reset), .go(go), .done(done),
                                        .capture(capture));
  logic [$clog2(LAT + 1)-1:0] step;
  always_ff @(posedge clk) begin
    if (reset || !go) step <= '0;
    else if (!done) step <= step + 1'b1;
  end

  // ---- load: classify and normalize the operands ----
  logic sa, sb, a_nan, b_nan, a_snan, b_snan, a_inf, b_inf, a_zero, b_zero;
  logic [EXP-1:0] ea, eb, ea1, eb1;
  logic [SIG-1:0] ma, mb, na, nb;
  logic [LZW-1:0] lza, lzb;
  logic signed [EW-1:0] ean, ebn, e_sq, exp0;
  logic special0;
  logic [numWidth-1:0] special_val0;
  logic [4:0] special_flags0;
  logic [2*K-1:0] rad0;
  logic sign0;

  assign ma = {left[numWidth-2-:EXP] != '0, left[SIG-2:0]};
  assign mb = {right[numWidth-2-:EXP] != '0, right[SIG-2:0]};
  t2c_fp_lzc #(.SW(SIG)) lzc_a (.in(ma), .count(lza));
  t2c_fp_lzc #(.SW(SIG)) lzc_b (.in(mb), .count(lzb));

  always_comb begin
    sa = left[numWidth-1];
    sb = right[numWidth-1];
    ea = left[numWidth-2-:EXP];
    eb = right[numWidth-2-:EXP];
    ea1 = (ea == '0) ? EXP'(1) : ea;
    eb1 = (eb == '0) ? EXP'(1) : eb;
    a_nan = (&ea) && (left[SIG-2:0] != '0);
    b_nan = (&eb) && (right[SIG-2:0] != '0);
    a_snan = a_nan && !left[SIG-2];
    b_snan = b_nan && !right[SIG-2];
    a_inf = (&ea) && (left[SIG-2:0] == '0);
    b_inf = (&eb) && (right[SIG-2:0] == '0);
    a_zero = left[numWidth-2:0] == '0;
    b_zero = right[numWidth-2:0] == '0;
    na = ma << lza;
    nb = mb << lzb;
    // Exponents of the normalized leading ones.
    ean = EW'(ea1) - EW'(BIAS) - EW'(lza);
    ebn = EW'(eb1) - EW'(BIAS) - EW'(lzb);
    // sqrt: make the exponent even; the radicand is M * 2^(2K - SIG - 1) with M in [1, 4).
    e_sq = ean >>> 1;
    if (ean[0]) rad0 = (2 * K)'({na, 1'b0}) << (2 * K - SIG - 1);
    else rad0 = (2 * K)'(na) << (2 * K - SIG - 1);
    if (sqrtOp) begin
      sign0 = sa;
      exp0 = e_sq;
      special0 = a_nan || a_inf || a_zero || sa;
      special_flags0 = {a_snan || (sa && !a_zero && !a_nan), 4'b0};
      if (a_nan || (sa && !a_zero)) special_val0 = QNAN;
      else special_val0 = left;  // +inf, +0, -0
    end else begin
      sign0 = sa ^ sb;
      exp0 = ean - ebn;
      special0 = a_nan || b_nan || a_inf || b_inf || a_zero || b_zero;
      special_flags0 = {a_snan || b_snan || (a_inf && b_inf) || (a_zero && b_zero),
                        !a_nan && !b_nan && !a_inf && !a_zero && b_zero, 3'b0};
      if (a_nan || b_nan || (a_inf && b_inf) || (a_zero && b_zero)) special_val0 = QNAN;
      else if (a_inf || b_zero) special_val0 = {sign0, {EXP{1'b1}}, {(SIG - 1) {1'b0}}};
      else special_val0 = {sign0, {(numWidth - 1) {1'b0}}};
    end
  end

  // ---- iterate: BPC result bits per edge ----
  logic sign_q, special_q, sqrt_q;
  logic signed [EW-1:0] exp_q;
  logic [numWidth-1:0] special_val_q;
  logic [4:0] special_flags_q;
  logic [SIG-1:0] divisor_q;
  logic [RW-1:0] rem_q, rem_n;
  logic [K-1:0] acc_q, acc_n;
  logic [2*K-1:0] rad_q, rad_n;

  // One edge's worth of restoring division / digit-by-digit square root steps. A function
  // keeps the intermediate values out of any sensitivity list (Icarus would spin on an
  // always_comb that reads what it writes).
  function automatic logic [RW+3*K-1:0] iterate(input logic [RW-1:0] rem, input logic [K-1:0] acc,
                                                input logic [2*K-1:0] rad,
                                                input logic [SIG-1:0] divisor, input logic sq);
    logic [RW-1:0] trial;
    for (int i = 0; i < BPC; i++) begin
      if (sq) begin
        rem = {rem[RW-3:0], rad[2*K-1-:2]};
        rad = rad << 2;
        trial = RW'({acc, 2'b01});
      end else begin
        trial = RW'(divisor);
      end
      if (rem >= trial) begin
        rem = rem - trial;
        acc = {acc[K-2:0], 1'b1};
      end else begin
        acc = {acc[K-2:0], 1'b0};
      end
      if (!sq) rem = rem << 1;
    end
    iterate = {rem, acc, rad};
  endfunction
  assign {rem_n, acc_n, rad_n} = iterate(rem_q, acc_q, rad_q, divisor_q, sqrt_q);

  always_ff @(posedge clk) begin
    if (go && !done) begin
      if (step == '0) begin
        sign_q <= sign0;
        exp_q <= exp0;
        special_q <= special0;
        special_val_q <= special_val0;
        special_flags_q <= special_flags0;
        sqrt_q <= sqrtOp;
        divisor_q <= nb;
        rem_q <= sqrtOp ? '0 : RW'(na);
        rad_q <= rad0;
        acc_q <= '0;
      end else if (step <= ($clog2(LAT + 1))'(ITER)) begin
        rem_q <= rem_n;
        acc_q <= acc_n;
        rad_q <= rad_n;
      end
    end
  end

  // ---- round ----
  logic [numWidth-1:0] rounded;
  logic [4:0] round_flags;
  t2c_fp_round #(.EXP(EXP), .SIG(SIG), .SW(K), .EW(EW)) rnd (
      .sign(sign_q), .exp(exp_q), .sig(acc_q), .sticky(rem_q != '0), .rm(roundingMode),
      .tininess_after(control), .out(rounded), .flags(round_flags));

  always_ff @(posedge clk) begin
    if (reset) begin
      out <= '0;
      exceptionFlags <= '0;
    end else if (capture) begin
      out <= special_q ? special_val_q : rounded;
      exceptionFlags <= special_q ? special_flags_q : round_flags;
    end
  end
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
// falls at the first edge after go falls. `capture` is high in the cycle whose clock edge
// must store the result into the unit's output registers.
module t2c_fp_handshake #(
    parameter int LATENCY = 1
) (
    input  logic clk,
    input  logic reset,
    input  logic go,
    output logic done,
    output logic capture
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
  assign capture = go && !done && (count == CW'(LATENCY - 1));
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

`endif  // T2C_FLOAT_COMMON_SV
// ---- END common.sv
