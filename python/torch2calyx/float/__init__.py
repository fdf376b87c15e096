"""IEEE-754 float units: bit-exact software reference, test vectors and a Verilator runner.

``torch2calyx.float.ref`` is the reference model, ``torch2calyx.float.vectors`` builds test
vectors (special-class pairs and random operands) with expected results, and
``torch2calyx.float.harness`` builds the Verilator harness of test/float/ and runs vectors
through the real go/done handshake of the units in externals/primitives/float/.
"""
