using BenchmarkDotNet.Attributes;
using Bellman.Core.Environments;
using Bellman.Core.Spaces;
using Bellman.Environments.Vector;
using Bellman.Environments.Wrappers;

namespace Bellman.Benchmarks;

/// <summary>
/// Steps per second of <see cref="SyncVectorEnvironment"/> against <see cref="ThreadedVectorEnvironment"/>.
/// One operation is one vector step (NumEnvs environment steps); env-steps/s = NumEnvs / mean time.
/// Uses a small pole-balancing stand-in (<see cref="PoleEnv"/>) until the real CartPole is merged.
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
        Func<IEnvironment> factory = () => new TimeLimit(new PoleEnv(), 500);
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

    /// <summary>
    /// A cart-pole stand-in with CartPole's cost profile (Euler step of the same equations, a few
    /// transcendental calls); not the reference implementation.
    /// </summary>
    private sealed class PoleEnv() : Bellman.Core.Environments.Environment(new Box(-10f, 10f, 4), new Discrete(2))
    {
        private double _x, _v, _theta, _omega;

        protected override void ResetCore()
        {
            _x = Random.Uniform(-0.05, 0.05);
            _v = Random.Uniform(-0.05, 0.05);
            _theta = Random.Uniform(-0.05, 0.05);
            _omega = Random.Uniform(-0.05, 0.05);
            Write();
        }

        protected override StepResult StepCore(int action)
        {
            double force = action == 1 ? 10 : -10;
            double cos = Math.Cos(_theta), sin = Math.Sin(_theta);
            double temp = (force + 0.05 * _omega * _omega * sin) / 1.1;
            double thetaAcc = (9.8 * sin - cos * temp) / (0.5 * (4.0 / 3.0 - 0.1 * cos * cos / 1.1));
            double xAcc = temp - 0.05 * thetaAcc * cos / 1.1;
            _x += 0.02 * _v;
            _v += 0.02 * xAcc;
            _theta += 0.02 * _omega;
            _omega += 0.02 * thetaAcc;
            Write();
            bool done = _x < -2.4 || _x > 2.4 || _theta < -0.2095 || _theta > 0.2095;
            return new StepResult(1.0, done, false);
        }

        private void Write()
        {
            ObservationBuffer[0] = (float)_x;
            ObservationBuffer[1] = (float)_v;
            ObservationBuffer[2] = (float)_theta;
            ObservationBuffer[3] = (float)_omega;
        }
    }
}
