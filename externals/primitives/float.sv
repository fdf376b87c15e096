// std_float_const, written for torch2calyx: VALUE is already the IEEE-754 bit pattern (the
// compiler encodes the decimal literal of the program); REP (0 = IEEE-754) is not used here.
module std_float_const #(parameter REP = 0, parameter WIDTH = 32, parameter VALUE = 0) (
  output logic [WIDTH-1:0] out
);
  assign out = WIDTH'(VALUE);
endmodule
