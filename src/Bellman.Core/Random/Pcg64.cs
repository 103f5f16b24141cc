using System.Runtime.CompilerServices;

namespace Bellman.Core.Random;

/// <summary>
/// NumPy's <c>PCG64</c> bit generator: PCG XSL-RR 128/64. The state is a 128-bit LCG
/// s ← s·M + inc (mod 2^128) with M = 0x2360ED051FC65DA44385DF649FCCF645 and an odd increment; each
/// 64-bit output steps first, then returns rotr64(hi64(s) ⊕ lo64(s), s &gt;&gt; 122).
/// <para>
/// Seeded from a <see cref="SeedSequence"/> as NumPy does: with v = generate_state(4, uint64),
/// initstate = v0·2^64 + v1, initinc = v2·2^64 + v3; inc = 2·initinc + 1, s = 0, step, s += initstate, step.
/// A 32-bit request (<see cref="NextUInt32"/>) returns the low half of a fresh 64-bit word and keeps the
/// high half for the next 32-bit request, as NumPy's <c>has_uint32</c>/<c>uinteger</c> buffer does.
/// </para>
/// </summary>
public sealed class Pcg64
{
    private static readonly UInt128 Multiplier = new(0x2360ED051FC65DA4UL, 0x4385DF649FCCF645UL);

    private UInt128 _state;
    private UInt128 _inc;
    private bool _hasUInt32;
    private uint _uinteger;

    /// <summary>A generator seeded from <paramref name="seedSequence"/>, as <c>PCG64(seed_sequence)</c>.</summary>
    public Pcg64(SeedSequence seedSequence)
    {
        ArgumentNullException.ThrowIfNull(seedSequence);
        ulong[] v = seedSequence.GenerateState64(4);
        var initState = new UInt128(v[0], v[1]);
        var initInc = new UInt128(v[2], v[3]);
        _inc = (initInc << 1) | UInt128.One;
        _state = UInt128.Zero;
        Step();
        _state += initState;
        Step();
    }

    /// <summary>The 128-bit LCG state.</summary>
    public UInt128 State => _state;

    /// <summary>The 128-bit odd increment.</summary>
    public UInt128 Increment => _inc;

    /// <summary>Whether a kept high half is waiting for the next 32-bit request.</summary>
    public bool HasUInt32 => _hasUInt32;

    /// <summary>The kept high half (meaningful when <see cref="HasUInt32"/>).</summary>
    public uint UInteger => _uinteger;

    /// <summary>The full state as six words (state hi, lo, inc hi, lo, has_uint32, uinteger), for checkpoints.</summary>
    public ulong[] GetState() =>
        [(ulong)(_state >> 64), (ulong)_state, (ulong)(_inc >> 64), (ulong)_inc, _hasUInt32 ? 1UL : 0UL, _uinteger];

    /// <summary>Restores a state captured by <see cref="GetState"/>.</summary>
    public void SetState(ReadOnlySpan<ulong> state)
    {
        if (state.Length != 6) throw new ArgumentException($"A PCG64 state has 6 words, got {state.Length}.", nameof(state));
        if ((state[3] & 1) == 0) throw new ArgumentException("A PCG64 increment must be odd.", nameof(state));
        if (state[4] > 1 || state[5] > uint.MaxValue) throw new ArgumentException("PCG64 state words 4 and 5 are a flag (0 or 1) and a 32-bit value.", nameof(state));
        _state = new UInt128(state[0], state[1]);
        _inc = new UInt128(state[2], state[3]);
        _hasUInt32 = state[4] == 1;
        _uinteger = (uint)state[5];
    }

    /// <summary>The next 64 random bits (NumPy's <c>random_raw</c> / <c>next_uint64</c>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong NextUInt64()
    {
        Step();
        ulong x = (ulong)(_state >> 64) ^ (ulong)_state;
        int rot = (int)(_state >> 122);
        return ulong.RotateRight(x, rot);
    }

    /// <summary>The next 32 random bits: the kept high half if there is one, else the low half of a fresh word.</summary>
    public uint NextUInt32()
    {
        if (_hasUInt32)
        {
            _hasUInt32 = false;
            return _uinteger;
        }
        ulong word = NextUInt64();
        _hasUInt32 = true;
        _uinteger = (uint)(word >> 32);
        return (uint)word;
    }

    /// <summary>A uniform double in [0, 1): (next_uint64 &gt;&gt; 11)·2^-53, always from a fresh 64-bit word.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / 9007199254740992.0);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Step() => _state = _state * Multiplier + _inc;
}
