"""The examples in examples/ run on tiny sizes and write their figures (Agg backend)."""

import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
pytest.importorskip("matplotlib")  # scripts/install-deps.sh installs python3-matplotlib


@pytest.mark.parametrize("script", ["readme_figure.py", "alpha_scan.py"])
def test_example_writes_its_figure(script, tmp_path):
    out = tmp_path / "figure.png"
    done = subprocess.run([sys.executable, str(ROOT / "examples" / script), "--quick", "--out", str(out)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert f"wrote {out}" in done.stdout
