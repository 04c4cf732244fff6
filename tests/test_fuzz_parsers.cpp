// Fuzzing of the parsers that read user files: the config (a --config file, presets and
// --set assignments, as dmftlab-cli resolves them) and the curves of a session file
// (io::curvesFromJson). A deterministic generator (fixed seed, so a failure names the
// iteration that reproduces it) mutates valid trees and their text; every input must give
// either a value that passes its own invariants or a one-line error, never a crash, an
// exception or an allocation out of proportion to the input. Bounded by an iteration count
// and a wall-time cap (DMFTLAB_FUZZ_SECONDS, default 8 s; the count is reported). The crash
// corpus of issue 15 is replayed first as regression rows.
//
// scripts/test.sh also runs it under ASan+UBSan (build-asan, label "sanitize"; by default in CI).
#include "config/config.h"
#include "config/presets.h"
#include "config/resolve.h"
#include "io/curvesjson.h"
#include "io/jsonparse.h"
#include "model/problem.h"

#include <QtTest>

#include <chrono>
#include <cstdlib>
#include <functional>
#include <random>

using namespace dmftlab;
using nlohmann::json;

namespace
{

/// The program's one config resolution (core/config/resolve.h), as dmftlab-cli, the GUI
/// and sessions call it.
ConfigResult resolve(const std::optional<std::string> &preset, const std::optional<json> &tree,
    const std::vector<std::string> &sets)
{
    ConfigSources sources;
    sources.preset = preset;
    sources.tree = tree;
    sources.treeSource = tree ? "fuzz.json" : "";
    sources.sets = sets;
    return resolveConfig(sources);
}

/// A small but complete Curves: k = 2, k* = 1, 4 points, two kernels (one without SE).
Curves sampleCurves()
{
    Curves c;
    c.allocate(2, 1, { 0.0, 0.5, 1.0, 1.5 });
    c.engine = "dmft";
    c.validPoints = 4;
    for (std::size_t n = 0; n < 4; ++n) {
        c.trainLoss.mean[n] = 1.0 / (1.0 + n);
        c.trainLoss.se[n] = 0.01;
        for (auto &q : c.Q)
            q.mean[n] = 0.1 * n;
    }
    for (Kernel *kernel : { &c.Ctheta, &c.K }) {
        kernel->rowsPerBlock = kernel->colsPerBlock = 2;
        kernel->mean.assign(4, Eigen::MatrixXd::Constant(4, 4, 0.25));
    }
    c.Ctheta.se.assign(4, Eigen::MatrixXd::Constant(4, 4, 0.01));
    c.residuals = { 0.5, 0.1 };
    c.iterations = 2;
    return c;
}

/// Values that have broken parsers before: int-range edges, huge and tiny doubles, wrong
/// types, empty and odd strings, containers.
const std::vector<json> &nastyValues()
{
    static const std::vector<json> values = { json(nullptr), json(true), json(false), json(0), json(1),
        json(-1), json(2), json(3), json(16), json(17), json(5000), json(5001), json(20000), json(46341),
        json(65537), json(2147483647), json(2147483648LL), json(-2147483648LL), json(-2147483649LL),
        json(4294967297LL), json(9223372036854775807LL), json(18446744073709551615ULL), json(0.5), json(-0.0),
        json(1e-320), json(1e308), json(-1e308), json(std::numeric_limits<double>::max()), json(""),
        json("x"), json("nan"), json("inf"), json("1"), json("a\nb"), json("relu"), json("sgf"),
        json(std::string(300, 'z')), json::array(), json::object(), json::array({ 1, 2 }),
        json::array({ json::array({ 1.0 }) }),
        json::object({ { "mean", json::array() }, { "se", json::array() } }) };
    return values;
}

/// Text of --set values: valid JSON, broken JSON, odd strings.
const std::vector<std::string> &nastyTexts()
{
    static const std::vector<std::string> texts
        = { "", "=", "[", "]", "{", "[[[[1]]]]", "{\"a\":", "1e999", "-1e999", "nan", "NaN", "Infinity",
              "0x10", "007", "1.", ".5", "4294967297", "2147483648", "-2147483649", "null", "true", "\"\"",
              "\"quoted\"", "[1,2,3]", "{\"x\":1}", "a\nb", "\t", "\xff\xfe", "1 2", "\"unterminated" };
    return texts;
}

/// Every path (list of keys / indices) to a node of `j`, parents first.
void collectPaths(const json &j, json::json_pointer at, std::vector<json::json_pointer> *out)
{
    out->push_back(at);
    if (j.is_object())
        for (auto it = j.begin(); it != j.end(); ++it)
            collectPaths(it.value(), at / it.key(), out);
    else if (j.is_array())
        for (std::size_t i = 0; i < j.size(); ++i)
            collectPaths(j[i], at / i, out);
}

/// The dotted keys of a config tree's leaves (what --set takes).
void collectKeys(const json &j, const std::string &prefix, std::vector<std::string> *out)
{
    if (!j.is_object()) {
        out->push_back(prefix);
        return;
    }
    for (auto it = j.begin(); it != j.end(); ++it)
        collectKeys(it.value(), prefix.empty() ? it.key() : prefix + "." + it.key(), out);
}

class Mutator
{
public:
    explicit Mutator(std::uint64_t seed)
        : m_rng(seed)
    {
    }

