// undef, written for torch2calyx: an output with no defined value.
module undef #(parameter WIDTH = 32) (
  output logic [WIDTH-1:0] out
);
  assign out = 'x;
endmodule
