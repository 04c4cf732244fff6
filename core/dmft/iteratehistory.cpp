#include "dmft/iteratehistory.h"

#include <algorithm>
#include <cmath>

namespace dmftlab
{

namespace
{

std::vector<Kernel *> kernels(Curves &c)
{
    return { &c.Ctheta, &c.Cg, &c.Rtheta, &c.Cu, &c.K };
}

/// Every `stride`-th row and column, always including the last grid point.
Eigen::MatrixXd every(const Eigen::MatrixXd &m, int stride)
{
    const int n = static_cast<int>(m.rows());
    const int r = (n - 1) / stride + 1 + ((n - 1) % stride ? 1 : 0);
    auto index = [&](int i) { return std::min(i * stride, n - 1); };
    Eigen::MatrixXd out(r, r);
    for (int i = 0; i < r; ++i)
        for (int j = 0; j < r; ++j)
            out(i, j) = m(index(i), index(j));
    return out;
}

/// Back to n×n from every(): the nearest stored point.
Eigen::MatrixXd expand(const Eigen::MatrixXd &m, int n, int stride)
{
    auto index
        = [&](int i) { return std::min<int>(static_cast<int>(m.rows()) - 1, (i + stride / 2) / stride); };
    Eigen::MatrixXd out(n, n);
    for (int i = 0; i < n; ++i)
        for (int j = 0; j < n; ++j)
            out(i, j) = m(index(i), index(j));
    return out;
}

} // namespace

IterateHistory::IterateHistory(int gridPoints, int maxIterations, double budgetBytes)
    : m_gridPoints(gridPoints)
    , m_maxIterations(std::max(1, maxIterations))
    , m_budget(budgetBytes)
{
}

Curves IterateHistory::reduce(const Curves &c) const
{
    Curves r = c;
    for (Kernel *k : kernels(r))
        for (auto *v : { &k->mean, &k->se })
            for (Eigen::MatrixXd &m : *v)
                m = every(m, m_stride);
    return r;
}

bool IterateHistory::add(const Curves &snapshot)
{
    const bool pilot = snapshot.residuals.empty();
    if (static_cast<int>(snapshot.t.size()) != m_gridPoints || m_hasFinal
        || (pilot && snapshot.validPoints == 0))
        return false;
    if (pilot && (size() > m_pilotCount || m_pilotCount >= m_maxIterations))
        return false; // after the replicas' first iteration, or over the cap
    if (m_stride == 0) {
        // Bytes of one iterate's kernels at stride s scale like 1/s².
        const double full = snapshot.kernelBytes();
        const double perIterate = m_budget / (2.0 * m_maxIterations); // pilot + replicas
        m_stride = std::max(1, static_cast<int>(std::ceil(std::sqrt(full / std::max(1.0, perIterate)))));
        // The +1 of the last grid point: grow the stride until it fits.
        while (m_stride < m_gridPoints && full > 0.0) {
            const int r = (m_gridPoints - 1) / m_stride + 2;
            if (full * (static_cast<double>(r) * r) / (static_cast<double>(m_gridPoints) * m_gridPoints)
                <= perIterate)
                break;
            ++m_stride;
        }
    }
    auto entry = std::make_shared<const Curves>(reduce(snapshot));
    const double bytes = entry->kernelBytes();
    const bool sameIteration
        = !pilot && size() > m_pilotCount && m_entries.back()->residuals.size() == snapshot.residuals.size();
    if (sameIteration) {
        m_kernelBytes -= m_entryBytes.back();
        m_entries.back() = std::move(entry);
        m_entryBytes.back() = bytes;
    } else {
        if (size() - m_pilotCount >= m_maxIterations)
            return false; // more iterations than announced: the budget holds
        m_entries.push_back(std::move(entry));
        m_entryBytes.push_back(bytes);
        if (pilot)
            ++m_pilotCount;
    }
    m_kernelBytes += bytes;
    return true;
}

void IterateHistory::setFinal(std::shared_ptr<const Curves> result)
{
    if (!result)
        return;
    if (size() > m_pilotCount && m_entries.back()->residuals.size() == result->residuals.size()) {
        m_kernelBytes -= m_entryBytes.back();
        m_entries.pop_back();
        m_entryBytes.pop_back();
    }
    m_entries.push_back(std::move(result));
    m_entryBytes.push_back(0.0);
    m_hasFinal = true;
}

std::string IterateHistory::label(int i) const
{
    if (isPilot(i))
        return "pilot iteration " + std::to_string(i + 1) + " of " + std::to_string(m_pilotCount);
    const std::string k = "iteration " + std::to_string(i - m_pilotCount + 1) + " of "
        + std::to_string(size() - m_pilotCount);
    return isFinal(i) ? k + ": the result" : k;
}

std::shared_ptr<const Curves> IterateHistory::iterate(int i) const
{
    if (i < 0 || i >= size())
        return nullptr;
    if (isFinal(i) || m_stride <= 1)
        return m_entries[i];
    auto full = std::make_shared<Curves>(*m_entries[i]);
    for (Kernel *k : kernels(*full))
        for (auto *v : { &k->mean, &k->se })
            for (Eigen::MatrixXd &m : *v)
                m = expand(m, m_gridPoints, m_stride);
    return full;
}

} // namespace dmftlab