    std::size_t below(std::size_t n)
    {
        return n == 0 ? 0 : std::uniform_int_distribution<std::size_t>(0, n - 1)(m_rng);
    }
    bool chance(double p) { return std::uniform_real_distribution<double>(0.0, 1.0)(m_rng) < p; }

    /// One structural mutation of a random node of j.
    void mutateTree(json &j)
    {
        std::vector<json::json_pointer> paths;
        collectPaths(j, json::json_pointer(), &paths);
        const json::json_pointer at = paths[below(paths.size())];
        json &node = j[at];
        switch (below(9)) {
        case 0: // replace by a nasty value
            node = nastyValues()[below(nastyValues().size())];
            break;
        case 1: // replace by a copy of another node (sizes that disagree with each other)
            node = json(j[paths[below(paths.size())]]);
            break;
        case 2: // drop a key or element
            if (node.is_object() && !node.empty()) {
                auto it = node.begin();
                std::advance(it, static_cast<long>(below(node.size())));
                node.erase(it);
            } else if (node.is_array() && !node.empty()) {
                node.erase(node.begin() + static_cast<long>(below(node.size())));
            }
            break;
        case 3: // add an unknown key or an extra element
            if (node.is_object())
                node["fuzz" + std::to_string(below(4))] = nastyValues()[below(nastyValues().size())];
            else if (node.is_array())
                node.push_back(node.empty() ? json(1.0) : json(node[below(node.size())]));
            break;
        case 4: // shallow nesting (deep nesting is the regression rows' job)
            for (std::size_t d = below(40); d > 0; --d)
                node = chance(0.5) ? json::array({ node }) : json::object({ { "n", node } });
            break;
        case 5: // numbers: scale, negate, make non-integral
            if (node.is_number_integer()) {
                const long long v = node.is_number_unsigned() ? 0 : node.get<long long>();
                const bool small = v > -(1LL << 40) && v < (1LL << 40); // no overflow in the test itself
                node = !small ? json(0) : chance(0.5) ? json(v * 65537LL) : json(-v);
            } else if (node.is_number_float())
                node = chance(0.5) ? json(node.get<double>() * 1e300)
                                   : json(std::nextafter(node.get<double>(), 1e9));
            else
                node = json(0.5);
            break;
        case 6: // duplicate an array's content (sizes doubled)
            if (node.is_array()) {
                const json copy = node;
                for (const auto &e : copy)
                    node.push_back(e);
            }
            break;
        case 7: // turn a container into a scalar of its size
            node = json(node.is_structured() ? node.size() : 0);
            break;
        default: // types swapped: number <-> string
            node = node.is_string() ? json(1) : json(node.dump());
            break;
        }
    }

