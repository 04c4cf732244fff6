// dmftlab: the interactive visualiser. Only wiring here; everything lives in ui/.
//
//   dmftlab [--preset NAME] [--open FILE] [--set key=value ...] [--run] [--distributions] [--theory]
//   [--effective-paths] [--iterate N] [--presentation [--panels I[,J]]] [--tour STEP] [--screenshot FILE.png]
//
// (Not "--session": QGuiApplication takes -session/--session FILE for X11 session
// management and removes it from the arguments before we could see it.)
//
// --screenshot with --run waits for the run to finish, saves the window and exits — for
// the docs, the tests and headless checks under xvfb-run.
#include "config/presets.h"
#include "config/resolve.h"
#include "distributionspanel.h"
#include "effectivepathspanel.h"
#include "engine/hugepages.h"
#include "helpcontent.h"
#include "helpwindow.h"
#include "iteratescrubber.h"
#include "mainwindow.h"
#include "parameterpanel.h"
#include "plotarea.h"
#include "presentationmode.h"
#include "tourbar.h"
#include "version.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QFileInfo>
#include <QPixmap>
#include <QTimer>
#include <QToolBar>

#include <cstdio>
#include <cstdlib>

namespace
{

bool displayAvailable()
{
    const QByteArray platform = qgetenv("QT_QPA_PLATFORM");
    if (!platform.isEmpty())
        return true; // the user chose (offscreen, xcb, wayland, ...)
    return !qgetenv("DISPLAY").isEmpty() || !qgetenv("WAYLAND_DISPLAY").isEmpty();
}

} // namespace

