#include "sweep/sweepcsv.h"

#include "io/csv.h"

namespace dmftlab
{

std::string sweepCsv(const SweepPlan &plan, const std::vector<SweepPointResult> &results)
{
    std::string s = "point";
    for (const auto &axis : plan.spec.axes)
        s += "," + axis.key;
    for (const auto &scalar : plan.scalars)
        s += "," + scalar.name + "," + scalar.name + "_se";
    s += ",status,iterations,wall_seconds,message\n";
    for (std::size_t p = 0; p < results.size() && p < plan.points.size(); ++p) {
        const SweepPointResult &r = results[p];
        if (!r.done())
            continue;
        const SweepPoint &pt = plan.points[p];
        s += pt.id + "," + plan.spec.axes[0].valueText(pt.i);
        if (plan.spec.axes.size() > 1)
            s += "," + plan.spec.axes[1].valueText(pt.j);
        for (const auto &v : r.scalars)
            s += "," + io::formatNumber(v.value) + "," + io::formatNumber(v.se);
        std::string message = r.message;
        for (char &c : message)
            if (c == ',')
                c = ';';
            else if (c == '\n' || c == '\r' || c == '"')
                c = ' ';
        s += "," + toString(r.status) + "," + (r.iterations >= 0 ? std::to_string(r.iterations) : "") + ","
            + io::formatNumber(r.wallSeconds) + "," + message + "\n";
    }
    return s;
}

} // namespace dmftlab
