// Shared helpers of the suites that drive the dmftlab-cli binary through QProcess as a
// user would (test_cli, test_sweep_cli, test_config_paths): run it without a display,
// describe the outcome in failure messages, read the files it wrote (PNG sizes, SVG
// texts). The binary's path is
// the DMFTLAB_CLI_PATH definition of each test target (tests/*.cmake).
#pragma once

#include "io/files.h"

#include <QProcess>
#include <QString>
#include <QStringList>

#include <filesystem>
#include <string>
#include <utility>

namespace dmftlab::test
{

struct CliRun {
    int exitCode = -1; ///< -1 when the process crashed or did not finish
    QProcess::ExitStatus exitStatus = QProcess::CrashExit;
    QString out, err;
};

/// The environment without any display: the CLI itself must pick the offscreen platform
/// (for --plots).
inline QProcessEnvironment headlessEnvironment()
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove("DISPLAY");
    env.remove("WAYLAND_DISPLAY");
    env.remove("QT_QPA_PLATFORM");
    return env;
}

/// Process timeouts are multiplied by this in AddressSanitizer builds (scripts/test.sh's
/// sanitizer stage), where the CLI runs 10-30 times slower than in Release: a timeout there
/// is the machine's speed, not the program's failure. What the tests check is unchanged.
#if defined(__SANITIZE_ADDRESS__)
inline constexpr int kTimeoutScale = 5;
#else
inline constexpr int kTimeoutScale = 1;
#endif

/// Runs `program args` (dmftlab-cli by default) headless to its end, or kills it after
/// `timeoutMs` (times kTimeoutScale).
inline CliRun runCli(
    const QStringList &args, int timeoutMs = 60000, const QString &program = QStringLiteral(DMFTLAB_CLI_PATH))
{
    QProcess p;
    p.setProcessEnvironment(headlessEnvironment());
    p.start(program, args);
    CliRun r;
    if (!p.waitForStarted(10000) || !p.waitForFinished(timeoutMs * kTimeoutScale)) {
        p.kill();
        p.waitForFinished(5000);
        r.err = "did not finish: " + p.errorString();
        return r;
    }
    r.exitStatus = p.exitStatus();
    r.exitCode = r.exitStatus == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = QString::fromUtf8(p.readAllStandardOutput());
    r.err = QString::fromUtf8(p.readAllStandardError());
    return r;
}

/// "exit N / stdout / stderr", for QVERIFY2 messages.
inline QByteArray describe(const CliRun &r)
{
    return ("exit " + QString::number(r.exitCode) + "\nstdout: " + r.out + "\nstderr: " + r.err).toUtf8();
}

/// A file's content; "<missing PATH>" when it cannot be read (so two missing files never
/// compare equal).
inline std::string readText(const std::filesystem::path &p)
{
    std::string text;
    return io::readFile(p.string(), &text).empty() ? text : std::string("<missing " + p.string() + ">");
}

/// Width and height from a PNG's IHDR chunk, or (0, 0).
inline std::pair<int, int> pngSize(const std::string &data)
{
    if (data.size() < 24 || data.compare(0, 8, "\x89PNG\r\n\x1a\n") != 0 || data.compare(12, 4, "IHDR") != 0)
        return { 0, 0 };
    auto be32 = [&data](std::size_t at) {
        return (static_cast<unsigned char>(data[at]) << 24) | (static_cast<unsigned char>(data[at + 1]) << 16)
            | (static_cast<unsigned char>(data[at + 2]) << 8) | static_cast<unsigned char>(data[at + 3]);
    };
    return { static_cast<int>(be32(16)), static_cast<int>(be32(20)) };
}

/// The text runs of an SVG written by QSvgGenerator (one <text> element each), in order.
inline QStringList svgTexts(const std::string &svg)
{
    QStringList texts;
    const QString all = QString::fromStdString(svg);
    for (int at = all.indexOf("<text"); at >= 0; at = all.indexOf("<text", at + 5)) {
        const int open = all.indexOf('>', at), close = all.indexOf("</text>", at);
        if (open < 0 || close < open)
            break;
        texts << all.mid(open + 1, close - open - 1).trimmed();
    }
    return texts;
}

} // namespace dmftlab::test
