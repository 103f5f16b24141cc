using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Bellman.Core.Random;

/// <summary>
/// A port of numpy's legacy <c>np.random.RandomState</c> (MT19937, Matsumoto &amp; Nishimura 1998) for the
/// methods that reproducing Python code needs: same seed, same calls → the same numbers as numpy, bit for
/// bit. An integer seed goes through Knuth's initialiser (<c>init_genrand</c>, numpy's <c>mt19937_seed</c>);
/// an array seed through <c>init_by_array</c>.
/// <para>
/// <see cref="Rand()"/> is numpy's 53-bit double from two words a, b: ((a ≫ 5)·2^26 + (b ≫ 6)) / 2^53.
/// <see cref="RandInt(long, long)"/> is numpy's legacy bounded integer: with r = high − low − 1 and
/// mask = the smallest 2^k − 1 ≥ r, it draws a word w until (w &amp; mask) ≤ r and returns low + (w &amp; mask);
/// when r = 0 it returns low and draws nothing.
/// </para>
/// </summary>
public sealed class NumpyRandomState : Bellman.Core.State.IResumable
{
    private const int N = 624;
    private const int M = 397;
    private const uint MatrixA = 0x9908b0dfU;
    private const uint UpperMask = 0x80000000U;
    private const uint LowerMask = 0x7fffffffU;

    private readonly uint[] _key = new uint[N];
    private int _pos;

    /// <summary>
    /// <c>RandomState(seed)</c> with an integer seed (numpy's <c>mt19937_seed</c>); numpy rejects seeds outside
    /// [0, 2^32 − 1], and so does this.
    /// </summary>
    public NumpyRandomState(long seed)
    {
        if (seed < 0 || seed > uint.MaxValue)
            throw new ArgumentOutOfRangeException(nameof(seed), seed, "Seed must be between 0 and 2**32 - 1 (as numpy's RandomState requires).");
        InitGenrand((uint)seed);
    }

    /// <summary><c>RandomState(array)</c>: MT19937's <c>init_by_array</c> on a non-empty key of 32-bit words.</summary>
    public NumpyRandomState(ReadOnlySpan<uint> key)
    {
        if (key.IsEmpty) throw new ArgumentException("Seed must be non-empty (as numpy's RandomState requires).", nameof(key));
        InitByArray(key);
    }

    private NumpyRandomState(NumpyRandomState other)
    {
        other._key.CopyTo(_key, 0);
        _pos = other._pos;
        WordsDrawn = other.WordsDrawn;
    }

    /// <summary>How many 32-bit words this generator has produced since it was seeded (for finding where two streams diverge).</summary>
    public long WordsDrawn { get; private set; }

    /// <summary>Writes the 624-word key, the position and the word count (numpy's <c>get_state()</c> without the Gaussian cache, which nothing here uses).</summary>
    public void WriteState(BinaryWriter writer)
    {
        writer.Write(_pos);
        writer.Write(WordsDrawn);
        foreach (uint k in _key) writer.Write(k);
    }

    /// <summary>Restores a state written by <see cref="WriteState"/>.</summary>
    public void ReadState(BinaryReader reader)
    {
        int pos = reader.ReadInt32();
        if (pos < 0 || pos > N) throw new InvalidDataException($"an MT19937 position of {pos} (0..{N})");
        long drawn = reader.ReadInt64();
        for (int i = 0; i < N; i++) _key[i] = reader.ReadUInt32();
        _pos = pos;
        WordsDrawn = drawn;
    }

    /// <summary>An independent copy in the same state (as Python's <c>copy.deepcopy</c> of a RandomState).</summary>
    public NumpyRandomState Clone() => new(this);

    /// <summary>The next raw 32-bit MT19937 output (numpy's <c>mt19937_next32</c>; equals <c>randint(2**32)</c>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public uint NextUInt32()
    {
        if (_pos == N) Generate();
        WordsDrawn++;
        return Temper(_key[_pos++]);
    }

    /// <summary>MT19937's tempering of one word of the key.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Temper(uint y)
    {
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c5680U;
        y ^= (y << 15) & 0xefc60000U;
        return y ^ (y >> 18);
    }

