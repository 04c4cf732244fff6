#include "dmft/dmftlaws.h"

#include "dmft/dmftsolver.h"

namespace dmftlab
{

namespace
{
/// Seed of replica r's law paths: apart from the solver's replica and train-loss seeds.
std::uint64_t lawSeed(const RunConfig &config, int r)
{
    std::uint64_t x = config.dmft.seed * 0x9E3779B97F4A7C15ULL + 0xD1B54A32D192ED03ULL * (r + 1) + 0x1A2;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
    return x ^ (x >> 31);
}
} // namespace

std::shared_ptr<const DistributionRecord> dmftLaws(
    const DmftSolver &solver, const RunConfig &config, const std::atomic<bool> *cancel)
{
    const int k = config.problem.width, ks = config.problem.teacherWidth, R = solver.replicaCount();
    auto record = std::make_shared<DistributionRecord>();
    const bool margins = lawsUseMargins(config.problem);
    const double bytesPerTime
        = 8.0 * R * (static_cast<double>(config.dmft.paths) * (k + (margins ? 1 : 0)) + k * (k + ks));
    const std::vector<int> idx = distributionGridIndices(
        config.output.distributionTimes, config.grid(), bytesPerTime, &record->note);
    if (idx.empty() || R == 0)
        return nullptr;
    const std::vector<double> grid = config.grid();
    record->margins = margins;
    record->dmft.resize(idx.size());
    for (std::size_t j = 0; j < idx.size(); ++j) {
        record->dmft[j].gridIndex = idx[j];
        record->dmft[j].time = grid[idx[j]];
    }
    if (solver.reducer().distributed())
        record->note += std::string(record->note.empty() ? "" : "; ")
            + "the dmft laws of r are from the paths of the first of the "
            + std::to_string(solver.reducer().ranks()) + " MPI processes";
    // Each replica's fresh paths on the solver's workers (they were drawn one replica after
    // the other, a second or so of one core for the window's every-grid-time request); the
    // samples are then collected in replica order, so the record does not depend on threads.
    std::vector<std::vector<Eigen::MatrixXd>> r(R);
    std::vector<Eigen::VectorXd> y(R);
    std::vector<char> ok(R, 0);
    solver.forEachReplica([&](int i) {
        const auto fresh = solver.replica(i).freshPaths(config, lawSeed(config, i), cancel);
        if (!fresh)
            return;
        for (int n : idx)
            r[i].push_back(fresh->pathPreactivations(n));
        if (margins)
            y[i] = fresh->labels();
        ok[i] = 1;
    });
    for (int i = 0; i < R; ++i) {
        if (!ok[i])
            return nullptr;
        const DmftReplica &rep = solver.replica(i);
        for (std::size_t j = 0; j < idx.size(); ++j) {
            const int n = idx[j];
            DmftLawSample &s = record->dmft[j];
            s.Q.push_back(rep.C().block(n * k, n * k, k, k));
            s.M.push_back(rep.M().block(n * k, 0, k, ks));
            s.r.push_back(std::move(r[i][j]));
            if (margins)
                s.y.push_back(y[i]);
        }
    }
    return record;
}

} // namespace dmftlab
