using BenchmarkDotNet.Attributes;
using Bellman.Core.Environments;
using Bellman.Environments.Vector;
using Bellman.Environments;

namespace Bellman.Benchmarks;

/// <summary>
/// Steps per second of <see cref="SyncVectorEnvironment"/> against <see cref="ThreadedVectorEnvironment"/>.
/// One operation is one vector step (NumEnvs environment steps); env-steps/s = NumEnvs / mean time.
/// The environments are the registry's CartPole-v1 (with its 500-step time limit), driven by a simple
/// balancing rule so that episodes are long, as in training.
/// </summary>
[MemoryDiagnoser]
public class VectorEnvBenchmarks
{
    private const int StepsPerInvoke = 1000;

    private IVectorEnvironment _env = null!;
    private int[] _actions = null!;

    [Params(4, 16, 64)]
    public int NumEnvs { get; set; }

    [Params(false, true)]
    public bool Threaded { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        Func<IEnvironment> factory = () => EnvRegistry.Default.Make("CartPole-v1");
        _env = Threaded ? new ThreadedVectorEnvironment(factory, NumEnvs) : new SyncVectorEnvironment(factory, NumEnvs);
        _env.Reset(seed: 0);
        _actions = new int[NumEnvs];
    }

    [GlobalCleanup]
    public void Cleanup() => _env.Dispose();

    [Benchmark(OperationsPerInvoke = StepsPerInvoke)]
    public double Step()
    {
        double sum = 0;
        var obs = _env.Observations;
        for (int t = 0; t < StepsPerInvoke; t++)
        {
            obs = _env.Observations;
            for (int i = 0; i < _actions.Length; i++) _actions[i] = obs[i * 4 + 2] > 0 ? 1 : 0;
            _env.Step(_actions);
            sum += _env.Rewards[0];
        }
        return sum;
    }
}
