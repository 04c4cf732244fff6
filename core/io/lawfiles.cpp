#include "io/lawfiles.h"

#include "io/csv.h"


namespace dmftlab::io
{

std::string lawCsv(const EngineLaws &laws, bool theta)
{
    std::string s = "t,unit,bin_lo,bin_hi,density,density_se\n";
    for (const auto &e : laws.entries) {
        const LawHistogram &h = theta ? e.theta : e.r;
        for (Eigen::Index b = 0; b < h.density.size(); ++b) {
            s += formatNumber(e.time) + "," + std::to_string(e.unit + 1) + "," + formatNumber(h.edges[b]) + ","
                + formatNumber(h.edges[b + 1]) + "," + formatNumber(h.density[b]) + "," + formatNumber(h.se[b])
                + "\n";
        }
    }
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
