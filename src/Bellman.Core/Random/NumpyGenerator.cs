namespace Bellman.Core.Random;

/// <summary>
/// NumPy's <c>numpy.random.Generator</c> over <see cref="Pcg64"/>: the draws Gymnasium's environments and
/// spaces make. <c>random</c>, <c>uniform</c> and <c>integers</c> are reproduced bit for bit; the two ziggurats
/// take the same words and make the same choices, but their tables are computed here rather than copied
/// (see <c>Ziggurat</c>), so a normal or exponential draw may differ from NumPy's in its last bits. Gymnasium's <c>seeding.np_random(k)</c> is
/// <see cref="FromSeed"/>(k) = Generator(PCG64(SeedSequence(k))); environments keep one in
/// <c>np_random</c> and spaces one each.
/// <list type="bullet">
/// <item><see cref="NextDouble"/> is <c>random()</c>: (next_uint64 &gt;&gt; 11)·2^-53.</item>
/// <item><see cref="Uniform"/> is <c>uniform(low, high)</c>: low + (high − low)·random().</item>
/// <item><see cref="Integers(long, long)"/> is <c>integers(low, high)</c> (int64, high exclusive): Lemire's
/// multiply-shift with rejection on a 32-bit draw when high − low − 1 &lt; 2^32, else on a 64-bit draw.</item>
/// <item><see cref="StandardNormal"/> and <see cref="StandardExponential"/> are NumPy's ziggurats; their rare
/// tail branches use log(1 − u), where NumPy may use log1p(−u), which .NET lacks.</item>
/// </list>
/// </summary>
public sealed class NumpyGenerator
{
    /// <summary>A generator over the given bit generator.</summary>
    public NumpyGenerator(Pcg64 bitGenerator)
    {
        ArgumentNullException.ThrowIfNull(bitGenerator);
        BitGenerator = bitGenerator;
    }

    /// <summary>
    /// Gymnasium's <c>seeding.np_random(seed)</c>: Generator(PCG64(SeedSequence(seed))). A negative seed is
    /// an error, as in Gymnasium.
    /// </summary>
    public static NumpyGenerator FromSeed(long seed)
    {
        if (seed < 0) throw new ArgumentOutOfRangeException(nameof(seed), $"Seed {seed} is negative; a seed must be a non-negative integer, as in Gymnasium.");
        return new NumpyGenerator(new Pcg64(new SeedSequence((ulong)seed)));
    }

    /// <summary>A generator seeded from 128 bits of operating-system entropy (<c>np_random(None)</c>).</summary>
    public static NumpyGenerator FromEntropy() => new(new Pcg64(SeedSequence.FromEntropy()));

    /// <summary>The underlying PCG64, whose state <see cref="Pcg64.GetState"/> captures.</summary>
    public Pcg64 BitGenerator { get; }

    /// <summary><c>random()</c>: a uniform double in [0, 1) from a fresh 64-bit word.</summary>
    public double NextDouble() => BitGenerator.NextDouble();

    /// <summary><c>uniform(low, high)</c>: low + (high − low)·random(), in double.</summary>
    public double Uniform(double low, double high) => low + (high - low) * BitGenerator.NextDouble();

    /// <summary><c>integers(0, n)</c> for n &gt; 0.</summary>
    public int Integers(int n) => (int)Integers(0, n);

    /// <summary>
    /// <c>integers(low, high)</c>: a uniform integer in [low, high). With range ρ = high − low − 1: ρ = 0 draws
    /// nothing; ρ = 2^32 − 1 is one raw 32-bit draw; smaller ρ is Lemire's method on 32-bit draws
    /// (m = u32·(ρ+1); when m mod 2^32 &lt; ρ+1, redraw while m mod 2^32 &lt; (2^32 − 1 − ρ) mod (ρ+1); return
    /// m &gt;&gt; 32), which share 64-bit words through <see cref="Pcg64.NextUInt32"/>; wider ranges do the same
    /// on 64-bit draws.
    /// </summary>
    public long Integers(long low, long high)
    {
        if (low >= high) throw new ArgumentOutOfRangeException(nameof(high), high, $"integers needs low < high; got low {low}, high {high}.");
        ulong range = unchecked((ulong)(high - low) - 1);
        return unchecked(low + (long)BoundedUInt64(range));
    }

