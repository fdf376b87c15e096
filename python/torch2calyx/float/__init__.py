"""IEEE-754 float units: bit-exact software reference, test vectors and a Verilator runner.

``torch2calyx.float.ref`` is the reference model, ``torch2calyx.float.vectors`` builds test
vectors (special-class pairs and random operands) with expected results, and
``torch2calyx.float.harness`` builds the Verilator harness of test/float/ and runs vectors
through the real go/done handshake of the units in externals/primitives/float/;
``torch2calyx.float.stream`` streams vectors through the pipelined divide/sqrt unit, which has
a test top of its own (one static<N> primitive per format).
"""