    /// Byte-level mutation of a JSON text.
    std::string mutateText(std::string text)
    {
        const int edits = 1 + static_cast<int>(below(4));
        static const char kBytes[] = "{}[]\",:0123456789-+.eE \n\\tnul";
        for (int e = 0; e < edits && !text.empty(); ++e) {
            const std::size_t i = below(text.size());
            switch (below(4)) {
            case 0:
                text[i] = kBytes[below(sizeof(kBytes) - 1)];
                break;
            case 1:
                text.insert(i, 1, kBytes[below(sizeof(kBytes) - 1)]);
                break;
            case 2:
                text.erase(i, 1 + below(8));
                break;
            default:
                text.resize(i);
                break;
            }
        }
        return text;
    }

    std::string setting(const std::vector<std::string> &keys)
    {
        std::string key = keys[below(keys.size())];
        if (chance(0.1))
            key += ".sub";
        if (chance(0.05))
            key = chance(0.5) ? "" : key + ".";
        std::string value;
        if (chance(0.5))
            value = nastyTexts()[below(nastyTexts().size())];
        else
            value = nastyValues()[below(nastyValues().size())].dump();
        return chance(0.03) ? key : key + "=" + value;
    }

private:
    std::mt19937_64 m_rng;
};

/// A message for a human: one line, not empty.
QByteArray checkMessage(const std::string &err)
{
    if (err.empty())
        return "empty error message";
    if (err.find('\n') != std::string::npos)
        return QByteArray("multi-line error message: ") + err.c_str();
    return {};
}

/// What any Curves the reader accepts must satisfy before a figure or writer touches it.
QByteArray checkCurves(const Curves &c)
{
    const auto n = static_cast<std::size_t>(c.validPoints);
    if (c.k < 1 || c.k > kMaxWidth || c.kStar < 1 || c.kStar > kMaxWidth)
        return "k or k_star out of range";
    if (c.t.size() != n || c.Q.size() != std::size_t(c.k) * c.k || c.M.size() != std::size_t(c.k) * c.kStar)
        return "sizes disagree";
    for (const Estimate *e : { &c.trainLoss, &c.testLoss, &c.testError })
        if (e->mean.size() != n || e->se.size() != n)
            return "an estimate has the wrong length";
    for (const Kernel *k : { &c.Ctheta, &c.Cg, &c.Rtheta, &c.Cu, &c.K }) {
        if (k->empty())
            continue;
        if (k->rowsPerBlock != c.k || k->colsPerBlock != c.k || k->mean.size() != std::size_t(c.k) * c.k
            || (!k->se.empty() && k->se.size() != k->mean.size()))
            return "kernel blocks disagree with k";
        for (const auto &list : { k->mean, k->se })
            for (const auto &m : list)
                if (m.rows() != static_cast<Eigen::Index>(n) || m.cols() != static_cast<Eigen::Index>(n))
                    return "kernel block is not valid_points square";
        if (k->trace().rows() != static_cast<Eigen::Index>(n))
            return "trace has the wrong size";
    }
    return {};
}

double fuzzSeconds()
{
    const char *s = std::getenv("DMFTLAB_FUZZ_SECONDS");
    return s ? std::atof(s) : 8.0;
}

/// Every run mutates at least this many inputs per parser, whatever the time budget: under
/// ASan + UBSan on a loaded 2-core machine 4 s bought only 47 (a wall-clock bound must not
/// decide whether the test passes); the budget only adds inputs beyond it.
constexpr int kMinimumInputs = 100;

/// True once `done` inputs have been tried and the wall-time budget is spent.
bool fuzzBudgetSpent(int done, std::chrono::steady_clock::time_point start, double budgetSeconds)
{
    return done >= kMinimumInputs
        && std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() > budgetSeconds;
}

} // namespace

