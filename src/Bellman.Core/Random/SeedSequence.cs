namespace Bellman.Core.Random;

/// <summary>
/// NumPy's <c>SeedSequence</c>: it turns a seed of any size into well-mixed generator state, so that nearby
/// seeds (0, 1, 2, …) give unrelated streams. The seed is split into little-endian 32-bit words
/// e_0, e_1, … (the seed 0 is the single word [0]) and hashed into a pool of four words:
/// <code>
/// hashmix(v):  v ^= h;  h *= MULT_A;  v *= h;  v ^= v &gt;&gt; 16          (h starts at INIT_A, all mod 2^32)
/// mix(x, y):   r = MIX_L·x − MIX_R·y;  r ^ (r &gt;&gt; 16)
/// pool[i] = hashmix(e_i or 0), i &lt; 4;  then pool[d] = mix(pool[d], hashmix(pool[s])) for s ≠ d,
/// and for each further word e_j, pool[d] = mix(pool[d], hashmix(e_j)) for every d.
/// </code>
/// <see cref="GenerateState(int)"/> hashes the pool again, cycling over it, with INIT_B and MULT_B.
/// Only the entropy path is ported (no spawn keys): that is what Gymnasium's <c>np_random(seed)</c> uses.
/// </summary>
public sealed class SeedSequence
{
    private const int PoolSize = 4;
    private const uint InitA = 0x43b0d7e5, MultA = 0x931e8875;
    private const uint InitB = 0x8b51f9dd, MultB = 0x58f38ded;
    private const uint MixMultL = 0xca01f9dd, MixMultR = 0x4973f715;
    private const int XShift = 16;

    private readonly uint[] _pool;

    /// <summary>A sequence from a non-negative integer seed, as <c>SeedSequence(seed)</c>.</summary>
    public SeedSequence(ulong seed)
        : this(SplitWords(seed)) { }

    /// <summary>A sequence from entropy given as little-endian 32-bit words (at least one).</summary>
    public SeedSequence(ReadOnlySpan<uint> entropy)
    {
        if (entropy.IsEmpty) throw new ArgumentException("SeedSequence needs at least one entropy word.", nameof(entropy));
        Entropy = entropy.ToArray();
        _pool = MixEntropy(entropy);
    }

    /// <summary>A sequence from 128 bits of operating-system entropy, as <c>SeedSequence()</c>.</summary>
    public static SeedSequence FromEntropy()
    {
        Span<uint> words = stackalloc uint[4];
        System.Security.Cryptography.RandomNumberGenerator.Fill(System.Runtime.InteropServices.MemoryMarshal.AsBytes(words));
        return new SeedSequence(words);
    }

    /// <summary>The entropy words the pool was mixed from.</summary>
    public IReadOnlyList<uint> Entropy { get; }

    /// <summary>The mixed pool of four words (NumPy's <c>pool</c>).</summary>
    public IReadOnlyList<uint> Pool => _pool;

    /// <summary><c>generate_state(count, uint32)</c>: <paramref name="count"/> words hashed from the pool.</summary>
    public uint[] GenerateState(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var state = new uint[count];
        uint hashConst = InitB;
        for (int i = 0; i < count; i++)
        {
            uint v = _pool[i % PoolSize] ^ hashConst;
            hashConst *= MultB;
            v *= hashConst;
            state[i] = v ^ (v >> XShift);
        }
        return state;
    }

    /// <summary><c>generate_state(count, uint64)</c>: pairs of 32-bit words, the low word first.</summary>
    public ulong[] GenerateState64(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        uint[] words = GenerateState(2 * count);
        var state = new ulong[count];
        for (int i = 0; i < count; i++) state[i] = words[2 * i] | ((ulong)words[2 * i + 1] << 32);
        return state;
    }

    private static uint[] SplitWords(ulong seed) =>
        seed >> 32 == 0 ? [(uint)seed] : [(uint)seed, (uint)(seed >> 32)];

    private static uint[] MixEntropy(ReadOnlySpan<uint> entropy)
    {
        uint hashConst = InitA;
        uint HashMix(uint value)
        {
            value ^= hashConst;
            hashConst *= MultA;
            value *= hashConst;
            return value ^ (value >> XShift);
        }
        static uint Mix(uint x, uint y)
        {
            uint r = MixMultL * x - MixMultR * y;
            return r ^ (r >> XShift);
        }

        var pool = new uint[PoolSize];
        for (int i = 0; i < PoolSize; i++) pool[i] = HashMix(i < entropy.Length ? entropy[i] : 0);
        for (int src = 0; src < PoolSize; src++)
            for (int dst = 0; dst < PoolSize; dst++)
                if (src != dst) pool[dst] = Mix(pool[dst], HashMix(pool[src]));
        for (int src = PoolSize; src < entropy.Length; src++)
            for (int dst = 0; dst < PoolSize; dst++)
                pool[dst] = Mix(pool[dst], HashMix(entropy[src]));
        return pool;
    }
}
