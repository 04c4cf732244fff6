"""The README figure with matplotlib: DMFT (lines, +-1 SE bands over replicas) against
the SGF simulation (markers, +-1 SE error bars over seeds) — losses and overlaps.

    PYTHONPATH=build/python python3 examples/readme_figure.py --out figure.png
    ... --preset committee-erf --set sim.seeds=4      # any preset, any dotted key
    ... --quick                                       # tiny sizes (seconds; used by the tests)
"""

import argparse
import json

import matplotlib

matplotlib.use("Agg")  # files only: no display needed
import matplotlib.pyplot as plt  # noqa: E402

import dmftlab  # noqa: E402

QUICK = {"time.steps": 20, "sim.dimension": 200, "sim.seeds": 3,
         "dmft.paths": 1000, "dmft.tangent_paths": 200, "dmft.replicas": 2}


def band(ax, r, name, label, colour):
    """A DMFT curve as a line with a +-1 SE band."""
    mean, se = r.curves[name], r.curves[name + "_se"]
    ax.plot(r.t, mean, color=colour, lw=1.5, label=f"{label} (DMFT)")
    ax.fill_between(r.t, mean - se, mean + se, color=colour, alpha=0.25, lw=0)


def markers(ax, r, name, label, colour):
    """A simulated curve as markers with +-1 SE error bars."""
    ax.errorbar(r.t, r.curves[name], yerr=r.curves[name + "_se"], fmt="o", ms=3.5, color=colour,
                mfc="white", elinewidth=1, capsize=2, label=f"{label} (SGF)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--preset", default="logistic-regression")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                        help="dotted config key, value as JSON (like dmftlab-cli --set)")
    parser.add_argument("--quick", action="store_true", help="tiny sizes, for a smoke test")
    parser.add_argument("--out", default="figure.png")
    args = parser.parse_args()

    overrides = dict(QUICK) if args.quick else {}
    for item in args.set:
        key, _, text = item.partition("=")
        try:
            overrides[key] = json.loads(text)
        except json.JSONDecodeError:
            overrides[key] = text
    cfg = dmftlab.config(args.preset, overrides)
    res = dmftlab.run(cfg, engines=["sgf", "dmft"], progress=lambda f, text: print(f"\r{text:<100.100}", end=""))
    print()
    sgf, dmft = res["sgf"], res["dmft"]
    for r in (sgf, dmft):
        print(f"{r.engine}: {r.status} in {r.wall_seconds:.2f} s {r.message}")

    fig, (loss, overlaps) = plt.subplots(1, 2, figsize=(10, 4), constrained_layout=True)
    for name, label, colour in [("train_loss", "train loss", "C0"), ("test_loss", "test loss", "C1")]:
        band(loss, dmft, name, label, colour)
        markers(loss, sgf, name, label, colour)
    loss.set_xlabel("t")
    loss.set_ylabel("loss")
    for name, label, colour in [("M_1_1", "M", "C2"), ("Q_1_1", "Q", "C3")]:
        band(overlaps, dmft, name, label, colour)
        markers(overlaps, sgf, name, label, colour)
    overlaps.set_xlabel("t")
    overlaps.set_ylabel("overlap")
    for ax in (loss, overlaps):
        ax.legend(fontsize=8, frameon=False)
    fig.suptitle(f"{cfg['preset']}: alpha = {cfg['data.alpha']}, tau = {cfg['derived']['tau']:.3g}, "
                 f"d = {cfg['sim.dimension']}, {cfg['sim.seeds']} seeds")
    fig.savefig(args.out, dpi=120)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
