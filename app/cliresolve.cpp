#include "cliresolve.h"

#include "config/resolve.h"

namespace dmftlab::cli
{

std::string resolveConfig(const RunOptions &o, RunConfig *config)
{
    ConfigSources sources; // core/config/resolve.h: the one resolution
    sources.preset = o.preset;
    sources.sets = o.sets;
    if (o.configFile) {
        json tree;
        if (auto err = readConfigFile(*o.configFile, &tree); !err.empty())
            return err;
        sources.tree = tree;
        sources.treeSource = *o.configFile;
    }
    const ConfigResult r = dmftlab::resolveConfig(sources);
    if (!r.ok())
        return r.error;
    *config = *r.config;
    return {};
}

} // namespace dmftlab::cli
