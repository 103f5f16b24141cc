using Bellman.Nn.Optimizers;
using Xunit;

namespace Bellman.Nn.Tests.Optimizers;

[Collection(EngineThreadsCollection.Name)]
public sealed class ThreadedStepTests
{
    public static TheoryData<string> Kinds => new() { "adam", "adamw-amsgrad", "rmsprop-centered-momentum", "sgd-nesterov" };

    private static Optimizer Create(string kind, Parameter[] parameters) => kind switch
    {
        "adam" => new Adam(parameters, 1e-3, weightDecay: 1e-4),
        "adamw-amsgrad" => new AdamW(parameters, 3e-3, amsGrad: true),
        "rmsprop-centered-momentum" => new RmsProp(parameters, 1e-3, momentum: 0.9, centered: true),
        "sgd-nesterov" => new Sgd(parameters, 1e-2, momentum: 0.9, nesterov: true),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>
    /// Parameters whose sizes put the thread boundaries inside a parameter, between two, and on odd offsets (the
    /// vector tails), one frozen; above <see cref="Optimizer.ParallelThreshold"/> so that the step really splits.
    /// </summary>
    private static Parameter[] Network(int seed)
    {
        int[] sizes = [17, 40_000, 3, 25_601, 1, 9_999];
        var parameters = new Parameter[sizes.Length];
        for (int i = 0; i < sizes.Length; i++)
        {
            parameters[i] = new Parameter($"p{i}", sizes[i]);
            TestParams.RandomArray(seed + i, sizes[i]).CopyTo(parameters[i].Data, 0);
        }
        parameters[4].RequiresGrad = false;
        return parameters;
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void EveryThreadCountGivesTheSameBitsAsOne(string kind)
    {
        int saved = EngineThreads.Max;
        try
        {
            Parameter[] reference = Network(1);
            Assert.True(reference.Where(p => p.RequiresGrad).Sum(p => p.Size) >= Optimizer.ParallelThreshold);
            var referenceOptimizer = Create(kind, reference);
            var others = new[] { 2, 3, 7 }.Select(t => (Threads: t, Parameters: Network(1))).ToArray();
            var otherOptimizers = others.Select(o => Create(kind, o.Parameters)).ToArray();
            for (int step = 0; step < 4; step++)
            {
                for (int i = 0; i < reference.Length; i++)
                {
                    float[] grad = TestParams.RandomArray(100 * step + i, reference[i].Size);
                    grad.CopyTo(reference[i].Grad, 0);
                    foreach (var o in others) grad.CopyTo(o.Parameters[i].Grad, 0);
                }
                EngineThreads.Max = 1;
                referenceOptimizer.Step();
                for (int o = 0; o < others.Length; o++)
                {
                    EngineThreads.Max = others[o].Threads;
                    otherOptimizers[o].Step();
                }
            }
            EngineThreads.Max = 1;
            var expected = referenceOptimizer.StateDict();
            for (int o = 0; o < others.Length; o++)
            {
                for (int i = 0; i < reference.Length; i++)
                    Assert.True(reference[i].Data.AsSpan().SequenceEqual(others[o].Parameters[i].Data), $"{kind}, {others[o].Threads} threads: parameter {i} differs");
                var state = otherOptimizers[o].StateDict();
                Assert.Equal(expected.Buffers.Count, state.Buffers.Count);
                for (int t = 0; t < expected.Buffers.Count; t++)
                    Assert.True(expected.Buffers[t].Data.AsSpan().SequenceEqual(state.Buffers[t].Data), $"{kind}, {others[o].Threads} threads: buffer {expected.Buffers[t].Name} differs");
            }
            Assert.Equal(TestParams.RandomArray(5, 1), reference[4].Data);
        }
        finally
        {
            EngineThreads.Max = saved;
        }
    }

    [Fact]
    public void ZeroThreadsIsRejected()
        => Assert.Throws<ArgumentOutOfRangeException>(() => EngineThreads.Max = 0);
}
