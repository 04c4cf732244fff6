"""Shared fixtures of the dmftlab pytest suite (run by CTest as test_python, with
PYTHONPATH pointing at build/python and DMFTLAB_CLI at the dmftlab-cli binary)."""

import os
import pathlib
import shutil

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]

# Tiny sizes: every engine runs in well under a second.
TINY = {
    "time.horizon": 1.0,
    "time.steps": 10,
    "sim.dimension": 60,
    "sim.seeds": 3,
    "sim.threads": 1,
    "dmft.paths": 400,
    "dmft.tangent_paths": 100,
    "dmft.replicas": 2,
    "dmft.max_iterations": 30,
    "dmft.tolerance": 1e-3,
}


@pytest.fixture(scope="session")
def tiny():
    return dict(TINY)


@pytest.fixture(scope="session")
def cli():
    """Path of dmftlab-cli: $DMFTLAB_CLI, else build/app/dmftlab-cli."""
    path = os.environ.get("DMFTLAB_CLI") or str(ROOT / "build" / "app" / "dmftlab-cli")
    if not (os.path.isfile(path) and os.access(path, os.X_OK)):
        found = shutil.which("dmftlab-cli")
        if not found:
            pytest.fail(f"dmftlab-cli not found at {path} (set DMFTLAB_CLI)")
        path = found
    return path