int main(int argc, char **argv)
{
    dmftlab::keepFreedPathArrays();
    const bool wantsHelp = [&] {
        for (int i = 1; i < argc; ++i)
            if (QByteArray(argv[i]) == "--help" || QByteArray(argv[i]) == "-h")
                return true;
        return false;
    }();
    if (!wantsHelp && !displayAvailable()) {
        std::fprintf(stderr,
            "dmftlab: no display found (DISPLAY and WAYLAND_DISPLAY are unset).\n"
            "  Headless: xvfb-run -a -s \"-screen 0 1600x1000x24\" dmftlab --preset committee-erf "
            "--run --screenshot shot.png\n"
            "  or:       QT_QPA_PLATFORM=offscreen dmftlab --preset NAME --run --screenshot shot.png\n"
            "  or use the command-line program: dmftlab-cli --help\n");
        return 2;
    }
    if (wantsHelp && !displayAvailable())
        qputenv("QT_QPA_PLATFORM", "offscreen");

    QApplication app(argc, argv);
    QApplication::setOrganizationName("dmftlab");
    QApplication::setApplicationName("dmftlab");
    QApplication::setApplicationVersion(dmftlab::kProgramVersion);

    QCommandLineParser parser;
    parser.setApplicationDescription(
        "DMFT Lab: multi-pass SGD and stochastic gradient flow at finite d next to their exact d -> infinity "
        "dynamical mean-field theory.\nPresets: "
        + QString::fromStdString(dmftlab::presetNames()));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption presetOpt("preset", "Load the named preset.", "NAME");
    const QCommandLineOption sessionOpt("open", "Load a saved session (or a config.json).", "FILE");
    const QCommandLineOption runOpt("run", "Start the run at once.");
    const QCommandLineOption shotOpt("screenshot",
        "Save a screenshot of the window to FILE.png and exit (after the run "
        "finishes when --run is given).",
        "FILE");
    const QCommandLineOption setOpt("set",
        "Override one config key, dotted as in dmftlab-cli (e.g. sim.dimension=200); "
        "may be repeated.",
        "key=value");
    QStringList topicIds;
    for (const dmftlab::help::Topic &t : dmftlab::help::topics())
        topicIds << t.id;
    const QCommandLineOption helpTopicOpt("help-topic",
        "Open the help window at TOPIC (" + topicIds.join(", ")
            + "); with --screenshot, the help window is saved instead of the main window.",
        "TOPIC");
    const QCommandLineOption lawsOpt("distributions",
        "Show the Distributions dock (View > Distributions): the laws of the coordinates and "
        "pre-activations, simulation vs DMFT.");
    const QCommandLineOption theoryOpt("theory",
        "Show the Theory dock (View > Theory): the DMFT equations of the model with the current "
        "parameters.");
    const QCommandLineOption pathsOpt("effective-paths",
        "Show the Effective processes dock (View > Effective processes): r- and θ-process sample "
        "paths of the DMFT over their bands.");
    const QCommandLineOption iterateOpt("iterate",
        "Show the DMFT iterate scrubber (View > DMFT iterates); with --run, show iterate N "
        "(1-based) when the run has finished.",
        "N");
    const QCommandLineOption presentOpt("presentation",
        "Start in presentation mode (View > Presentation mode, F11): full screen, large fonts, one "
        "panel at a time.");
    const QCommandLineOption panelsOpt("panels",
        "With --presentation: show panel I alone, or panels I and J side by side (1-based, in the order "
        "Page Down steps through them).",
        "I[,J]");
    const QCommandLineOption tourOpt("tour",
        "Start the guided tour of the loaded preset (View > Guided tours) at step STEP (1-based); with "
        "--run, once the run has finished.",
        "STEP");
    parser.addOptions({ presetOpt, sessionOpt, setOpt, runOpt, shotOpt, helpTopicOpt, lawsOpt, theoryOpt,
        pathsOpt, iterateOpt, presentOpt, panelsOpt, tourOpt });
    parser.process(app);

    dmftlab::MainWindow window;
    if (parser.isSet(presetOpt) && !window.loadPreset(parser.value(presetOpt))) {
        std::fprintf(stderr, "dmftlab: unknown preset '%s' (known: %s)\n",
            qPrintable(parser.value(presetOpt)), dmftlab::presetNames().c_str());
        return 2;
    }
    if (parser.isSet(sessionOpt)) {
        if (const QString err = window.loadSession(parser.value(sessionOpt)); !err.isEmpty()) {
            std::fprintf(stderr, "dmftlab: %s\n", qPrintable(err));
            return 2;
        }
    }
    if (parser.isSet(setOpt)) {
        const auto current = window.parameters()->config();
        if (!current) {
            std::fprintf(stderr, "dmftlab: %s\n", qPrintable(window.parameters()->error()));
            return 2;
        }
        // The same resolution as dmftlab-cli: the current config as the tree, --set last.
        dmftlab::ConfigSources sources;
        sources.tree = dmftlab::configToJson(*current);
        for (const QString &assignment : parser.values(setOpt))
            sources.sets.push_back(assignment.toStdString());
        const dmftlab::ConfigResult r = dmftlab::resolveConfig(sources);
        if (!r.ok()) {
            std::fprintf(stderr, "dmftlab: %s\n", r.error.c_str());
            return 2;
        }
        window.parameters()->setConfig(*r.config);
    }
    const QString shot = parser.value(shotOpt);
    if (!shot.isEmpty()) {
        // The screenshot shows the window as it opens on this screen (at most 1600×1000).
        window.resize(1600, 1000);
        window.fitToScreen();
        if (QFileInfo(shot).suffix().toLower() != "png") {
            std::fprintf(stderr, "dmftlab: --screenshot needs a .png file name\n");
            return 2;
        }
    }
    window.show();
    QWidget *shotWidget = &window;
    if (parser.isSet(helpTopicOpt)) {
        const QString topic = parser.value(helpTopicOpt);
        if (!topicIds.contains(topic)) {
            std::fprintf(stderr, "dmftlab: unknown help topic '%s' (known: %s)\n", qPrintable(topic),
                qPrintable(topicIds.join(", ")));
            return 2;
        }
        window.showHelp(topic);
        shotWidget = window.helpWindow();
    }

    int exitCode = 0;
    auto takeScreenshot = [&] {
        // Let queued replots land before grabbing.
        QTimer::singleShot(400, &window, [&] {
            const QPixmap pixmap = shotWidget->grab();
            if (!pixmap.save(shot, "PNG")) {
                std::fprintf(stderr, "dmftlab: could not write %s\n", qPrintable(shot));
                exitCode = 1;
            } else {
                std::printf("dmftlab: wrote %s (%dx%d)\n", qPrintable(shot), pixmap.width(), pixmap.height());
            }
            app.exit(exitCode);
        });
    };
    if (parser.isSet(lawsOpt))
        window.distributions()->parentWidget()->show();
    if (parser.isSet(theoryOpt))
        window.showTheory();
    if (parser.isSet(pathsOpt))
        window.effectivePaths()->parentWidget()->show();
    if (parser.isSet(presentOpt)) {
        window.presentation()->setActive(true);
        if (parser.isSet(panelsOpt)) {
            const QStringList panels = parser.value(panelsOpt).split(',');
            const int count = static_cast<int>(window.plotArea()->panels().size());
            std::vector<int> index;
            for (const QString &p : panels) {
                bool ok = false;
                const int i = p.toInt(&ok);
                if (!ok || i < 1 || i > count || panels.size() > 2) {
                    std::fprintf(
                        stderr, "dmftlab: --panels takes one or two panel numbers from 1 to %d\n", count);
                    return 2;
                }
                index.push_back(i - 1);
            }
            window.presentation()->showPanel(index[0]);
            if (index.size() == 2 && index[1] != index[0]) {
                window.presentation()->setPairing(true);
                while (window.presentation()->pair().second != index[1])
                    window.presentation()->next();
            }
        }
    }
    if (parser.isSet(tourOpt)) {
        const dmftlab::Tour *tour = dmftlab::tourFor(QString::fromStdString(
            window.parameters()->config() ? window.parameters()->config()->preset : std::string()));
        bool ok = false;
        const int step = parser.value(tourOpt).toInt(&ok);
        if (!tour || !ok || step < 1 || step > static_cast<int>(tour->steps.size())) {
            std::fprintf(
                stderr, "dmftlab: --tour needs a preset with a tour and a step from 1 to its length\n");
            return 2;
        }
        auto startTour = [&window, tour, step] {
            window.tour()->start(*tour);
            window.tour()->setStep(step - 1);
        };
        // Connected before the screenshot's handler, so the shot shows the step.
        if (parser.isSet(runOpt))
            QObject::connect(&window, &dmftlab::MainWindow::runFinished, &window, startTour);
        else
            startTour();
    }
    if (parser.isSet(iterateOpt)) {
        window.findChild<QToolBar *>("iteratesToolbar")->show();
        const int iterate = parser.value(iterateOpt).toInt();
        // Connected before the screenshot's handler, so the shot shows the chosen iterate.
        QObject::connect(&window, &dmftlab::MainWindow::runFinished, &window,
            [&window, iterate] { window.iterates()->setIndex(iterate - 1); });
    }
    if (parser.isSet(runOpt)) {
        if (!window.run()) {
            std::fprintf(stderr, "dmftlab: cannot run: %s\n", qPrintable(window.parameters()->error()));
            if (shot.isEmpty())
                return 2;
            exitCode = 2;
            takeScreenshot();
        } else if (!shot.isEmpty()) {
            QObject::connect(&window, &dmftlab::MainWindow::runFinished, &window, takeScreenshot);
        }
    } else if (!shot.isEmpty()) {
        takeScreenshot();
    }
    const int rc = app.exec();
    return exitCode != 0 ? exitCode : rc;
}
