// Guided tours (issue 12: the program in front of a lecture hall): per preset, a few steps of
// "what to look at", each a sentence written for a lecture and a place to look — a panel or
// dock (the Theory view's link targets, theorytext.h, plus "theory" and "iterates") and, for
// the time-series panels, a time to mark. The text says what the picture shows, not numbers
// that a different run would change; the few numbers quoted come from the presets' own
// descriptions (core/config/presets.cpp), which state what was measured.
#pragma once

#include <QString>

#include <vector>

namespace dmftlab
{

struct TourStep {
    QString text; ///< one or two sentences (rich text allowed: <i>, <sub>)
    QString target; ///< theoryLinkTargets() entry, "theory" or "iterates"
    double time = -1.0; ///< a time to mark in the loss or overlaps panel; < 0: none
    bool logLoss = false; ///< turns the loss panel's log axis on (a plateau shows on a log scale)
};

struct Tour {
    QString preset; ///< the preset it belongs to
    QString title;
    std::vector<TourStep> steps;
};

/// Every tour, one per preset, in the presets' order.
const std::vector<Tour> &guidedTours();
/// The tour of `preset`, or null.
const Tour *tourFor(const QString &preset);
/// Every place a step may name: theoryLinkTargets() plus "theory" and "iterates".
QStringList tourTargets();

} // namespace dmftlab
