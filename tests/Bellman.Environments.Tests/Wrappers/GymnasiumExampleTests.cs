using Bellman.Core.Environments;
using Bellman.Core.Spaces;
using Bellman.Environments.Wrappers;
using Xunit;

namespace Bellman.Environments.Tests.Wrappers;

/// <summary>
/// End-to-end checks against numbers published by Gymnasium: the docstring example of
/// <c>NormalizeObservation</c> (CartPole-v1, reset(seed=123), always push right until termination).
/// Reproducing it needs Gymnasium's reset generator (NumPy's SeedSequence + PCG64) and CartPole's
/// dynamics, both re-implemented here as test doubles and first validated against the reference data
/// of /work/shared/reference/gym/CartPole-v1.json (Gymnasium 1.4.0, NumPy 1.24).
/// </summary>
public sealed class GymnasiumExampleTests
{
    [Theory]
    [InlineData(0, 0.013696168732145436, -0.02302132862361297, -0.045902647606380534, -0.04834723644714709)]
    [InlineData(1, 0.0011821624700256717, 0.045046369632593536, -0.03558403872803663, 0.04486494471372439)]
    [InlineData(10, 0.045600170962897535, -0.029231818992085313, 0.03284448852745307, -0.03507178769179797)]
    public void NumpyGeneratorReproducesCartPoleInitialStates(int seed, double x, double v, double theta, double omega)
    {
        var rng = new NumpyPcg64(seed);
        Assert.Equal([x, v, theta, omega], Enumerable.Range(0, 4).Select(_ => rng.Uniform(-0.05, 0.05)));
    }

    [Fact]
    public void CartPoleDoubleReproducesTheReferenceEpisode()
    {
        // Seed 0, random policy: the first three and the last step of the reference episode.
        var env = new CartPoleDouble();
        env.Reset(0);
        int[] actions = [1, 1, 0, 1, 1, 1, 1, 1, 1, 0];
        StepResult r = default;
        for (int t = 0; t < actions.Length; t++)
        {
            r = env.Step(actions[t]);
            if (t == 2) Assert.Equal([0.02405997077217373, 0.17415257696748315, -0.06721740164168861, -0.3870263224195554], env.State);
            Assert.Equal(t == actions.Length - 1, r.Terminated);
        }
        Assert.Equal([0.1308297188413391, 1.1589008833362366, -0.25559853785082187, -2.1093844025134976], env.State);
        Assert.Equal([0.13082972168922424f, 1.1589008569717407f, -0.2555985450744629f, -2.109384298324585f], env.Observation.ToArray());
    }

    [Fact]
    public void NormalizeObservationDocstringExample()
    {
        // Printed by Gymnasium's docstring with NumPy's 8 significant digits.
        Assert.Equal([0.1511158f, 1.7183299f, -0.25533703f, -2.8914354f], RunAlwaysRight(new CartPoleDouble()), Close);
        var normalized = new NormalizeObservation(new CartPoleDouble());
        Assert.Equal([2.0059888f, 1.5676788f, -1.9944268f, -1.6120394f], RunAlwaysRight(normalized), Close);
    }

    [Fact]
    public void Float64StatisticsWouldNotReproduceTheDocstring()
    {
        // The same run with float64 statistics (what Gymnasium 0.x did) lands measurably elsewhere,
        // which is why NormalizeObservation keeps Gymnasium 1.x's float32 statistics.
        var env = new CartPoleDouble();
        var rms = new RunningMeanStd<double>(4);
        var raw = new double[4];
        void Feed(ReadOnlySpan<float> obs)
        {
            for (int i = 0; i < 4; i++) raw[i] = obs[i];
            rms.Update(raw);
        }
        Feed(env.Reset(123));
        while (!env.Step(1).NeedsReset) Feed(env.Observation);
        Feed(env.Observation);
        var out64 = new double[4];
        rms.Normalize(raw, 1e-8, out64);
        float[] docstring = [2.0059888f, 1.5676788f, -1.9944268f, -1.6120394f];
        var asFloat = out64.Select(x => (float)x).ToArray();
        Assert.NotEqual(docstring, asFloat, Close);
        Assert.Equal(docstring, asFloat, EqualityComparer<float>.Create((a, b) => Math.Abs(a - b) <= 1e-5f * Math.Abs(a)));
    }

    private static readonly IEqualityComparer<float> Close = EqualityComparer<float>.Create((a, b) => Math.Abs(a - b) <= 5e-8f * Math.Max(1f, Math.Abs(a)));

    private static float[] RunAlwaysRight(IEnvironment env)
    {
        env.Reset(123);
        while (!env.Step(1).NeedsReset) { }
        return env.Observation.ToArray();
    }

