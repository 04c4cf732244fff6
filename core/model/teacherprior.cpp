#include "model/teacherprior.h"

#include <cmath>

namespace dmftlab
{

namespace
{
const std::vector<std::pair<std::string, TeacherPrior>> &priorTable()
{
    static const std::vector<std::pair<std::string, TeacherPrior>> table = {
        { "gaussian", TeacherPrior::Gaussian },
        { "rademacher", TeacherPrior::Rademacher },
        { "sparse", TeacherPrior::Sparse },
    };
    return table;
}
} // namespace

std::string toString(TeacherPrior p)
{
    for (const auto &[name, value] : priorTable())
        if (value == p)
            return name;
    return "?";
}

std::optional<TeacherPrior> teacherPriorFromString(const std::string &s)
{
    for (const auto &[name, value] : priorTable())
        if (name == s)
            return value;
    return std::nullopt;
}

std::string teacherPriorNames()
{
    std::string s;
    for (const auto &entry : priorTable())
        s += (s.empty() ? "" : "|") + entry.first;
    return s;
}

std::string validate(const TeacherPriorSpec &spec)
{
    if (!std::isfinite(spec.sparsity) || spec.sparsity <= 0.0 || spec.sparsity > 1.0)
        return "teacher.sparsity must be in (0, 1]";
    return {};
}

std::vector<PriorAtom> priorAtoms(const TeacherPriorSpec &spec)
{
    switch (spec.prior) {
    case TeacherPrior::Gaussian:
        return {};
    case TeacherPrior::Rademacher:
        return { { -1.0, 0.5 }, { 1.0, 0.5 } };
    case TeacherPrior::Sparse: {
        const double s = spec.sparsity, v = 1.0 / std::sqrt(s);
        if (s >= 1.0)
            return { { -v, 0.5 }, { v, 0.5 } };
        return { { -v, 0.5 * s }, { 0.0, 1.0 - s }, { v, 0.5 * s } };
    }
    }
    return {};
}

double drawPrior(const TeacherPriorSpec &spec, double u, double g)
{
    switch (spec.prior) {
    case TeacherPrior::Gaussian:
        return g;
    case TeacherPrior::Rademacher:
        return u < 0.5 ? -1.0 : 1.0;
    case TeacherPrior::Sparse: {
        const double s = spec.sparsity;
        if (u >= s)
            return 0.0;
        return (u < 0.5 * s ? -1.0 : 1.0) / std::sqrt(s);
    }
    }
    return g;
}

} // namespace dmftlab
