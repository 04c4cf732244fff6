#include "io/files.h"

#include "io/csv.h"
#include "io/resulttables.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

namespace fs = std::filesystem;

namespace dmftlab::io
{

namespace
{

std::string systemError()
{
    return std::strerror(errno);
}

} // namespace

std::string temporaryPathFor(const std::string &path)
{
    const fs::path p(path);
    const std::string name
        = "." + p.stem().string() + ".tmp-" + std::to_string(::getpid()) + p.extension().string();
    return (p.parent_path() / name).string();
}

std::string commitFile(const std::string &temporary, const std::string &path)
{
    if (std::rename(temporary.c_str(), path.c_str()) != 0) {
        const std::string err = "cannot rename " + temporary + " to " + path + ": " + systemError();
        std::remove(temporary.c_str());
        return err;
    }
    return {};
}

std::string writeFileAtomic(const std::string &path, const std::string &content)
{
    const std::string tmp = temporaryPathFor(path);
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return "cannot write " + path + ": " + systemError();
    std::size_t done = 0;
    while (done < content.size()) {
        const ssize_t w = ::write(fd, content.data() + done, content.size() - done);
        if (w < 0) {
            if (errno == EINTR)
                continue; // e.g. SIGINT while writing the partial results
            const std::string err = "cannot write " + path + ": " + systemError();
            ::close(fd);
            std::remove(tmp.c_str());
            return err;
        }
        done += static_cast<std::size_t>(w);
    }
    if (::close(fd) != 0) {
        const std::string err = "cannot write " + path + ": " + systemError();
        std::remove(tmp.c_str());
        return err;
    }
    return commitFile(tmp, path);
}

std::string readFile(const std::string &path, std::string *content)
{
    std::error_code ec;
    if (fs::is_directory(path, ec))
        return "cannot read " + path + ": it is a folder";
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return "cannot read " + path + ": " + systemError();
    std::ostringstream ss;
    ss << in.rdbuf();
    if (in.bad())
        return "cannot read " + path + ": read error";
    *content = ss.str();
    return {};
}

std::string checkOutputDirectory(const std::string &dir)
{
    if (dir.empty())
        return "the output folder name is empty";
    std::error_code ec;
    fs::path p = fs::absolute(fs::path(dir), ec);
    if (ec)
        return "cannot resolve output folder " + dir + ": " + ec.message();
    // Walk up to the nearest existing ancestor; everything below it would be created.
    fs::path existing = p;
    while (!fs::exists(existing, ec)) {
        if (ec && ec != std::errc::no_such_file_or_directory)
            return "cannot inspect " + existing.string() + ": " + ec.message();
        if (!existing.has_parent_path() || existing.parent_path() == existing)
            return "output folder " + dir + " has no existing parent";
        existing = existing.parent_path();
    }
    if (!fs::is_directory(existing, ec)) {
        if (existing == p)
            return "output folder " + dir + " exists and is not a folder";
        return "cannot create output folder " + dir + ": " + existing.string() + " is not a folder";
    }
    if (::access(existing.c_str(), W_OK | X_OK) != 0)
        return (existing == p ? "output folder " + dir + " is not writable: "
                              : "cannot create output folder " + dir + ": " + existing.string() + ": ")
            + systemError();
    return {};
}

std::string createOutputDirectory(const std::string &dir)
{
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec)
        return "cannot create output folder " + dir + ": " + ec.message();
    if (!fs::is_directory(dir, ec))
        return "output folder " + dir + " is not a folder";
    return {};
}

const std::vector<KernelFile> &kernelFiles()
{
    static const std::vector<KernelFile> list = {
        { &Curves::Ctheta, "C_theta" },
        { &Curves::Cg, "C_g" },
        { &Curves::Rtheta, "R_theta" },
        { &Curves::Cu, "C_u" },
        { &Curves::K, "K" },
    };
    return list;
}

std::string jsonText(const nlohmann::json &j)
{
    return j.dump(2) + "\n";
}

void WriteResult::write(const std::string &dir, const std::string &name, const std::string &content)
{
    if (!ok())
        return;
    error = writeFileAtomic((fs::path(dir) / name).string(), content);
    if (ok())
        files.push_back(name);
}

WriteResult writeCurvesFiles(const Curves &c, const std::string &dir)
{
    WriteResult result;
    const std::string prefix = c.engine.empty() ? std::string("curves") : c.engine;
    result.write(dir, prefix + "_curves.csv", curvesCsv(c));
    if (const std::string parts = errorPartsCsv(c); !parts.empty())
        result.write(dir, prefix + "_errors.csv", parts);
    const int rows = std::min<int>(c.validPoints, static_cast<int>(c.t.size()));
    for (const auto &table : kernelTables(c))
        result.write(dir, prefix + "_" + table.name + ".csv", matrixCsv(*table.matrix, rows));
    if (!c.residuals.empty())
        result.write(dir, prefix + "_residuals.csv", residualsCsv(c.residuals));
    return result;
}

} // namespace dmftlab::io