class TestFuzzParsers : public QObject
{
    Q_OBJECT

private slots:
    void curvesRegression_data();
    void curvesRegression();
    void configRegression_data();
    void configRegression();
    void fuzzCurves();
    void fuzzConfig();
};

void TestFuzzParsers::curvesRegression_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QByteArray>("field"); // the error must name it
    const json good = io::curvesToJson(sampleCurves());
    auto row = [&](const char *name, const std::function<void(json &)> &edit, const char *field) {
        json j = good;
        edit(j);
        QTest::newRow(name) << QByteArray::fromStdString(j.dump()) << QByteArray(field);
    };
    // Issue 15, hand-made sessions: k = 20000 (bad_alloc), k = 46341 (k² overflows int:
    // length_error), kernels of 65 537 × 65 537 blocks (block count overflowed to 131 073;
    // SIGSEGV, ASan heap overflow in Kernel::trace through the figures).
    row(
        "k-20000", [](json &j) { j["k"] = 20000; }, "k");
    row(
        "k-46341", [](json &j) { j["k"] = 46341; }, "k");
    row(
        "k-beyond-int", [](json &j) { j["k"] = 4294967298LL; }, "k"); // would wrap to 2
    row(
        "k_star-huge", [](json &j) { j["k_star"] = 2147483647; }, "k_star");
    row(
        "valid_points-beyond-int", [](json &j) { j["valid_points"] = 4294967300LL; }, "valid_points");
    row(
        "valid_points-more-than-t", [](json &j) { j["valid_points"] = 1000000; }, "t");
    row(
        "kernel-65537-blocks",
        [](json &j) {
            json &K = j["kernels"]["C_theta"];
            K["rows_per_block"] = K["cols_per_block"] = 65537;
        },
        "kernels.C_theta.rows_per_block");
    row(
        "kernel-blocks-not-k", [](json &j) { j["kernels"]["K"]["cols_per_block"] = 1; },
        "kernels.K.cols_per_block");
    row(
        "kernel-131073-empty-blocks",
        [](json &j) {
            // What the int overflow accepted: 65537² ≡ 131073 blocks of zero points.
            j["valid_points"] = 0;
            for (const char *key : { "t" })
                j[key] = json::array();
            for (const char *key : { "train_loss", "test_loss", "test_error" })
                j[key] = { { "mean", json::array() }, { "se", json::array() } };
            for (auto &e : j["Q"])
                e = { { "mean", json::array() }, { "se", json::array() } };
            for (auto &e : j["M"])
                e = { { "mean", json::array() }, { "se", json::array() } };
            j["kernels"] = { { "C_theta",
                { { "rows_per_block", 65537 }, { "cols_per_block", 65537 },
                    { "mean", json(std::vector<json>(131073, json::array())) }, { "se", json::array() } } } };
        },
        "kernels.C_theta.rows_per_block");
    row(
        "kernel-rows-without-columns",
        [](json &j) {
            // valid_points rows of [] must not reserve valid_points² doubles first.
            j["kernels"]["C_theta"]["mean"][0] = json(std::vector<json>(4, json::array()));
        },
        "kernels.C_theta.mean[0][0]");
    row(
        "kernel-mean-missing-blocks", [](json &j) { j["kernels"]["K"]["mean"] = json::array(); },
        "kernels.K.mean");
    row(
        "Q-short", [](json &j) { j["Q"].erase(0); }, "Q");
    row(
        "iterations-beyond-int", [](json &j) { j["iterations"] = 4294967297LL; }, "iterations");
}

void TestFuzzParsers::curvesRegression()
{
    QFETCH(QByteArray, text);
    QFETCH(QByteArray, field);
    Curves c;
    const std::string err = io::curvesFromJson(json::parse(text.toStdString()), &c);
    QVERIFY2(!err.empty(), "accepted");
    QVERIFY2(err.rfind(field.toStdString(), 0) == 0, err.c_str());
    const QByteArray msg = checkMessage(err);
    QVERIFY2(msg.isEmpty(), msg.constData());
}

