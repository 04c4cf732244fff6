// Helpers shared by the main-window test suites (test_gui_run, test_gui_window): set a
// parameter field as a user would, and shrink a preset to a quick but complete run.
#pragma once

#include "mainwindow.h"
#include "parameterpanel.h"

#include <QComboBox>
#include <QLineEdit>
#include <QtTest>

namespace dmftlab::guitest
{

/// Types `text` into the field of `key` (or picks that item of a choice field).
inline void setField(MainWindow &w, const QString &key, const QString &text)
{
    QWidget *e = w.parameters()->editor(key);
    QVERIFY2(e, qPrintable("no editor for " + key));
    if (auto *edit = qobject_cast<QLineEdit *>(e))
        edit->setText(text);
    else if (auto *combo = qobject_cast<QComboBox *>(e))
        combo->setCurrentIndex(combo->findData(text));
}

/// A small but complete run of `preset`: d = 200, 2 seeds, N = 10; a light DMFT.
inline void makeSmall(MainWindow &w, const QString &preset)
{
    QVERIFY(w.loadPreset(preset));
    setField(w, "sim.dimension", "200");
    setField(w, "sim.seeds", "2");
    setField(w, "time.steps", "10");
    setField(w, "dmft.paths", "1000");
    setField(w, "dmft.tangent_paths", "200");
    setField(w, "dmft.replicas", "2");
    setField(w, "dmft.max_iterations", "40");
    setField(w, "dmft.tolerance", "1e-3");
    QVERIFY2(w.parameters()->isValid(), qPrintable(w.parameters()->error()));
}

} // namespace dmftlab::guitest