    /// <summary><c>standard_normal()</c>: NumPy's 256-layer ziggurat on 64-bit draws.</summary>
    /// <remarks>
    /// Each try takes a word r: layer i = r &amp; 0xff, sign = bit 8, a 52-bit magnitude from bits 9..60;
    /// x = ±magnitude·w_i is accepted when the magnitude is below k_i; else layer 0 samples the tail beyond r
    /// (Marsaglia's method) and other layers accept x when f_i + (f_{i−1} − f_i)·random() &lt; exp(−x²/2).
    /// </remarks>
    public double StandardNormal()
    {
        var (k, w, f) = Ziggurat.Normal;
        while (true)
        {
            ulong r = BitGenerator.NextUInt64();
            int idx = (int)(r & 0xff);
            r >>= 8;
            bool negative = (r & 1) != 0;
            ulong rabs = (r >> 1) & 0x000fffffffffffffUL;
            double x = rabs * w[idx];
            if (negative) x = -x;
            if (rabs < k[idx]) return x;
            if (idx == 0)
            {
                while (true)
                {
                    double xx = -Ziggurat.NormalInvR * Math.Log(1.0 - BitGenerator.NextDouble());
                    double yy = -Math.Log(1.0 - BitGenerator.NextDouble());
                    if (yy + yy > xx * xx)
                        return ((rabs >> 8) & 1) != 0 ? -(Ziggurat.NormalR + xx) : Ziggurat.NormalR + xx;
                }
            }
            if ((f[idx - 1] - f[idx]) * BitGenerator.NextDouble() + f[idx] < Math.Exp(-0.5 * x * x)) return x;
        }
    }

    /// <summary><c>normal(loc, scale)</c> = loc + scale·standard_normal().</summary>
    public double Normal(double loc, double scale) => loc + scale * StandardNormal();

    /// <summary><c>standard_exponential()</c>: NumPy's 256-layer ziggurat on 64-bit draws.</summary>
    /// <remarks>
    /// Each try takes a word shifted right by 3: layer i = its low 8 bits, a 53-bit magnitude above them;
    /// x = magnitude·w_i is accepted below k_i; layer 0 returns r − log(1 − random()), other layers accept
    /// when f_i + (f_{i−1} − f_i)·random() &lt; exp(−x), and otherwise start again.
    /// </remarks>
    public double StandardExponential()
    {
        var (k, w, f) = Ziggurat.Exponential;
        while (true)
        {
            ulong ri = BitGenerator.NextUInt64() >> 3;
            int idx = (int)(ri & 0xff);
            ri >>= 8;
            double x = ri * w[idx];
            if (ri < k[idx]) return x;
            if (idx == 0) return Ziggurat.ExponentialR - Math.Log(1.0 - BitGenerator.NextDouble());
            if ((f[idx - 1] - f[idx]) * BitGenerator.NextDouble() + f[idx] < Math.Exp(-x)) return x;
        }
    }

    /// <summary><c>exponential(scale)</c> = scale·standard_exponential().</summary>
    public double Exponential(double scale) => scale * StandardExponential();

    private ulong BoundedUInt64(ulong range)
    {
        if (range == 0) return 0;
        if (range <= uint.MaxValue)
        {
            if (range == uint.MaxValue) return BitGenerator.NextUInt32();
            return BoundedLemire32((uint)range);
        }
        if (range == ulong.MaxValue) return BitGenerator.NextUInt64();
        return BoundedLemire64(range);
    }

    private uint BoundedLemire32(uint range)
    {
        uint excl = range + 1;
        ulong m = (ulong)BitGenerator.NextUInt32() * excl;
        uint leftover = (uint)m;
        if (leftover < excl)
        {
            uint threshold = (uint.MaxValue - range) % excl;
            while (leftover < threshold)
            {
                m = (ulong)BitGenerator.NextUInt32() * excl;
                leftover = (uint)m;
            }
        }
        return (uint)(m >> 32);
    }

    private ulong BoundedLemire64(ulong range)
    {
        ulong excl = range + 1;
        UInt128 m = (UInt128)BitGenerator.NextUInt64() * excl;
        ulong leftover = (ulong)m;
        if (leftover < excl)
        {
            ulong threshold = (ulong.MaxValue - range) % excl;
            while (leftover < threshold)
            {
                m = (UInt128)BitGenerator.NextUInt64() * excl;
                leftover = (ulong)m;
            }
        }
        return (ulong)(m >> 64);
    }
}
