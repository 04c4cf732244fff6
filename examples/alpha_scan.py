"""Scans alpha = n/d with the DMFT and plots the final test error (+-1 SE) against alpha.

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
    base = dmftlab.config(args.preset, QUICK if args.quick else {})
    error, se = [], []
    for alpha in alphas:
        r = dmftlab.run(dmftlab.config(base, {"data.alpha": alpha}), engines=["dmft"])["dmft"]
        error.append(r.test_error[-1])
        se.append(r.test_error_se[-1])
        print(f"alpha = {alpha:g}: test error {error[-1]:.4f} +- {se[-1]:.4f} ({r.status}, "
              f"{r.extra.get('iterations')} iterations, {r.wall_seconds:.2f} s)")

    fig, ax = plt.subplots(figsize=(5, 3.5), constrained_layout=True)
    ax.errorbar(alphas, error, yerr=se, fmt="o-", ms=4, capsize=3)
    ax.set_xscale("log")
    ax.set_xlabel(r"$\alpha = n/d$")
    ax.set_ylabel(f"test error at t = {base['time.horizon']:g}")
    ax.set_title(f"{base['preset']} (DMFT, tau = {base['derived']['tau']:.3g})")
    fig.savefig(args.out, dpi=120)
    print(f"wrote {args.out}; final test errors: {np.round(error, 4).tolist()}")


if __name__ == "__main__":
    main()
