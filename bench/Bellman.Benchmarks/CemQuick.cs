using Bellman.Algorithms.Replay;
using Bellman.Algorithms.Training;
using Bellman.Algorithms.ValueBased;
using Bellman.Core.Random;
using Bellman.Core.Spaces;
using Bellman.Nn.Kernels;

namespace Bellman.Benchmarks;

/// <summary>
/// `cem-quick`: thread-CPU-time medians of QT-Opt's greedy CEM action for one Pendulum state (64 × 2 candidates, 6 elites,
/// a 4-H-H-1 critic) and of its parts (the two batched critic evaluations, the candidate draws, the bare products),
/// against the FLOP floor of the critic evaluations: 2 · 128 · ((3 + 1)·H + H·H + H) FLOPs at the core's peak.
/// </summary>
public static class CemQuick
{
    private static readonly Lazy<double> s_peak = new(() => Bellman.Cli.Diagnostics.CorePeak.MeasureGflops() * 1e9);

    /// <summary>
    /// Peak fp32 FLOP/s of the core this process runs on, measured once (<see cref="Bellman.Cli.Diagnostics.CorePeak"/>:
    /// independent FMA chains at the widest accelerated vector width), so that every "% of peak" and floor printed by
    /// `cem-quick` and `sac-parts` belongs to the machine it is run on.
    /// </summary>
    public static double PeakFlops => s_peak.Value;

    /// <summary>Prints the medians for H = 64 and 256, with the state part of the first layer shared among a state's candidates and without.</summary>
    public static void Run(TextWriter output)
    {
        output.WriteLine($"measured one-core FMA peak: {CemQuick.PeakFlops / 1e9:F1} GFLOP/s (thread CPU time)");
        foreach (int h in new[] { 64, 256 })
        {
            var agent = new QtOptAgent(new Box(-8f, 8f, 3), new Box(-2f, 2f, 1), new QtOptOptions { NetArch = [h, h] }, new Rng(2));
            float[] obs = [0.6f, -0.8f, 0.3f], action = new float[1];
            double flops = 2.0 * 128 * (4 * h + h * h + h);
            var candidates = new float[64];
            var scores = new float[64];
            var rng = new Rng(5);
            for (int i = 0; i < 64; i++) candidates[i] = (float)rng.Uniform(-1, 1);
            double draws = Median(() => { for (int i = 0; i < 128; i++) candidates[i & 63] = (float)rng.NextNormal(); });
            var x = new float[64 * h];
            var w = new float[h * h];
            var y = new float[64 * h];
            double gemm = Median(() => Gemm.Multiply(x, w, y, 64, h, h, transposeB: true)) * 2;
            output.WriteLine($"H={h}: 128 normal draws {draws:F2} us; 2 bare 64x{h}x{h} products {gemm:F1} us; floor of the evaluations {flops / PeakFlops * 1e6:F1} us ({flops / 1e6:F2} MFLOP)");

            // A QT-Opt gradient step at the preset's batch of 64 (CEM 64 x 2 over all 64 next states, the lagged target, the critic's step).
            const int batchSize = 64;
            var batch = new ReplayBatch(batchSize, 3, 1);
            for (int i = 0; i < batchSize; i++)
                batch.Set(i, [(float)rng.Uniform(-1, 1), (float)rng.Uniform(-1, 1), (float)rng.Uniform(-8, 8)], [(float)rng.Uniform(-2, 2)], 0,
                    -rng.Uniform(0, 16), 0.99f, [(float)rng.Uniform(-1, 1), (float)rng.Uniform(-1, 1), (float)rng.Uniform(-8, 8)]);
            var td = new float[batchSize];
            var metrics = new UpdateMetrics(agent.Metrics);
            var trainRng = new Rng(6);
            double updateFlops = 2.0 * (2 * batchSize * 64 + batchSize) * (4 * h + h * h + h) + 2.0 * batchSize * (4 * h + h * h + h + 4 * h + 2 * h * h + 2 * h);
            // The minibatch case (the QT-Opt step's CEM over 64 next states x 64 candidates), the two ways in alternating
            // rounds so that a change of load on the machine hits both alike.
            var states = new float[batchSize * 3];
            var many = new float[batchSize * 64];
            var manyScores = new float[batchSize * 64];
            for (int i = 0; i < states.Length; i++) states[i] = (float)rng.Uniform(-1, 1);
            for (int i = 0; i < many.Length; i++) many[i] = (float)rng.Uniform(-1, 1);
            var rounds = new List<double>[] { [], [] };
            int calls = h > 64 ? 2 : 10;
            for (int round = 0; round < 26; round++)
            {
                for (int m = 0; m < 2; m++)
                {
                    agent.SharedObservations = m == 1;
                    double t = QuickTiming.MedianSeconds(() => agent.Evaluate(agent.Q, states, many, 64, manyScores), calls, rounds: 1, warmupCalls: round == 0 ? 5 * calls : 0);
                    if (round > 0) rounds[m].Add(t);
                }
            }
            foreach (var r in rounds) r.Sort();
            output.WriteLine($"  one evaluation of {batchSize} states x 64 candidates, alternating rounds: W_s s in every row {rounds[0][12] * 1e6:F1} us, once per state {rounds[1][12] * 1e6:F1} us");

            foreach (bool shared in new[] { false, true })
            {
                agent.SharedObservations = shared;
                double greedy = Median(() => agent.Greedy(obs, action));
                double evaluate = Median(() => agent.Evaluate(agent.Q, obs, candidates, 64, scores)) * 2;
                double update = Median(() => agent.Train(batch, td, new UpdateContext(0.5, trainRng, metrics)), h > 64 ? 3 : 20, 11);
                output.WriteLine($"  W_s s {(shared ? "once per state " : "in every row   ")}: CEM greedy action {greedy,7:F1} us; 2 critic evaluations of 64 rows {evaluate,7:F1} us; " +
                    $"QT-Opt step (batch {batchSize}) {update / 1000,7:F3} ms (floor of the plain forward's FLOPs {updateFlops / PeakFlops * 1e3:F3} ms)");
            }
        }
    }

    /// <summary>
    /// The median over <paramref name="rounds"/> rounds of the mean time of one call, in microseconds of this thread's CPU time (less disturbed
    /// than wall time when other processes share the core) over <paramref name="calls"/> calls, after a warm-up of 4 rounds' worth.
    /// </summary>
    public static double Median(Action call, int calls = 500, int rounds = 21) =>
        QuickTiming.MedianSeconds(call, calls, rounds, warmupCalls: 4 * calls) * 1e6;
}
