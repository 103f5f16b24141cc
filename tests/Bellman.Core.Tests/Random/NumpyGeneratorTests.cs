using System.Globalization;
using System.Text.Json;
using Bellman.Core.Random;

namespace Bellman.Core.Tests.Random;

/// <summary>
/// SeedSequence, PCG64 and Generator against the raw streams NumPy 1.24.2 gave for
/// <c>np.random.default_rng(seed)</c> (Data/numpy_generator_streams.json, recorded with NumPy itself).
/// </summary>
public sealed class NumpyGeneratorTests
{
    private static readonly JsonElement[] Seeds = [.. JsonDocument
        .Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Data", "numpy_generator_streams.json")))
        .RootElement.GetProperty("seeds").EnumerateArray()];

    public static TheoryData<int> Cases()
    {
        var data = new TheoryData<int>();
        for (int i = 0; i < Seeds.Length; i++) data.Add(i);
        return data;
    }

    private static ulong Seed(JsonElement d) => d.GetProperty("seed").GetUInt64();

    private static NumpyGenerator Fresh(JsonElement d) => new(new Pcg64(new SeedSequence(Seed(d))));

    private static ulong Hex64(JsonElement e) => ulong.Parse(e.GetString()!.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    private static UInt128 Hex128(JsonElement e) => UInt128.Parse(e.GetString()!.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    [Fact]
    public void TheFileCoversSeedsOfOneAndTwoWords()
    {
        Assert.Equal([0UL, 1UL, 42UL, 2147483647UL, 4294967301UL], Seeds.Select(Seed));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void SeedSequenceGeneratesNumpysState(int index)
    {
        var d = Seeds[index];
        var sequence = new SeedSequence(Seed(d));
        Assert.Equal(d.GetProperty("seedsequence_generate_state_8_uint32").EnumerateArray().Select(e => e.GetUInt32()), sequence.GenerateState(8));
        Assert.Equal(d.GetProperty("seedsequence_generate_state_4_uint64").EnumerateArray().Select(Hex64), sequence.GenerateState64(4));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Pcg64IsSeededAsNumpySeedsIt(int index)
    {
        var d = Seeds[index];
        var pcg = new Pcg64(new SeedSequence(Seed(d)));
        var after = d.GetProperty("pcg64_state_after_seeding");
        Assert.Equal(Hex128(after.GetProperty("state_hex")), pcg.State);
        Assert.Equal(Hex128(after.GetProperty("inc_hex")), pcg.Increment);
        Assert.Equal(after.GetProperty("has_uint32").GetInt32() != 0, pcg.HasUInt32);
        Assert.Equal(after.GetProperty("uinteger").GetUInt32(), pcg.UInteger);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void RawWordsEqualNumpys(int index)
    {
        var d = Seeds[index];
        var g = Fresh(d);
        Assert.Equal(d.GetProperty("raw_next_uint64_10").EnumerateArray().Select(Hex64), Enumerable.Range(0, 10).Select(_ => g.BitGenerator.NextUInt64()));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void RandomAndUniformEqualNumpysBitForBit(int index)
    {
        var d = Seeds[index];
        var g = Fresh(d);
        Assert.Equal(d.GetProperty("random_10").EnumerateArray().Select(e => e.GetDouble()), Enumerable.Range(0, 10).Select(_ => g.NextDouble()));
        g = Fresh(d);
        foreach (var row in d.GetProperty("uniform_m005_005_size4_x5").EnumerateArray())
            foreach (var want in row.EnumerateArray())
                Assert.Equal(BitConverter.DoubleToInt64Bits(want.GetDouble()), BitConverter.DoubleToInt64Bits(g.Uniform(-0.05, 0.05)));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void IntegersEqualNumpysForEveryRange(int index)
    {
        var d = Seeds[index];
        var g = Fresh(d);
        Assert.Equal(d.GetProperty("integers_0_10_x10").EnumerateArray().Select(e => e.GetInt64()), Enumerable.Range(0, 10).Select(_ => g.Integers(0, 10)));
        // One generator through every n in turn, as the file was made: the 32-bit halves carry over.
        g = Fresh(d);
        foreach (var byN in d.GetProperty("integers_0_n_for_n_2_3_4_6_48_64_500_x5").EnumerateObject())
        {
            int n = int.Parse(byN.Name, CultureInfo.InvariantCulture);
            Assert.Equal(byN.Value.EnumerateArray().Select(e => e.GetInt32()), Enumerable.Range(0, 5).Select(_ => g.Integers(n)));
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void RandomLeavesTheKeptHalfForTheNextIntegers(int index)
    {
        var d = Seeds[index];
        var g = Fresh(d);
        foreach (var draw in d.GetProperty("interleaved").EnumerateArray())
        {
            if (draw[0].GetString() == "random()") Assert.Equal(draw[1].GetDouble(), g.NextDouble());
            else Assert.Equal(draw[1].GetInt64(), g.Integers(0, 10));
        }
    }

    [Fact]
    public void IntegersOfOneValueDrawsNothing()
    {
        var a = NumpyGenerator.FromSeed(3);
        var b = NumpyGenerator.FromSeed(3);
        Assert.Equal(7, a.Integers(7, 8));
        Assert.Equal(b.BitGenerator.NextUInt64(), a.BitGenerator.NextUInt64());
    }

    [Fact]
    public void WideRangesUseWholeWordsAndStayInRange()
    {
        // ρ = 2^32 − 1 is one raw 32-bit draw; wider ranges take 64-bit words through Lemire's method.
        var a = NumpyGenerator.FromSeed(5);
        var b = NumpyGenerator.FromSeed(5);
        Assert.Equal((long)b.BitGenerator.NextUInt32(), a.Integers(0, 1L << 32));
        long big = (1L << 40) + 3;
        for (int i = 0; i < 1000; i++)
        {
            long v = a.Integers(-big, big);
            Assert.InRange(v, -big, big - 1);
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => a.Integers(3, 3));
    }

    [Fact]
    public void StateRoundTripsThroughGetAndSet()
    {
        var g = NumpyGenerator.FromSeed(9);
        g.Integers(10);
        ulong[] state = g.BitGenerator.GetState();
        var expected = Enumerable.Range(0, 5).Select(_ => g.Integers(1000)).ToArray();
        var h = NumpyGenerator.FromSeed(0);
        h.BitGenerator.SetState(state);
        Assert.Equal(expected, Enumerable.Range(0, 5).Select(_ => h.Integers(1000)));
        Assert.Throws<ArgumentException>(() => h.BitGenerator.SetState([1, 2, 3, 4, 0, 0]));
    }

    [Fact]
    public void NegativeSeedsAreRejectedAsInGymnasium()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => NumpyGenerator.FromSeed(-1));
        Assert.Contains("non-negative", e.Message);
    }

    [Fact]
    public void NormalAndExponentialHaveTheirMoments()
    {
        // The ziggurats against the distributions' mean and variance (200k draws; 6 standard errors).
        var g = NumpyGenerator.FromSeed(11);
        const int n = 200_000;
        double s1 = 0, s2 = 0, e1 = 0, e2 = 0;
        for (int i = 0; i < n; i++)
        {
            double z = g.StandardNormal(), e = g.StandardExponential();
            Assert.True(e >= 0);
            s1 += z; s2 += z * z; e1 += e; e2 += e * e;
        }
        Assert.InRange(s1 / n, -6 / Math.Sqrt(n), 6 / Math.Sqrt(n));
        Assert.InRange(s2 / n, 1 - 6 * Math.Sqrt(2.0 / n), 1 + 6 * Math.Sqrt(2.0 / n));
        Assert.InRange(e1 / n, 1 - 6 / Math.Sqrt(n), 1 + 6 / Math.Sqrt(n));
        Assert.InRange(e2 / n - (e1 / n) * (e1 / n), 1 - 6 * Math.Sqrt(8.0 / n), 1 + 6 * Math.Sqrt(8.0 / n));
    }
}