    /// <summary>
    /// CartPole-v1's Euler dynamics in float64 with NumPy's reset generator (a test double, not the
    /// built-in). It re-implements <see cref="IEnvironment"/> so that Reset(seed) reseeds the NumPy generator.
    /// </summary>
    private sealed class CartPoleDouble() : Bellman.Core.Environments.Environment(
        new Box([-4.8f, float.NegativeInfinity, -0.41887903f, float.NegativeInfinity], [4.8f, float.PositiveInfinity, 0.41887903f, float.PositiveInfinity]),
        new Discrete(2)), IEnvironment
    {
        private const double Gravity = 9.8, MassCart = 1.0, MassPole = 0.1, TotalMass = MassPole + MassCart, Length = 0.5;
        private const double PoleMassLength = MassPole * Length, ForceMag = 10.0, Tau = 0.02;
        private static readonly double ThetaThreshold = 12 * 2 * Math.PI / 360;
        private NumpyPcg64 _rng = new(0);

        public double[] State { get; } = new double[4];

        public new ReadOnlySpan<float> Reset(int? seed = null)
        {
            if (seed is int s) _rng = new NumpyPcg64(s);
            return base.Reset(seed);
        }

        protected override void ResetCore()
        {
            for (int i = 0; i < 4; i++) State[i] = _rng.Uniform(-0.05, 0.05);
            Write();
        }

        protected override StepResult StepCore(int action)
        {
            var (x, xDot, theta, thetaDot) = (State[0], State[1], State[2], State[3]);
            double force = action == 1 ? ForceMag : -ForceMag;
            double cos = Math.Cos(theta), sin = Math.Sin(theta);
            double temp = (force + PoleMassLength * (thetaDot * thetaDot) * sin) / TotalMass;
            double thetaAcc = (Gravity * sin - cos * temp) / (Length * (4.0 / 3.0 - MassPole * (cos * cos) / TotalMass));
            double xAcc = temp - PoleMassLength * thetaAcc * cos / TotalMass;
            State[0] = x + Tau * xDot;
            State[1] = xDot + Tau * xAcc;
            State[2] = theta + Tau * thetaDot;
            State[3] = thetaDot + Tau * thetaAcc;
            Write();
            bool terminated = State[0] < -2.4 || State[0] > 2.4 || State[2] < -ThetaThreshold || State[2] > ThetaThreshold;
            return new StepResult(1.0, terminated, false);
        }

        private void Write()
        {
            for (int i = 0; i < 4; i++) ObservationBuffer[i] = (float)State[i];
        }
    }

    /// <summary>
    /// NumPy's <c>default_rng(seed)</c> as Gymnasium seeds it: SeedSequence(seed) (O'Neill's seed_seq
    /// hashing, pool of 4 words) expanded to 4 uint64 words, PCG64 (XSL-RR, 128-bit LCG) seeded with
    /// state = words[0..1] and stream = words[2..3]; doubles are (next >> 11)·2⁻⁵³.
    /// </summary>
    private sealed class NumpyPcg64
    {
        private static readonly UInt128 Multiplier = new(2549297995355413924UL, 4865540595714422341UL);
        private UInt128 _state;
        private readonly UInt128 _inc;

        public NumpyPcg64(int seed)
        {
            var words = SeedSequenceState((uint)seed);
            UInt128 initState = new(words[0], words[1]);
            UInt128 initSeq = new(words[2], words[3]);
            _inc = (initSeq << 1) | 1;
            _state = 0;
            Step();
            _state += initState;
            Step();
        }

        public double Uniform(double low, double high) => low + (high - low) * ((Next() >> 11) * (1.0 / 9007199254740992.0));

        private ulong Next()
        {
            Step();
            ulong xored = (ulong)(_state >> 64) ^ (ulong)_state;
            return ulong.RotateRight(xored, (int)(_state >> 122));
        }

        private void Step() => _state = _state * Multiplier + _inc;

        private static ulong[] SeedSequenceState(uint entropy)
        {
            const uint InitA = 0x43b0d7e5, MultA = 0x931e8875, InitB = 0x8b51f9dd, MultB = 0x58f38ded;
            const uint MixMultL = 0xca01f9dd, MixMultR = 0x4973f715;
            uint hashConst = InitA;
            uint HashMix(uint value)
            {
                value ^= hashConst;
                hashConst *= MultA;
                value *= hashConst;
                return value ^ (value >> 16);
            }
            static uint Mix(uint x, uint y)
            {
                uint r = MixMultL * x - MixMultR * y;
                return r ^ (r >> 16);
            }
            var pool = new uint[4];
            for (int i = 0; i < 4; i++) pool[i] = HashMix(i == 0 ? entropy : 0);
            for (int src = 0; src < 4; src++)
                for (int dst = 0; dst < 4; dst++)
                    if (src != dst) pool[dst] = Mix(pool[dst], HashMix(pool[src]));
            var words32 = new uint[8];
            uint h = InitB;
            for (int i = 0; i < 8; i++)
            {
                uint d = pool[i % 4] ^ h;
                h *= MultB;
                d *= h;
                words32[i] = d ^ (d >> 16);
            }
            var words = new ulong[4];
            for (int k = 0; k < 4; k++) words[k] = words32[2 * k] | ((ulong)words32[2 * k + 1] << 32);
            return words;
        }
    }
}
