// Strong scaling of one DMFT solve over MPI ranks (issue 14): logistic regression at
// (N, P, P_J) = (200, 10⁵, 10⁴), one replica, one thread per rank, a fixed number of
// iterations, run as `mpirun -n R dmftlab-cli run ...` for R = 1, 2. Prints the wall time per
// iteration from the phases rank 0 reports (summary.json: seconds_paths, seconds_tangents,
// seconds_theta, seconds_factor), the communication volume per iteration, and the model
//   t_iter(R) = (a P N² k + b P_J N³ k²) / R + c N³ + comm(R)
// fitted to the measured phases, with what it predicts for 64 ranks. Median of repeats; on a
// shared 2-core machine R = 2 competes with everything else running (say so when quoting).
// Needs a build with DMFTLAB_MPI (mpirun on PATH); prints a note and exits 0 otherwise.
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

namespace
{

struct Phases {
    double paths = 0, tangents = 0, theta = 0, factor = 0, wall = 0;
    int iterations = 0;
};

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v.empty() ? 0.0 : v[v.size() / 2];
}

bool run(int ranks, const std::string &cli, const std::string &out, int N, int P, int PJ, int iterations,
    Phases *ph)
{
    const std::string cmd = "OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 mpirun -n "
        + std::to_string(ranks) + " --oversubscribe --bind-to none " + cli
        + " run --preset logistic-regression --engine dmft --set dmft.replicas=1 --set sim.threads=1"
          " --set dmft.continuous_time=off --set dmft.tolerance=1e-12 --set time.steps="
        + std::to_string(N) + " --set dmft.paths=" + std::to_string(P) + " --set dmft.tangent_paths="
        + std::to_string(PJ) + " --set dmft.max_iterations=" + std::to_string(iterations) + " --quiet --out "
        + out + " > /dev/null 2>&1";
    std::system(("rm -rf " + out).c_str());
    std::system(cmd.c_str()); // exit 4 (not converged) is the expected outcome
    std::ifstream in(out + "/summary.json");
    const nlohmann::json j = nlohmann::json::parse(in, nullptr, false);
    if (j.is_discarded())
        return false;
    if (!j.contains("engines") || !j["engines"].contains("dmft"))
        return false;
    const nlohmann::json &x = j["engines"]["dmft"];
    const nlohmann::json *d = &x;
    ph->paths = x.value("seconds_paths", 0.0);
    ph->tangents = x.value("seconds_tangents", 0.0);
    ph->theta = x.value("seconds_theta", 0.0);
    ph->factor = x.value("seconds_factor", 0.0);
    ph->iterations = x.value("iterations", 0);
    ph->wall = d->value("wall_seconds", 0.0);
    return ph->iterations > 0;
}

} // namespace

int main(int argc, char **argv)
{
    if (std::system("command -v mpirun > /dev/null 2>&1") != 0) {
        std::printf("bench_mpi: no mpirun (a build without DMFTLAB_MPI); skipped\n");
        return 0;
    }
    const std::string cli = argc > 1 ? argv[1] : DMFTLAB_CLI_PATH;
    const int N = 200, P = 100000, PJ = 10000, k = 1, iterations = 3,
              repeats = argc > 2 ? std::atoi(argv[2]) : 3;
    const double D = (N + 1.0) * k;
    // Doubles reduced per iteration: forward sums (loss N+1, H̃ D·k, C_u D², E[g zᵀ] D·k*) and
    // the tangents' K (D²); each reduced to rank 0 and broadcast back.
    const double doubles = (N + 1.0) + D * k + D * D + D * 1 + D * D;
    std::printf("DMFT over MPI ranks: logistic, N = %d, P = %d, P_J = %d, 1 replica, 1 thread per rank, %d "
                "iterations, median of %d\n",
        N, P, PJ, iterations, repeats);
    std::printf("communication per iteration: %.0f doubles = %.2f MB reduced + %.2f MB broadcast per rank "
                "(independent of P, P_J and R)\n",
        doubles, 8 * doubles / 1e6, 8 * doubles / 1e6);
    std::printf("%5s %12s %12s %12s %12s %10s\n", "ranks", "s/iteration", "paths", "tangents", "theta+factor",
        "speed-up");
    double t1 = 0, paths1 = 0, tangents1 = 0, serial1 = 0;
    for (int R : { 1, 2 }) {
        std::vector<double> it, pa, ta, se;
        for (int rep = 0; rep < repeats; ++rep) {
            Phases ph;
            if (!run(R, cli, "/tmp/dmftlab-bench-mpi", N, P, PJ, iterations, &ph)) {
                std::printf("bench_mpi: the run at R = %d failed\n", R);
                return 1;
            }
            it.push_back((ph.paths + ph.tangents + ph.theta + ph.factor) / ph.iterations);
            pa.push_back(ph.paths / ph.iterations);
            ta.push_back(ph.tangents / ph.iterations);
            se.push_back((ph.theta + ph.factor) / ph.iterations);
        }
        const double t = median(it);
        if (R == 1) {
            t1 = t;
            paths1 = median(pa);
            tangents1 = median(ta);
            serial1 = median(se);
        }
        std::printf(
            "%5d %12.3f %12.3f %12.3f %12.3f %10.2f\n", R, t, median(pa), median(ta), median(se), t1 / t);
    }
    std::system("rm -rf /tmp/dmftlab-bench-mpi");
    // model from R = 1: the path phases divide by R, the θ-process and the factor do not
    const double a = paths1 / (double(P) * N * N * k), b = tangents1 / (double(PJ) * N * N * N * k * k),
                 c = serial1 / (double(N) * N * N);
    std::printf("model: t_iter = (%.3g P N^2 k + %.3g P_J N^3 k^2) / R + %.3g N^3 + comm  [s]\n", a, b, c);
    for (int R : { 2, 8, 64 }) {
        const double split = (paths1 + tangents1) / R;
        std::printf(
            "  R = %2d: %.3f s compute per iteration (split %.3f + serial %.3f), speed-up %.1f before "
            "communication (%.2f MB per reduction)\n",
            R, split + serial1, split, serial1, t1 / (split + serial1), 8 * doubles / 1e6);
    }
    return 0;
}
