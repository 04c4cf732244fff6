#include "tours.h"

#include "theorytext.h"

namespace dmftlab
{

namespace
{

// Steps shared by every tour: the fixed point forming, and the theorem behind the curves.
TourStep theoryStep(const QString &model)
{
    return { "The equations behind every curve: the DMFT of " + model
            + " — one r-process (a training sample) and one θ-process (a coordinate), closed by "
              "C<sub>θ</sub>, "
              "M, R<sub>θ</sub>, C<sub>u</sub>, K and μ. Each symbol links to the panel that plots it.",
        "theory" };
}

TourStep convergenceStep()
{
    return { "The DMFT is a fixed point, solved by iteration: the residual per iteration (log axis) falls to "
             "the dashed tolerance line. Causality helps — early times settle first.",
        "dmft_convergence" };
}

TourStep iteratesStep()
{
    return {
        "Watch the fixed point form: ▶ plays the iterates from the pilot solve's first guess. Unconverged "
        "iterates are drawn faded and dotted and labelled with their iteration; the last one is the result.",
        "iterates"
    };
}

TourStep lawsStep(const QString &extra)
{
    return { "The theorem is about distributions, not only curves: the histogram of the d coordinates "
             "θ<sub>i</sub>(t) "
             "and of the n pre-activations r<sub>μ</sub>(t) against the laws of the θ- and r-process, and "
             "the joint "
             "picture (θ*<sub>i</sub>, θ<sub>i</sub>(t)) against E[θ | θ*] = M θ* ± 1, 2 sd. "
            + extra,
        "distributions" };
}

} // namespace

const std::vector<Tour> &guidedTours()
{
    static const std::vector<Tour> tours = {
        { "linear-regression", "Linear regression: the cleanest picture",
            {
                theoryStep("linear regression"),
                { "Train loss and test loss against time: the DMFT line (d = ∞) runs through the SGF markers "
                  "(d = 1000, 8 seeds) along the whole curve, not only at the end.",
                    "loss" },
                { "Late in training the train loss falls below the noise floor σ²/2 = 0.125 while the test "
                  "loss "
                  "levels off: the student fits the label noise of its n = 2d samples — over-fitting, "
                  "predicted.",
                    "loss", 8.0 },
                { "The order parameters M(t) = θᵀθ*/d and Q(t) = |θ|²/d. Whatever Q gains once M has settled "
                  "is "
                  "the part of θ orthogonal to the teacher: fitted noise.",
                    "overlaps", 8.0 },
                { "C<sub>θ</sub>(t, s), the correlation of the weights at two times: DMFT and simulation on "
                  "one "
                  "colour scale, and their difference — which should look like noise.",
                    "kernel_C_theta" },
                { "R<sub>θ</sub>(t, s), the response of θ at t to a kick at s: the memory of the dynamics. "
                  "With "
                  "everything Gaussian, the memory kernel behind it is deterministic.",
                    "dmft_kernels/R" },
                convergenceStep(),
                iteratesStep(),
                lawsStep(
                    "Everything is Gaussian here; set teacher.prior = rademacher and the coordinates' law "
                    "becomes two bumps, with every curve unchanged."),
            } },
        { "logistic-regression", "Logistic regression: a classifier learns a direction",
            {
                theoryStep("logistic regression"),
                { "Test error (the misclassification probability, from Q and M alone) falls as the student "
                  "turns "
                  "towards the teacher; DMFT and simulation agree along the way.",
                    "loss" },
                { "M(t) grows: the overlap with the teacher. The gap between SGD and the SGF/DMFT curves is "
                  "the "
                  "time step of the latter, not a failure of the theory (see the preset's text).",
                    "overlaps", 4.0 },
                { "The memory kernel K(t, s) = E[H J]: how much the loss curvature at t remembers of s. It "
                  "is what "
                  "makes multi-pass SGD different from online SGD.",
                    "dmft_kernels/K" },
                lawsStep("The pre-activations r<sub>μ</sub>(t) of the training samples are not Gaussian: the "
                         "logistic loss pushes the margins apart, and the r-process reproduces the shape."),
                { "What one effective particle is: sample paths of the r-process (one training sample) and "
                  "of the "
                  "θ-process (one coordinate, coloured by its teacher entry) over their mean ± sd.",
                    "effective_paths" },
                convergenceStep(),
                iteratesStep(),
            } },
        { "phase-retrieval", "Phase retrieval: a slow start, then recovery",
            {
                theoryStep("phase retrieval"),
                { "The test loss barely moves at first: the student starts almost orthogonal to the signal "
                  "(m0 = 0.1) and must escape the symmetric point — here around t = 3–5.",
                    "loss", 4.0 },
                { "M(t) climbs towards 1 once the escape happens: the signal is recovered from the squares "
                  "of its "
                  "projections. At α = 3 instead of 5 it stalls and over-fits.",
                    "overlaps", 4.0 },
                { "This fixed point is hard: the quartic loss gives heavy-tailed path averages and the "
                  "residual "
                  "spikes before it settles — about a hundred iterations.",
                    "dmft_convergence" },
                iteratesStep(),
                { "C<sub>θ</sub>(t, s): how fast the weights leave their past; the difference map says "
                  "whether "
                  "DMFT and simulation agree through the escape.",
                    "kernel_C_theta" },
                lawsStep("The pre-activations are far from Gaussian for the quadratic model."),
            } },
        { "committee-erf", "Committee machine: plateau and specialisation",
            {
                theoryStep("a two-layer erf committee machine"),
                { "The test loss drops, then crawls along a plateau at about 0.016 (t ≈ 6–20): both hidden "
                  "units learn what the two teacher units share. The loss axis is now logarithmic (the "
                  "panel's options), which shows the plateau and the escape best.",
                    "loss", 12.0, true },
                { "On the plateau every overlap M<sub>ab</sub> sits between 0.25 and 0.65: each student unit "
                  "points "
                  "at a mix of the two teacher units.",
                    "overlaps", 12.0 },
                { "Then the units specialise: M<sub>11</sub> and M<sub>22</sub> climb while M<sub>12</sub> "
                  "and "
                  "M<sub>21</sub> fall, and the test loss leaves the plateau.",
                    "overlaps", 50.0 },
                { "The kernels of a k = 2 network are 2×2 blocks; the panels show their trace over the "
                  "units: "
                  "C<sub>θ</sub> of DMFT and simulation on one colour scale.",
                    "kernel_C_theta" },
                convergenceStep(),
                iteratesStep(),
                lawsStep(
                    "Pick unit 2 or teacher unit 2 above the plots: each student unit's coordinates follow "
                    "their own teacher unit once specialised."),
            } },
    };
    return tours;
}

const Tour *tourFor(const QString &preset)
{
    for (const Tour &t : guidedTours())
        if (t.preset == preset)
            return &t;
    return nullptr;
}

QStringList tourTargets()
{
    return theoryLinkTargets() + QStringList { "theory", "iterates" };
}

} // namespace dmftlab
