// ThreadSanitizer harness for the GUI's run hand-off (issue 15): RunController
// (ui/runcontroller.cpp, as is) with a stub engine that publishes a snapshot every ms from
// three workers, the GUI thread reading them on `updated` as MainWindow::refresh does, and
// runs that finish, are stopped, or whose controller is destroyed mid-run (~RunController).
// Not built by CMake; `bash scripts/tsan.sh` runs the whole GUI run test (test_gui_run) under
// TSan (docs/testing.md). This harness compiles three files; from the repository root:
//
//   moc ui/runcontroller.h -o /tmp/moc_runcontroller.cpp
//   g++ -std=c++17 -O1 -g -fsanitize=thread -Iui -Icore -I/usr/include/eigen3 \
//       $(pkg-config --cflags Qt6Core Qt6Concurrent) tests/tsan/runcontroller_harness.cpp \
//       ui/runcontroller.cpp /tmp/moc_runcontroller.cpp core/observables/curves.cpp \
//       $(pkg-config --libs Qt6Core Qt6Concurrent) -o /tmp/harness && /tmp/harness
//
// Result (Qt 6.4.2 uninstrumented, 6 rounds x 3 engines x 150 snapshots): one report, both
// sides inside libQt6Core's QArrayData allocation in two pool threads, ordered only by Qt's
// own (uninstrumented) thread-pool mutex; none touches the project's memory.
#include "runcontroller.h"
#include <QCoreApplication>
#include <QTimer>
#include <chrono>
#include <thread>
namespace dmftlab
{
// The controller's default runner; the harness installs its own, so core is not linked.
EngineResult runEngine(
    const std::string &, const RunConfig &, const ProgressCallback &, const std::atomic<bool> *)
{
    return {};
}
} // namespace dmftlab
using namespace dmftlab;
int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    auto runner = [](const std::string &engine, const RunConfig &, const ProgressCallback &progress,
                      const std::atomic<bool> *cancel) {
        EngineResult res;
        for (int i = 0; i < 150 && !cancel->load(); ++i) {
            auto c = std::make_shared<Curves>();
            c->engine = engine;
            c->t.assign(50, 0.1 * i);
            c->trainLoss.mean.assign(50, i);
            ProgressReport r;
            r.engine = engine;
            r.fraction = i / 150.0;
            r.text = "step " + std::to_string(i);
            r.snapshot = c;
            progress(r);
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
        res.status = cancel->load() ? Status::Cancelled : Status::Completed;
        res.curves.engine = engine;
        res.curves.t.assign(50, 1.0);
        res.curves.validPoints = 50;
        return res;
    };
    double sink = 0;
    for (int round = 0; round < 6; ++round) {
        auto *rc = new RunController;
        rc->setRunner(runner);
        QObject::connect(rc, &RunController::updated, [&] {
            for (const char *e : { "sgf", "dmft", "ode" })
                if (auto c = rc->curves(e))
                    sink += c->t.empty() ? 0 : c->t.back() + c->trainLoss.mean.size();
        });
        QEventLoop loop;
        QObject::connect(rc, &RunController::finished, &loop, &QEventLoop::quit);
        rc->start(RunConfig {}, { "sgf", "dmft", "ode" });
        const int mode = round % 3; // 0: to the end, 1: stop, 2: destroy mid-run
        if (mode == 1)
            QTimer::singleShot(40, rc, [rc] { rc->stop(); });
        if (mode == 2) {
            QTimer::singleShot(40, &loop, [&] {
                delete rc;
                rc = nullptr;
                loop.quit();
            });
        }
        QTimer::singleShot(20000, &loop, &QEventLoop::quit);
        loop.exec();
        delete rc;
    }
    printf("done %g\n", sink);
    return 0;
}