    /// <summary><c>random_sample()</c> / <c>rand()</c>: a uniform double in [0, 1) from two words, ((a ≫ 5)·2^26 + (b ≫ 6)) / 2^53.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double Rand() => (long)Next53() / 9007199254740992.0; // k < 2^53 converts exactly

    /// <summary>
    /// <c>rand() &lt; p</c> for the <paramref name="threshold"/> = <see cref="RandThreshold"/>(p), from the same two
    /// words and with the same result, compared as integers: the draw is k / 2^53 for the integer k = (a ≫ 5)·2^26 +
    /// (b ≫ 6), and k / 2^53 &lt; p exactly when k &lt; ⌈p·2^53⌉ (scaling by 2^53 is exact).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool RandBelow(ulong threshold) => Next53() < threshold;

    /// <summary>The 53-bit integer k = (a ≫ 5)·2^26 + (b ≫ 6) of <c>rand()</c>'s two words.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ulong Next53()
    {
        uint a, b;
        int pos = _pos;
        if (pos <= N - 2)
        {
            // Both words are in the current key (all but one call in 312): no refill check between them.
            uint[] key = _key;
            a = Temper(key[pos]) >> 5;
            b = Temper(key[pos + 1]) >> 6;
            _pos = pos + 2;
            WordsDrawn += 2;
        }
        else
        {
            a = NextUInt32() >> 5;
            b = NextUInt32() >> 6;
        }
        return ((ulong)a << 26) | b;
    }

    /// <summary>The threshold for <see cref="RandBelow"/> that makes it <c>rand() &lt; p</c>: ⌈p·2^53⌉, clamped to [0, 2^53].</summary>
    public static ulong RandThreshold(double p)
    {
        if (double.IsNaN(p)) throw new ArgumentOutOfRangeException(nameof(p), p, "a probability, not NaN");
        return (ulong)Math.Ceiling(Math.Clamp(p, 0, 1) * 9007199254740992.0);
    }

    /// <summary><c>rand(n)</c>: fills <paramref name="destination"/> with doubles drawn one after another.</summary>
    public void Rand(Span<double> destination)
    {
        for (int i = 0; i < destination.Length; i++) destination[i] = Rand();
    }

    /// <summary><c>randint(high)</c>: a uniform integer in [0, <paramref name="high"/>).</summary>
    public long RandInt(long high) => RandInt(0, high);

    /// <summary>
    /// <c>randint(low, high)</c>: a uniform integer in [<paramref name="low"/>, <paramref name="high"/>) by
    /// masked rejection sampling (numpy's legacy path). A range of one value returns <paramref name="low"/>
    /// without drawing.
    /// </summary>
    public long RandInt(long low, long high)
    {
        if (low >= high) throw new ArgumentOutOfRangeException(nameof(high), high, $"randint: low >= high ({low} >= {high}).");
        ulong range = unchecked((ulong)(high - low - 1));
        return unchecked(low + (long)Bounded(range));
    }

    /// <summary><c>randint(low, high, size)</c>: fills <paramref name="destination"/> element by element as <see cref="RandInt(long, long)"/>.</summary>
    public void RandInt(long low, long high, Span<long> destination)
    {
        if (low >= high) throw new ArgumentOutOfRangeException(nameof(high), high, $"randint: low >= high ({low} >= {high}).");
        ulong range = unchecked((ulong)(high - low - 1));
        for (int i = 0; i < destination.Length; i++) destination[i] = unchecked(low + (long)Bounded(range));
    }

    /// <summary>A value in [0, <paramref name="range"/>] as numpy's <c>random_bounded_uint64</c> with the mask: 32-bit words up to 2^32 − 1, else 64-bit.</summary>
    private ulong Bounded(ulong range)
    {
        if (range == 0) return 0;
        if (range == uint.MaxValue) return NextUInt32();
        ulong mask = range;
        mask |= mask >> 1;
        mask |= mask >> 2;
        mask |= mask >> 4;
        mask |= mask >> 8;
        mask |= mask >> 16;
        mask |= mask >> 32;
        if (range < uint.MaxValue)
        {
            uint m32 = (uint)mask;
            uint value;
            while ((value = NextUInt32() & m32) > range) { }
            return value;
        }
        if (range == ulong.MaxValue) return NextUInt64();
        ulong v;
        while ((v = NextUInt64() & mask) > range) { }
        return v;
    }

