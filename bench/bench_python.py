"""Overhead of the dmftlab Python module against dmftlab-cli on the same DMFT work.

Times `dmftlab-cli run --config C --engine dmft` (a process: start-up, the solve, writing
files) and `dmftlab.run(C, ["dmft"])` (the solve in a worker thread, the calling thread
pumping progress; arrays are views, nothing is copied or written) on one configuration,
alternating, and prints medians of the repeats. Figures only, never asserted: timings on
a shared machine are noisy.

    PYTHONPATH=build/python python3 bench/bench_python.py --cli build/app/dmftlab-cli
    (also run by `ninja -C build bench`)
"""

import argparse
import json
import os
import statistics
import subprocess
import tempfile
import time

import dmftlab


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cli", default=os.environ.get("DMFTLAB_CLI", "build/app/dmftlab-cli"))
    parser.add_argument("--preset", default="logistic-regression")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")
    args = parser.parse_args()

    overrides = {"dmft.max_iterations": 10, "dmft.tolerance": 1e-12}  # fixed work: 10 iterations
    for item in args.set:
        key, _, text = item.partition("=")
        overrides[key] = json.loads(text)
    cfg = dmftlab.config(args.preset, overrides)

    cli_total, cli_engine, py_total, py_engine = [], [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        config_file = os.path.join(tmp, "config.json")
        with open(config_file, "w") as f:
            json.dump(cfg, f)
        for i in range(args.repeats):
            out = os.path.join(tmp, f"out{i}")
            start = time.perf_counter()
            subprocess.run([args.cli, "run", "--config", config_file, "--engine", "dmft", "--out", out, "-q"],
                           check=False, capture_output=True)
            cli_total.append(time.perf_counter() - start)
            with open(os.path.join(out, "summary.json")) as f:
                cli_engine.append(json.load(f)["engines"]["dmft"]["wall_seconds"])

            start = time.perf_counter()
            r = dmftlab.run(cfg, engines=["dmft"], progress=lambda fraction, text: None)["dmft"]
            py_total.append(time.perf_counter() - start)
            py_engine.append(r.wall_seconds)

    med = statistics.median
    print(f"dmftlab Python module vs dmftlab-cli: {args.preset}, DMFT, 10 iterations, "
          f"(N, P, P_J) = ({cfg['time.steps']}, {cfg['dmft.paths']}, {cfg['dmft.tangent_paths']}), "
          f"median of {args.repeats}")
    print(f"  dmftlab-cli process        {med(cli_total):8.3f} s   (engine {med(cli_engine):.3f} s)")
    print(f"  dmftlab.run()              {med(py_total):8.3f} s   (engine {med(py_engine):.3f} s)")
    print(f"  module vs CLI, end to end  {100 * (med(py_total) / med(cli_total) - 1):+7.1f} %")
    print(f"  module vs CLI, engine      {100 * (med(py_engine) / med(cli_engine) - 1):+7.1f} %")
    print(f"  module's own overhead      {100 * (med(py_total) / med(py_engine) - 1):+7.1f} % "
          "(run() wall time over the engine's)")


if __name__ == "__main__":
    main()
