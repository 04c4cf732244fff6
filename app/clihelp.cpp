// The help texts of dmftlab-cli: --help (options, engines from the registry, config keys,
// files, exit codes) and `presets`.
#include "cli.h"

#include "clicommands.h"
#include "clicommon.h"
#include "config/jsonpath.h"
#include "config/presets.h"
#include "config/schema.h"
#include "engine/registry.h"
#include "version.h"

#include <algorithm>
#include <cstdio>

namespace dmftlab::cli
{

namespace
{

// The config keys, documented: every line comes from the schema (core/config/schema.h).
std::string keysText()
{
    std::size_t keyWidth = 0;
    for (const FieldInfo &f : configSchema())
        keyWidth = std::max(keyWidth, f.key.size());
    std::string out;
    for (const FieldInfo &f : configSchema()) {
        const std::string type = f.typeText();
        std::string line = "  " + f.key + std::string(keyWidth - f.key.size() + 2, ' ');
        line += type + std::string(type.size() < 14 ? 14 - type.size() : 1, ' ');
        line += "default " + f.defaultValue().dump() + "\n";
        out += line;
        const std::string range = f.rangeText();
        const std::string meaning = f.doc + (range.empty() || !f.choices.empty() ? "" : " [" + range + "]");
        out += std::string(6, ' ') + wrap(meaning, 88, 6, 6) + "\n";
    }
    return out;
}

} // namespace

std::string helpText()
{
    std::string h;
    h += std::string("dmftlab-cli ") + kProgramVersion
        + " - headless runs of DMFT Lab: finite-d simulations of multi-pass SGD and\n"
          "stochastic gradient flow (SGF), and their d = infinity dynamical mean-field theory (DMFT).\n"
          "\n"
          "Usage:\n"
          "  dmftlab-cli run [--preset NAME] [--config FILE.json] [--set key=value ...]\n"
          "                  --engine "
        + engineNameList("|")
        + "[,...] --out DIR [--plots png,pdf,svg]\n"
          "  dmftlab-cli sweep --preset NAME --vary KEY=VALUES [--vary ...] [--engine LIST]\n"
          "                  [--scalar NAME,...] --out DIR   a family or phase diagram (sweep --help)\n"
          "  dmftlab-cli presets        list the presets with their description and parameters\n"
          "  dmftlab-cli --help         this text (also: dmftlab-cli run --help)\n"
          "  dmftlab-cli --version\n"
          "\n"
          "Options of run (OPTION VALUE or OPTION=VALUE):\n"
          "  --preset NAME       start from a named preset (see `dmftlab-cli presets`). Optional when\n"
          "                      --config is given: the defaults are then those of the preset named by\n"
          "                      the file's \"preset\" key, or the built-in defaults listed below.\n"
          "  --config FILE.json  nested JSON with any of the keys below, merged over the preset (objects\n"
          "                      key by key). A config.json written by an earlier run is accepted; its\n"
          "                      \"derived\" section is ignored.\n"
          "  --set key=value     dotted key; the value is parsed as JSON when it parses (numbers, true,\n"
          "                      false, null, [[0.1,0],[0,0.1]]), else taken as a string. Repeatable,\n"
          "                      applied in order after --config.\n"
          "  --engine LIST       comma-separated, repeatable; the engines run one after the other and\n"
          "                      write side by side:\n";
    for (const EngineInfo &e : engineRegistry())
        h += "                        " + e.name + std::string(e.name.size() < 8 ? 8 - e.name.size() : 1, ' ')
            + e.summary + "\n";
    h += "  --out DIR           output folder, created with its parents\n"
         "  --plots LIST        figures in any of png,pdf,svg (see Files)\n"
         "  --plot-size SIZE    figure size in pixels: WxH (default 900x600), or the 16:9 slide sizes\n"
         "                      slide (1920x1080) and slide-small (1280x720); text, lines and markers\n"
         "                      keep their share of the picture at every size\n"
         "  --plot-scale S      PNG pixels per figure pixel, default 1\n"
         "  --slide             slide style for the figures (larger fonts, thicker lines)\n"
         "  --log-x             logarithmic time axis (loss and overlaps)\n"
         "  --log-y             logarithmic loss axis (the overlaps change sign and stay linear)\n"
         "  --palette NAME      quantity colours: okabe-ito (colour-blind safe, default) or tableau\n"
         "  --stamp             the parameters (preset, alpha, eta/B, tau, d, seeds, DMFT paths) in a\n"
         "                      small line at the bottom right of every figure\n"
         "  --quiet, -q         no progress lines\n"
         "\n"
         "Resolution: preset -> --config file -> each --set -> type check and validation. Unknown keys,\n"
         "wrong types and invalid values are errors naming the key. Then every engine is checked (e.g.\n"
         "memory it would need, tau set directly for sgd) before anything is written.\n"
         "\n"
         "Derived quantities (printed, and written to config.json under \"derived\"): tau = eta/B, the\n"
         "SGD noise scale (sgf, dmft and ode use optimizer.tau instead when it is set; tau = 0 is\n"
         "gradient flow); epochs = T/(alpha tau), the passes over the data the horizon spans; the\n"
         "sample count n = alpha d; the grid step dt = T/N; whether taming is on.\n"
         "\n"
         "Config keys (type, default, meaning):\n";
    h += keysText();
    h += "\n"
         "Files written in DIR (each through a temporary file and a rename, never half-written):\n"
         "  config.json                 the fully resolved configuration, with a \"derived\" section\n"
         "  summary.json                overall status, total wall time, version; per engine: status,\n"
         "                              message, wall time, grid size, valid points, dimension, seeds,\n"
         "                              samples (simulations) or paths/replicas, iterations and final\n"
         "                              residual (dmft), engine-specific entries, files written\n"
         "  <engine>_curves.csv         header row, then one row per computed grid time: t, train_loss,\n"
         "                              test_loss, test_error, Q_a_b, M_a_m (1-based unit indices), each\n"
         "                              value column followed by its _se column (standard error across\n"
         "                              seeds or replicas; nan where undefined)\n"
         "  <engine>_C_theta.csv        C_theta(t_n, t_m) as an (N+1)x(N+1) matrix, no header; for k > 1\n"
         "                              the trace over units, plus <engine>_C_theta_a_b.csv per block\n"
         "  <engine>_C_g.csv, _R_theta.csv, _C_u.csv, _K.csv\n"
         "                              the other kernels the engine computed (C_g: simulations; R_theta,\n"
         "                              C_u, K: dmft), laid out like C_theta\n"
         "  <kernel file>_se.csv        its standard errors, when the engine estimated them (for a trace:\n"
         "                              the root-sum-square of the blocks' errors)\n"
         "  <engine>_residuals.csv      iteration,residual of the DMFT fixed-point iteration\n"
         "  loss.EXT, overlaps.EXT, C_theta_<engine>.EXT\n"
         "                              with --plots: train/test loss and test error, overlaps Q and M\n"
         "                              (all engines overlaid, +-1 SE), and each engine's C_theta heatmap\n"
         "A run that stops early (diverged, cancelled) writes the grid points it computed.\n"
         "\n"
         "Progress goes to stderr: a line per 10% per engine, or one live line on a terminal.\n"
         "Ctrl-C (SIGINT) or SIGTERM cancels: the running engine stops, what exists is written;\n"
         "a second Ctrl-C kills at once. A signal that arrives while files are written lets the file\n"
         "in progress and the rest of that engine's data files be written, skips the figures not yet\n"
         "written, and ends with status \"cancelled\" (exit 130); summary.json always lists exactly\n"
         "the files in DIR (if even it cannot be written, an older one is removed).\n"
         "\n"
         "Exit codes:\n"
         "  0    every engine completed (simulations) or converged (dmft)\n"
         "  1    an output file could not be written after the run had started\n"
         "  2    bad input: usage, unknown preset/engine/key, wrong type or value, malformed JSON,\n"
         "       too much memory, unwritable output folder; one line on stderr, nothing written\n"
         "  3    an engine diverged (its message says when and which parameter to lower) or failed\n"
         "       numerically at run time; what it computed is written and summary.json says\n"
         "       \"diverged\" or \"numerical_failure\"\n"
         "  4    dmft stopped at dmft.max_iterations without reaching dmft.tolerance (status\n"
         "       \"max_iterations\"; the last iterate is written but is not a converged answer)\n"
         "  5    internal error (a bug, not your input): an engine threw; the message says what, what\n"
         "       it computed is written and summary.json says \"internal_error\"\n"
         "  130  cancelled (summary status \"cancelled\")\n"
         "\n"
         "Under mpirun or srun (builds with DMFTLAB_MPI): dmft splits its paths, the simulations\n"
         "their seeds and sweep its points over the ranks; rank 0 prints and writes. A rank with bad\n"
         "input stops every rank (MPI_Abort, nothing written). See README, \"On a cluster\".\n"
         "\n"
         "Example:\n"
         "  dmftlab-cli run --preset linear-regression --set sim.seeds=4 --engine sgf,dmft \\\n"
         "      --out out/linreg --plots png,pdf\n"
         "  dmftlab-cli run --preset logistic-regression --engine sgf,dmft --out out/talk \\\n"
         "      --plots pdf,png --plot-size slide --log-x --stamp\n";
    return h;
}

std::string presetsText()
{
    std::string out;
    for (const auto &p : presets()) {
        out += p.name + " - " + p.title + "\n";
        out += "    " + wrap(p.description, 92, 4, 4) + "\n";
        out += "    parameters: ";
        std::string params;
        for (const auto &[key, value] : jsonpath::flatten(p.overrides))
            params += " " + key + "=" + value.dump();
        out += wrap(params, 92, 6, 16) + "\n";
        const RunConfig c = presetConfig(p.name);
        out += "    derived: tau = eta/B = " + num(c.sgdTau()) + ", epochs = " + num(c.epochs())
            + ", n = " + std::to_string(c.samples()) + ", dt = " + num(c.dt())
            + (c.tamingEnabled() ? ", taming on" : "") + "\n\n";
    }
    out += "Run one with: dmftlab-cli run --preset NAME --engine sgf --out DIR\n";
    return out;
}

int presetsCommand(const std::vector<std::string> &args)
{
    if (!args.empty())
        return fail("presets takes no arguments, got '" + args[0] + "'");
    std::fputs(presetsText().c_str(), stdout);
    return kExitOk;
}

} // namespace dmftlab::cli
