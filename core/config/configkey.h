// The config keys as named constants: the one place a dotted key is spelled. Code that
// names a key (schema rows, rules across fields, engine checks that blame keys, the dock's
// special cases) uses these, so a renamed key is one edit here and a compile error at every
// stale use; each is a row of the schema (config/schema.h; test_config_schema checks both
// ways). Dotted, as --set and the messages write them; nested in JSON files.
#pragma once

namespace dmftlab
{

struct ConfigKey {
    static constexpr char Preset[] = "preset";

    static constexpr char ModelActivation[] = "model.activation";
    static constexpr char ModelWidth[] = "model.width";
    static constexpr char ModelLoss[] = "model.loss";
    static constexpr char ModelSecondLayer[] = "model.second_layer";

    static constexpr char TeacherActivation[] = "teacher.activation";
    static constexpr char TeacherWidth[] = "teacher.width";
    static constexpr char TeacherNoise[] = "teacher.noise";
    static constexpr char TeacherLabels[] = "teacher.labels";
    static constexpr char TeacherPrior[] = "teacher.prior";
    static constexpr char TeacherSparsity[] = "teacher.sparsity";
    static constexpr char TeacherSecondLayer[] = "teacher.second_layer";

    static constexpr char DataAlpha[] = "data.alpha";

    static constexpr char OptimizerLearningRate[] = "optimizer.learning_rate";
    static constexpr char OptimizerBatchSize[] = "optimizer.batch_size";
    static constexpr char OptimizerTau[] = "optimizer.tau";
    static constexpr char OptimizerRidge[] = "optimizer.ridge";
    static constexpr char OptimizerTaming[] = "optimizer.taming";

    static constexpr char InitQ0[] = "init.q0";
    static constexpr char InitM0[] = "init.m0";
    static constexpr char InitM0Asymmetry[] = "init.m0_asymmetry";

    static constexpr char TimeHorizon[] = "time.horizon";
    static constexpr char TimeSteps[] = "time.steps";

    static constexpr char SimDimension[] = "sim.dimension";
    static constexpr char SimSeeds[] = "sim.seeds";
    static constexpr char SimSeed[] = "sim.seed";
    static constexpr char SimSubsteps[] = "sim.substeps";
    static constexpr char SimSampling[] = "sim.sampling";
    static constexpr char SimContinuousTime[] = "sim.continuous_time";
    static constexpr char SimThreads[] = "sim.threads";

    static constexpr char DmftPaths[] = "dmft.paths";
    static constexpr char DmftTangentPaths[] = "dmft.tangent_paths";
    static constexpr char DmftReplicas[] = "dmft.replicas";
    static constexpr char DmftDamping[] = "dmft.damping";
    static constexpr char DmftMixingMemory[] = "dmft.mixing_memory";
    static constexpr char DmftTolerance[] = "dmft.tolerance";
    static constexpr char DmftNoiseFraction[] = "dmft.noise_fraction";
    static constexpr char DmftMaxIterations[] = "dmft.max_iterations";
    static constexpr char DmftSeed[] = "dmft.seed";
    static constexpr char DmftWarmStart[] = "dmft.warm_start";
    static constexpr char DmftContinuousTime[] = "dmft.continuous_time";

    static constexpr char OutputDistributionTimes[] = "output.distribution_times";
};

} // namespace dmftlab
