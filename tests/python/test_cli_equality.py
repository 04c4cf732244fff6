"""The module and dmftlab-cli give bitwise the same numbers for the same configuration:
every curve column, kernel file and residual the CLI writes equals the module's array."""

import csv
import json
import subprocess

import numpy as np
import pytest

import dmftlab


def same_bits(a, b, what):
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    assert a.shape == b.shape, what
    nan = np.isnan(a)
    assert np.array_equal(nan, np.isnan(b)), what
    assert np.array_equal(a[~nan], b[~nan]), what
    assert np.array_equal(np.signbit(a[~nan]), np.signbit(b[~nan])), what


def untimed(entries):
    """Summary entries without their wall times (top-level "seconds_*", nested "seconds"),
    which differ between any two runs."""
    if not isinstance(entries, dict):
        return entries
    return {k: untimed(v) for k, v in entries.items() if not k.startswith("seconds")}


def read_curves(path):
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    return {name: np.array([float(row[i]) for row in body]) for i, name in enumerate(header)}


@pytest.mark.parametrize("preset, engines", [
    ("logistic-regression", ["sgd", "sgf", "online", "dmft", "ode"]),
    ("committee-erf", ["sgf", "dmft"]),
])
def test_numbers_equal_the_clis_files(cli, tiny, tmp_path, preset, engines):
    cfg = dmftlab.config(preset, {**tiny, "sim.threads": 2})
    res = dmftlab.run(cfg, engines=engines)
    config_file = tmp_path / "input.json"
    config_file.write_text(json.dumps(cfg))
    out = tmp_path / "out"
    subprocess.run([cli, "run", "--config", str(config_file), "--engine", ",".join(engines),
                    "--out", str(out), "-q"], check=True, capture_output=True)
    assert json.loads((out / "config.json").read_text()) == cfg
    summary = json.loads((out / "summary.json").read_text())
    assert res.status == res.summary["status"] == summary["status"]
    for engine in engines:
        r = res[engine]
        assert r.status == summary["engines"][engine]["status"]
        # Everything summary.json says of the engine but its wall time and files.
        expected = untimed({k: v for k, v in summary["engines"][engine].items()
                            if k not in ("status", "message", "wall_seconds", "files")})
        assert untimed(r.extra) == expected
        files = read_curves(out / f"{engine}_curves.csv")
        assert list(files) == list(r.curves)
        for name, values in files.items():
            same_bits(r.curves[name], values, f"{engine} {name}")
        kernel_files = {f[len(engine) + 1:-4] for f in summary["engines"][engine]["files"]
                        if not f.endswith(("_curves.csv", "_residuals.csv", "_errors.csv"))}
        assert kernel_files == set(r.kernels), engine
        for name in r.kernels:
            values = np.loadtxt(out / f"{engine}_{name}.csv", delimiter=",", ndmin=2)
            same_bits(r.kernels[name], values, f"{engine} {name}")
        # <engine>_errors.csv: the parts of the standard errors (the DMFT's), else no file.
        if f"{engine}_errors.csv" in summary["engines"][engine]["files"]:
            parts = read_curves(out / f"{engine}_errors.csv")
            assert list(parts) == list(r.errors) and len(parts) > 1
            for name, values in parts.items():
                same_bits(r.errors[name], values, f"{engine} {name}")
        else:
            assert len(r.errors) == 0, engine
        if engine == "dmft":
            assert "test_loss_discretisation" in r.errors
            residuals = np.loadtxt(out / "dmft_residuals.csv", delimiter=",", skiprows=1, ndmin=2)[:, 1]
            same_bits(r.residuals, residuals, "dmft residuals")
            assert r.extra["iterations"] == summary["engines"]["dmft"]["iterations"]
