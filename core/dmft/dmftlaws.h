// The DMFT's laws at output.distribution_times (observables/distributions.h): for every
// replica, C_θ(n,n) and M(n) of the fixed point — which fix the θ-process law
//   θ_n | θ* ~ N(M(n) ρ⁻¹ θ*, C_θ(n,n) − M(n) ρ⁻¹ M(n)ᵀ) —
// and the r-process values r_n of P fresh paths drawn from the fixed point (fresh normals,
// so that no path's own gradient sits in the C_u it was drawn with; see DmftSolver), with
// those paths' labels y(z, ε) for sign labels (the law of the margins y r_n). The fresh paths
// are those the solver draws anyway for its train loss (DmftSolver::setFreshPathObserver):
// the train loss is the mean loss over the same paths whose r the law shows.
#pragma once

#include "config/config.h"
#include "observables/distributions.h"

#include <Eigen/Dense>
#include <memory>
#include <string>
#include <vector>

namespace dmftlab
{

class DmftReplica;
class DmftSolver;

class DmftLawCollector
{
public:
    /// The grid indices to record (output.distribution_times, thinned to the memory budget).
    explicit DmftLawCollector(const RunConfig &config);
    /// Whether any time is to be recorded.
    bool wanted() const { return !m_indices.empty(); }
    /// Keeps r_n (and the labels) of replica r's fresh paths; calls for distinct r may run
    /// concurrently.
    void observe(int r, const DmftReplica &fresh);
    /// The record from the solver's replicas (C_θ, M) and the observed fresh paths; null when
    /// nothing is wanted or a replica's fresh paths were not observed (cancelled, failed).
    /// Moves the observed paths into the record (call once).
    std::shared_ptr<const DistributionRecord> finish(const DmftSolver &solver);

private:
    RunConfig m_config;
    std::vector<int> m_indices;
    std::string m_note;
    std::vector<std::vector<Eigen::MatrixXd>> m_r; // [replica][index j]: P × k
    std::vector<Eigen::VectorXd> m_y; // [replica]: labels, for margins
    std::vector<char> m_observed;
};

} // namespace dmftlab
