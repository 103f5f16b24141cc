using System.Text.Json;
using Bellman.Core.Random;

namespace Bellman.Core.Tests.Random;

/// <summary>
/// <see cref="NumpyRandomState"/> against raw outputs of numpy 1.24.2's <c>np.random.RandomState(seed)</c>
/// (Data/numpy_randomstate_streams.json; every list starts from a fresh generator).
/// </summary>
public class NumpyRandomStateTests
{
    private static readonly JsonElement[] Seeds = LoadSeeds();

    public static TheoryData<int> SeedIndices() => [.. Enumerable.Range(0, Seeds.Length)];

    private static JsonElement[] LoadSeeds()
    {
        string path = Path.Combine(AppContext.BaseDirectory, "Data", "numpy_randomstate_streams.json");
        using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
        return [.. doc.RootElement.GetProperty("seeds").EnumerateArray().Select(e => e.Clone())];
    }

    private static NumpyRandomState Fresh(JsonElement s) => new(s.GetProperty("seed").GetInt64());

    private static long[] Longs(JsonElement a) => [.. a.EnumerateArray().Select(x => x.GetInt64())];

    private static double[] Doubles(JsonElement a) => [.. a.EnumerateArray().Select(x => x.GetDouble())];

    [Fact]
    public void TheFileCoversTheEdgeSeeds()
    {
        Assert.Equal([0L, 1, 3, 42, 12345, uint.MaxValue], Seeds.Select(s => s.GetProperty("seed").GetInt64()));
    }

    [Theory]
    [MemberData(nameof(SeedIndices))]
    public void RawWordsEqualNumpys(int index)
    {
        var s = Seeds[index];
        var rs = Fresh(s);
        foreach (long expected in Longs(s.GetProperty("raw_uint32"))) Assert.Equal(expected, rs.NextUInt32());
        // randint(2**32) is the raw word too (the range 2^32 − 1 takes the unmasked path).
        rs = Fresh(s);
        foreach (long expected in Longs(s.GetProperty("raw_uint32"))) Assert.Equal(expected, rs.RandInt(1L << 32));
    }

    [Theory]
    [MemberData(nameof(SeedIndices))]
    public void DoublesEqualNumpysBitForBit(int index)
    {
        var s = Seeds[index];
        foreach (string key in new[] { "random_sample", "rand" })
        {
            var rs = Fresh(s);
            foreach (double expected in Doubles(s.GetProperty(key)))
                Assert.Equal(BitConverter.DoubleToInt64Bits(expected), BitConverter.DoubleToInt64Bits(rs.Rand()));
            Assert.Equal(40, rs.WordsDrawn);
        }
        var vec = Fresh(s);
        var buffer = new double[8];
        foreach (var call in s.GetProperty("rand_size8_x3").EnumerateArray())
        {
            vec.Rand(buffer);
            Assert.Equal(Doubles(call), buffer);
        }
    }

    [Theory]
    [MemberData(nameof(SeedIndices))]
    public void BoundedIntegersEqualNumpys(int index)
    {
        var s = Seeds[index];
        foreach (var entry in s.GetProperty("randint").EnumerateObject())
        {
            long k = long.Parse(entry.Name, System.Globalization.CultureInfo.InvariantCulture);
            var rs = Fresh(s);
            long[] expected = Longs(entry.Value);
            Assert.Equal(expected, expected.Select(_ => rs.RandInt(k)).ToArray());
            if (k == 1) Assert.Equal(0, rs.WordsDrawn); // a range of one value draws nothing
        }
        var low1 = Fresh(s);
        long[] expectedLow1 = Longs(s.GetProperty("randint_low1_high9"));
        Assert.Equal(expectedLow1, expectedLow1.Select(_ => low1.RandInt(1, 9)).ToArray());

        var vec = Fresh(s);
        var buffer = new long[8];
        foreach (var call in s.GetProperty("randint_1_6_size8_x3").EnumerateArray())
        {
            vec.RandInt(1, 6, buffer);
            Assert.Equal(Longs(call), buffer);
        }
    }

