#include "dmft/dmftlaws.h"

#include "dmft/dmftsolver.h"

namespace dmftlab
{

DmftLawCollector::DmftLawCollector(const RunConfig &config)
    : m_config(config)
{
    const int k = config.problem.width, ks = config.problem.teacherWidth, R = config.dmft.replicas;
    const bool margins = lawsUseMargins(config.problem);
    const double bytesPerTime
        = 8.0 * R * (static_cast<double>(config.dmft.paths) * (k + (margins ? 1 : 0)) + k * (k + ks));
    m_indices
        = distributionGridIndices(config.output.distributionTimes, config.grid(), bytesPerTime, &m_note);
    m_r.resize(R);
    m_y.resize(R);
    m_observed.assign(R, 0);
}

void DmftLawCollector::observe(int r, const DmftReplica &fresh)
{
    if (!wanted() || r < 0 || r >= static_cast<int>(m_r.size()))
        return;
    m_r[r].clear();
    for (int n : m_indices)
        m_r[r].push_back(fresh.pathPreactivations(n));
    if (lawsUseMargins(m_config.problem))
        m_y[r] = fresh.labels();
    m_observed[r] = 1;
}

std::shared_ptr<const DistributionRecord> DmftLawCollector::finish(const DmftSolver &solver)
{
    const int k = m_config.problem.width, ks = m_config.problem.teacherWidth, R = solver.replicaCount();
    if (!wanted() || R == 0 || R != static_cast<int>(m_r.size()))
        return nullptr;
    for (int r = 0; r < R; ++r)
        if (!m_observed[r])
            return nullptr;
    auto record = std::make_shared<DistributionRecord>();
    record->note = m_note;
    record->margins = lawsUseMargins(m_config.problem);
    if (solver.reducer().distributed())
        record->note += std::string(record->note.empty() ? "" : "; ")
            + "the dmft laws of r are from the paths of the first of the "
            + std::to_string(solver.reducer().ranks()) + " MPI processes";
    const std::vector<double> grid = m_config.grid();
    record->dmft.resize(m_indices.size());
    for (std::size_t j = 0; j < m_indices.size(); ++j) {
        const int n = m_indices[j];
        DmftLawSample &s = record->dmft[j];
        s.gridIndex = n;
        s.time = grid[n];
        for (int r = 0; r < R; ++r) {
            const DmftReplica &rep = solver.replica(r);
            s.Q.push_back(rep.C().block(n * k, n * k, k, k));
            s.M.push_back(rep.M().block(n * k, 0, k, ks));
            s.r.push_back(std::move(m_r[r][j])); // P × k each: not copied
            if (record->margins)
                s.y.push_back(m_y[r]);
        }
    }
    return record;
}

} // namespace dmftlab