    /// <summary>numpy's <c>mt19937_next64</c>: the first word is the high half.</summary>
    private ulong NextUInt64()
    {
        ulong hi = NextUInt32();
        return (hi << 32) | NextUInt32();
    }

    private void InitGenrand(uint seed)
    {
        // Knuth TAOCP Vol. 2, 3rd ed., p. 106: key[i] = 1812433253·(key[i−1] ⊕ (key[i−1] ≫ 30)) + i.
        _key[0] = seed;
        for (int i = 1; i < N; i++)
            _key[i] = unchecked(1812433253U * (_key[i - 1] ^ (_key[i - 1] >> 30)) + (uint)i);
        _pos = N;
    }

    private void InitByArray(ReadOnlySpan<uint> initKey)
    {
        InitGenrand(19650218U);
        int i = 1, j = 0;
        for (int k = Math.Max(N, initKey.Length); k > 0; k--)
        {
            _key[i] = unchecked((_key[i] ^ ((_key[i - 1] ^ (_key[i - 1] >> 30)) * 1664525U)) + initKey[j] + (uint)j);
            i++;
            j++;
            if (i >= N)
            {
                _key[0] = _key[N - 1];
                i = 1;
            }
            if (j >= initKey.Length) j = 0;
        }
        for (int k = N - 1; k > 0; k--)
        {
            _key[i] = unchecked((_key[i] ^ ((_key[i - 1] ^ (_key[i - 1] >> 30)) * 1566083941U)) - (uint)i);
            i++;
            if (i >= N)
            {
                _key[0] = _key[N - 1];
                i = 1;
            }
        }
        _key[0] = 0x80000000U;
        _pos = N;
    }

    /// <summary>
    /// The MT19937 twist of all N words: key[i] ← key[i + M mod N] ⊕ Twist(key[i], key[i + 1 mod N]). It runs eight
    /// words at a time: word i reads words i + 1 and i + M (still old) or i + M − N (already new, 227 words back), so
    /// a block of eight never reads what it writes. The odd-y term is a mask, not a branch (a branch on a random bit
    /// mispredicts half the time).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Generate()
    {
        Span<uint> key = _key;
        bool vectors = Vector256.IsHardwareAccelerated;
        int i = 0;
        for (; vectors && i + 8 <= N - M; i += 8) Twist8(key, i, key.Slice(i + M, 8)).CopyTo(key.Slice(i, 8));
        for (; i < N - M; i++) key[i] = key[i + M] ^ Twist(key[i], key[i + 1]);
        for (; vectors && i + 8 < N; i += 8) Twist8(key, i, key.Slice(i + M - N, 8)).CopyTo(key.Slice(i, 8));
        for (; i < N - 1; i++) key[i] = key[i + M - N] ^ Twist(key[i], key[i + 1]);
        key[N - 1] = key[M - 1] ^ Twist(key[N - 1], key[0]);
        _pos = 0;
    }

    /// <summary>far[0..8) ⊕ Twist(key[i + j], key[i + j + 1]) for j &lt; 8.</summary>
    private static Vector256<uint> Twist8(ReadOnlySpan<uint> key, int i, ReadOnlySpan<uint> far)
    {
        var current = Vector256.Create(key.Slice(i, 8));
        var next = Vector256.Create(key.Slice(i + 1, 8));
        var y = (current & Vector256.Create(UpperMask)) | (next & Vector256.Create(LowerMask));
        var odd = Vector256<uint>.Zero - (y & Vector256<uint>.One);
        return Vector256.Create(far) ^ (y >> 1) ^ (odd & Vector256.Create(MatrixA));
    }

    private static uint Twist(uint current, uint next)
    {
        uint y = (current & UpperMask) | (next & LowerMask);
        return (y >> 1) ^ ((0U - (y & 1U)) & MatrixA);
    }
}
