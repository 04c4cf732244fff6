#include "io/lawfiles.h"

#include "io/csv.h"

namespace dmftlab::io
{

std::string lawCsv(const EngineLaws &laws, bool theta)
{
    // The r file names its variable in every row, so that a figure made from it says what it shows.
    const std::string variable = theta ? "" : (laws.margins ? "y_r," : "r,");
    std::string s = (theta ? "" : "variable,") + std::string("t,unit,bin_lo,bin_hi,density,density_se\n");
    for (const auto &e : laws.entries) {
        const LawHistogram &h = theta ? e.theta : e.r;
        for (Eigen::Index b = 0; b < h.density.size(); ++b) {
            s += variable + formatNumber(e.time) + "," + std::to_string(e.unit + 1) + ","
                + formatNumber(h.edges[b]) + "," + formatNumber(h.edges[b + 1]) + ","
                + formatNumber(h.density[b]) + "," + formatNumber(h.se[b]) + "\n";
        }
    }
    return s;
}

std::string effectivePathsCsv(const EffectivePaths &paths)
{
    std::string s = "process,unit,path,t,value\n";
    auto rows = [&](const char *process, int unit, const std::string &path, const auto &values) {
        for (std::size_t i = 0; i < paths.t.size(); ++i)
            s += std::string(process) + "," + std::to_string(unit + 1) + "," + path + ","
                + formatNumber(paths.t[i]) + "," + formatNumber(values[static_cast<Eigen::Index>(i)]) + "\n";
    };
    for (int a = 0; a < paths.k; ++a) {
        rows("r", a, "mean", paths.rMean[a]);
        rows("r", a, "sd", paths.rSd[a]);
        for (Eigen::Index p = 0; p < paths.rPaths[a].rows(); ++p)
            rows("r", a, std::to_string(p + 1), paths.rPaths[a].row(p));
        rows("theta", a, "mean", paths.thetaMean[a]);
        rows("theta", a, "sd", paths.thetaSd[a]);
        for (Eigen::Index p = 0; p < paths.thetaPaths[a].rows(); ++p)
            rows("theta", a, std::to_string(p + 1), paths.thetaPaths[a].row(p));
    }
    for (Eigen::Index p = 0; p < paths.thetaStar.rows(); ++p)
        for (int m = 0; m < paths.kStar; ++m)
            s += "theta_star," + std::to_string(m + 1) + "," + std::to_string(p + 1) + ",,"
                + formatNumber(paths.thetaStar(p, m)) + "\n";
    return s;
}

WriteResult writeLawFiles(const EngineLaws &laws, const std::string &engine, const std::string &dir)
{
    WriteResult result;
    result.write(dir, engine + "_theta_law.csv", lawCsv(laws, true));
    bool hasR = false;
    for (const auto &e : laws.entries)
        hasR = hasR || e.r.density.size() > 0;
    if (hasR)
        result.write(dir, engine + "_r_law.csv", lawCsv(laws, false));
    return result;
}

} // namespace dmftlab::io