void TestFuzzParsers::configRegression_data()
{
    QTest::addColumn<QByteArray>("file"); // a --config file's text, or empty for none
    QTest::addColumn<QByteArrayList>("sets"); // raw bytes: invalid UTF-8 must get through
    QTest::addColumn<QByteArray>("key"); // the message must name it
    const QByteArray none;
    // Issue 15: deep nesting overflowed the stack (SIGSEGV in the CLI and the GUI).
    const QByteArray deepArrays
        = "{\"init\": {\"m0\": " + QByteArray(60000, '[') + QByteArray(60000, ']') + "}}";
    QByteArray deepObjects = "{\"model\": ";
    for (int i = 0; i < 100000; ++i)
        deepObjects += "{\"a\": ";
    deepObjects += "1" + QByteArray(100000, '}') + "}";
    QTest::newRow("60000 arrays under init.m0")
        << deepArrays << QByteArrayList {} << QByteArray("nested deeper");
    QTest::newRow("100000 objects") << deepObjects << QByteArrayList {} << QByteArray("nested deeper");
    QTest::newRow("--set with 64000 brackets")
        << none << QByteArrayList { "model.width=" + QByteArray(64000, '[') } << QByteArray("model.width");
    // Integers beyond the int range wrapped: N = 1, d = 2.
    QTest::newRow("steps wrap") << none << QByteArrayList { "time.steps=4294967297" }
                                << QByteArray("time.steps");
    QTest::newRow("dimension wrap") << none << QByteArrayList { "sim.dimension=4294967298" }
                                    << QByteArray("sim.dimension");
    QTest::newRow("file steps wrap") << QByteArray(R"({"time": {"steps": 4294967297}})") << QByteArrayList {}
                                     << QByteArray("time.steps");
    QTest::newRow("width huge") << none << QByteArrayList { "model.width=65537" }
                                << QByteArray("model.width");
    QTest::newRow("wrong type") << QByteArray(R"({"data": 5})") << QByteArrayList {} << QByteArray("data");
    QTest::newRow("number overflow") << QByteArray(R"({"data": {"alpha": 1e400}})") << QByteArrayList {}
                                     << QByteArray("fuzz.json");
    // Found by this fuzzer: invalid UTF-8 in a --set value made the error message's dump()
    // throw (the CLI aborted), and a newline made a multi-line message.
    QTest::newRow("invalid UTF-8") << none << QByteArrayList { "time.steps=\xff\xfe" }
                                   << QByteArray("time.steps");
    QTest::newRow("newline") << none << QByteArrayList { "model.activation=a\nb" }
                             << QByteArray("model.activation");
}

void TestFuzzParsers::configRegression()
{
    QFETCH(QByteArray, file);
    QFETCH(QByteArrayList, sets);
    QFETCH(QByteArray, key);
    std::vector<std::string> s;
    for (const QByteArray &x : sets)
        s.push_back(x.toStdString());
    std::optional<json> tree;
    std::string err;
    if (!file.isEmpty()) {
        json parsed;
        err = io::parseJson(file.toStdString(), &parsed, "fuzz.json");
        if (err.empty())
            tree = parsed;
    }
    if (err.empty()) {
        const ConfigResult r = resolve(std::nullopt, tree, s);
        QVERIFY2(!r.ok(), "accepted");
        err = r.error;
    }
    QVERIFY2(err.find(key.toStdString()) != std::string::npos, err.c_str());
    const QByteArray msg = checkMessage(err);
    QVERIFY2(msg.isEmpty(), msg.constData());
}

