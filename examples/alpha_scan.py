"""Scans alpha = n/d with the DMFT (one dmftlab.sweep) and plots the final test error
(+-1 SE) against alpha.

    PYTHONPATH=build/python python3 examples/alpha_scan.py --out alpha.png
    ... --preset logistic-regression --alphas 0.5,1,2,4,8
    ... --quick                        # tiny sizes and three alphas (used by the tests)
"""

import argparse

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import dmftlab  # noqa: E402

QUICK = {"time.steps": 10, "dmft.paths": 500, "dmft.tangent_paths": 100, "dmft.replicas": 2}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--preset", default="logistic-regression")
    parser.add_argument("--alphas", default="0.5,1,1.5,2,3,4,6,8")
    parser.add_argument("--quick", action="store_true", help="tiny sizes, for a smoke test")
    parser.add_argument("--out", default="alpha_scan.png")
    args = parser.parse_args()

    alphas = [float(a) for a in args.alphas.split(",")]
    if args.quick:
        alphas = alphas[:3]
    # One sweep, as `dmftlab-cli sweep --vary data.alpha=...`: every point is checked
    # before the first runs, and the table equals the CLI's sweep.csv.
    scan = dmftlab.sweep(args.preset, {"data.alpha": alphas}, engines=["dmft"], scalars=["final_test_error"],
                         overrides=QUICK if args.quick else None)
    table = scan.table
    for alpha, status, iterations, seconds in zip(table["data.alpha"], table["status"], table["iterations"],
                                                  table["wall_seconds"]):
        print(f"alpha = {alpha:g}: {status} in {iterations:.0f} iterations, {seconds:.2f} s")
    error, se = scan.values("final_test_error"), scan.se("final_test_error")
    base = scan.config(0)

    fig, ax = plt.subplots(figsize=(5, 3.5), constrained_layout=True)
    ax.errorbar(alphas, error, yerr=se, fmt="o-", ms=4, capsize=3)
    ax.set_xscale("log")
    ax.set_xlabel(r"$\alpha = n/d$")
    ax.set_ylabel(f"test error at t = {base['time.horizon']:g}")
    ax.set_title(f"{args.preset} (DMFT, tau = {base['derived']['tau']:.3g})")
    fig.savefig(args.out, dpi=120)
    print(f"wrote {args.out}; final test errors: {np.round(error, 4).tolist()}")


if __name__ == "__main__":
    main()