    [Theory]
    [MemberData(nameof(SeedIndices))]
    public void InterleavedCallsShareOneStream(int index)
    {
        var s = Seeds[index];
        var rs = Fresh(s);
        var expected = s.GetProperty("interleaved_rand_rand_randint1_9_randint5_x5").EnumerateArray().ToArray();
        for (int round = 0; round < 5; round++)
        {
            Assert.Equal(expected[4 * round].GetDouble(), rs.Rand());
            Assert.Equal(expected[4 * round + 1].GetDouble(), rs.Rand());
            Assert.Equal(expected[4 * round + 2].GetInt64(), rs.RandInt(1, 9));
            Assert.Equal(expected[4 * round + 3].GetInt64(), rs.RandInt(5));
        }
    }

    [Theory]
    [MemberData(nameof(SeedIndices))]
    public void StreamsStayEqualAfterTheStateIsRegenerated(int index)
    {
        // One generator: 700 doubles (1,400 words, past the 624-word regeneration), the five doubles of
        // random_sample_after_700, then the five raw words of raw_uint32_after_1400_words (words 1,410..1,414).
        var s = Seeds[index];
        var rs = Fresh(s);
        for (int i = 0; i < 700; i++) rs.Rand();
        double[] doubles = Doubles(s.GetProperty("random_sample_after_700"));
        Assert.Equal(doubles, doubles.Select(_ => rs.Rand()).ToArray());
        Assert.Equal(1410, rs.WordsDrawn);
        long[] words = Longs(s.GetProperty("raw_uint32_after_1400_words"));
        Assert.Equal(words, words.Select(_ => (long)rs.NextUInt32()).ToArray());
    }

    [Fact]
    public void CloneContinuesTheSameStreamIndependently()
    {
        var a = new NumpyRandomState(7);
        for (int i = 0; i < 1000; i++) a.NextUInt32();
        var b = a.Clone();
        Assert.Equal(a.WordsDrawn, b.WordsDrawn);
        for (int i = 0; i < 1000; i++) Assert.Equal(a.NextUInt32(), b.NextUInt32());
    }

    [Fact]
    public void InitByArrayMatchesTheMersenneTwisterReference()
    {
        // mt19937ar.c's published test: init_by_array({0x123, 0x234, 0x345, 0x456}) then genrand_int32().
        var rs = new NumpyRandomState([0x123u, 0x234u, 0x345u, 0x456u]);
        Assert.Equal([1067595299u, 955945823u, 477289528u, 4107218783u, 4228976476u], Enumerable.Range(0, 5).Select(_ => rs.NextUInt32()));
    }

    [Fact]
    public void BadArgumentsAreClearErrors()
    {
        Assert.Contains("2**32 - 1", Assert.Throws<ArgumentOutOfRangeException>(() => new NumpyRandomState(-1)).Message);
        Assert.Contains("2**32 - 1", Assert.Throws<ArgumentOutOfRangeException>(() => new NumpyRandomState(1L << 32)).Message);
        Assert.Contains("low >= high", Assert.Throws<ArgumentOutOfRangeException>(() => new NumpyRandomState(0).RandInt(3, 3)).Message);
        Assert.Throws<ArgumentException>(() => new NumpyRandomState(ReadOnlySpan<uint>.Empty));
    }

    [Fact]
    public void RandBelowIsRandLessThanPForEveryProbabilityAndAtTheBoundary()
    {
        double[] probabilities = [0, 1, 0.1, 0.5, 1.0 / 3, Math.Pow(2, -53), 1 - Math.Pow(2, -53), 0.999, 1e-9, -0.5, 1.5];
        var picks = new NumpyRandomState(7);
        var all = probabilities.Concat(Enumerable.Range(0, 50).Select(_ => picks.Rand())).ToArray();
        foreach (double p in all)
        {
            var a = new NumpyRandomState(123);
            var b = new NumpyRandomState(123);
            ulong threshold = NumpyRandomState.RandThreshold(p);
            // 700 draws pass the end of a 624-word key, where the two words come from two refills.
            for (int i = 0; i < 700; i++) Assert.Equal(a.Rand() < p, b.RandBelow(threshold));
        }

        // A draw equal to p is not below it; the next double above it is.
        var first = new NumpyRandomState(99);
        double u = first.Rand();
        Assert.False(new NumpyRandomState(99).RandBelow(NumpyRandomState.RandThreshold(u)));
        Assert.True(new NumpyRandomState(99).RandBelow(NumpyRandomState.RandThreshold(Math.BitIncrement(u))));
        Assert.Throws<ArgumentOutOfRangeException>(() => NumpyRandomState.RandThreshold(double.NaN));
    }
}