void TestFuzzParsers::fuzzCurves()
{
    const json good = io::curvesToJson(sampleCurves());
    const std::string goodText = good.dump();
    Mutator mut(0x5eed0001);
    const auto start = std::chrono::steady_clock::now();
    const double budget = fuzzSeconds() / 2;
    int done = 0, accepted = 0;
    for (int it = 0; it < 20000; ++it, ++done) {
        if (fuzzBudgetSpent(done, start, budget))
            break;
        json j;
        if (mut.chance(0.2)) {
            j = json::parse(mut.mutateText(goodText), nullptr, false);
            if (j.is_discarded())
                continue;
        } else {
            j = good;
            for (std::size_t m = 1 + mut.below(3); m > 0; --m)
                mut.mutateTree(j);
        }
        Curves c;
        const std::string err = io::curvesFromJson(j, &c);
        const QByteArray where = "iteration " + QByteArray::number(it) + ": ";
        if (!err.empty()) {
            const QByteArray msg = checkMessage(err);
            QVERIFY2(msg.isEmpty(), (where + msg).constData());
            continue;
        }
        ++accepted;
        const QByteArray bad = checkCurves(c);
        QVERIFY2(bad.isEmpty(), (where + bad + " in " + QByteArray::fromStdString(j.dump())).constData());
        // What was accepted writes back and reads again the same.
        Curves back;
        const std::string again = io::curvesFromJson(json::parse(io::curvesToJson(c).dump()), &back);
        QVERIFY2(again.empty(), (where + again.c_str()).constData());
        QCOMPARE(io::curvesToJson(back).dump(), io::curvesToJson(c).dump());
    }
    qInfo("fuzzCurves: %d inputs (%d accepted)", done, accepted);
    QVERIFY(done >= kMinimumInputs);
}

void TestFuzzParsers::fuzzConfig()
{
    std::vector<std::string> keys;
    collectKeys(configToJson(RunConfig {}), "", &keys);
    Mutator mut(0x5eed0002);
    const auto start = std::chrono::steady_clock::now();
    const double budget = fuzzSeconds() / 2;
    int done = 0, accepted = 0;
    for (int it = 0; it < 20000; ++it, ++done) {
        if (fuzzBudgetSpent(done, start, budget))
            break;
        std::optional<std::string> preset;
        if (mut.chance(0.5))
            preset = mut.chance(0.05) ? std::string(mut.chance(0.5) ? "" : "no-such-preset")
                                      : presets()[mut.below(presets().size())].name;
        std::optional<json> file;
        if (mut.chance(0.6)) {
            json tree = configToJson(presetConfig(presets()[mut.below(presets().size())].name));
            if (mut.chance(0.3)) {
                // Through the program's own reader, as a --config file would go.
                if (!io::parseJson(mut.mutateText(tree.dump()), &tree, "fuzz.json").empty())
                    continue;
            } else {
                for (std::size_t m = 1 + mut.below(3); m > 0; --m)
                    mut.mutateTree(tree);
            }
            file = tree;
        }
        std::vector<std::string> sets;
        for (std::size_t m = mut.below(4); m > 0; --m)
            sets.push_back(mut.setting(keys));
        const ConfigResult r = resolve(preset, file, sets);
        const QByteArray where = "iteration " + QByteArray::number(it) + ": ";
        if (!r.ok()) {
            const QByteArray msg = checkMessage(r.error);
            QVERIFY2(msg.isEmpty(), (where + msg).constData());
            continue;
        }
        ++accepted;
        // An accepted config validates and survives its own config.json unchanged.
        const std::string invalid = validate(*r.config);
        QVERIFY2(invalid.empty(), (where + invalid.c_str()).constData());
        const json written = configToJson(*r.config);
        const ConfigResult again = configFromJson(json::parse(written.dump()), RunConfig {});
        QVERIFY2(again.ok(), (where + again.error.c_str()).constData());
        QCOMPARE(configToJson(*again.config).dump(), written.dump());
    }
    qInfo("fuzzConfig: %d inputs (%d accepted)", done, accepted);
    QVERIFY(done >= kMinimumInputs);
}

QTEST_GUILESS_MAIN(TestFuzzParsers)
#include "test_fuzz_parsers.moc"
