"""The Calyx corpus, compiled by the builtin backend and simulated under Verilator and Icarus.

Every program's final memories must equal its .expect file. The Verilator models are cached
in one build folder shared by the session, so each program is built once.
"""

from __future__ import annotations

import pytest
from calyx_corpus import CORPUS, load_json
from torch2calyx.calyx import compile_file
from torch2calyx.sim import simulate


@pytest.fixture(scope="session")
def sim_cache(tmp_path_factory):
    return tmp_path_factory.mktemp("sim-cache")


def _run(futil, simulator, tmp_path, cache):
    sv = tmp_path / f"{futil.stem}.sv"
    compile_file(futil, sv, manifest=False)
    data = load_json(futil.with_name(futil.name + ".data"))
    return simulate(
        sv, data=data, simulator=simulator, build_dir=cache, cycle_limit=100_000, progress=False
    )


@pytest.mark.icarus
@pytest.mark.parametrize("futil", CORPUS, ids=lambda p: p.stem)
def test_corpus_icarus(futil, tmp_path, sim_cache):
    result = _run(futil, "icarus", tmp_path, sim_cache)
    assert result.memories == load_json(futil.with_name(futil.name + ".expect"))
    assert result.cycles > 0


@pytest.mark.verilator
@pytest.mark.parametrize("futil", CORPUS, ids=lambda p: p.stem)
def test_corpus_verilator(futil, tmp_path, sim_cache):
    result = _run(futil, "verilator", tmp_path, sim_cache)
    assert result.memories == load_json(futil.with_name(futil.name + ".expect"))
    # both simulators run the same testbench protocol, so the cycle counts agree
    icarus = _run(futil, "icarus", tmp_path, sim_cache)
    assert result.cycles == icarus.cycles
