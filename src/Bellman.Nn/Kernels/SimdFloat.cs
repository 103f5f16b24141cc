using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Bellman.Nn.Kernels;

/// <summary>
/// The few float32 vector operations the GEMM kernels need, as static abstract members so that one
/// generic kernel source is specialised by the JIT for Vector512, Vector256 and Vector128.
/// <see cref="MultiplyAdd"/> is a·b + c fused into one rounding wherever the hardware has FMA
/// (MultiplyAddEstimate semantics), matching <see cref="float.MultiplyAddEstimate"/> lane for lane.
/// </summary>
internal unsafe interface ISimdFloat<TSelf> where TSelf : struct, ISimdFloat<TSelf>
{
    /// <summary>Lanes per vector.</summary>
    static abstract int Count { get; }

    /// <summary>All lanes zero.</summary>
    static abstract TSelf Zero { get; }

    /// <summary>Loads <see cref="Count"/> floats (unaligned).</summary>
    static abstract TSelf Load(float* source);

    /// <summary>All lanes equal to <paramref name="value"/>.</summary>
    static abstract TSelf Broadcast(float value);

    /// <summary>left · right + addend per lane, fused where the hardware supports it.</summary>
    static abstract TSelf MultiplyAdd(TSelf left, TSelf right, TSelf addend);

    /// <summary>left + right per lane.</summary>
    static abstract TSelf Add(TSelf left, TSelf right);

    /// <summary>Stores <see cref="Count"/> floats (unaligned).</summary>
    static abstract void Store(TSelf value, float* destination);

    /// <summary>The horizontal sum of the lanes (a fixed order for a given width).</summary>
    static abstract float Sum(TSelf value);
}

/// <summary>16 float32 lanes (AVX-512).</summary>
internal readonly unsafe struct Simd512(Vector512<float> value) : ISimdFloat<Simd512>
{
    private readonly Vector512<float> _value = value;

    public static int Count => Vector512<float>.Count;
    public static Simd512 Zero => default;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd512 Load(float* source) => new(Vector512.Load(source));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd512 Broadcast(float value) => new(Vector512.Create(value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd512 MultiplyAdd(Simd512 left, Simd512 right, Simd512 addend)
        => new(Vector512.MultiplyAddEstimate(left._value, right._value, addend._value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd512 Add(Simd512 left, Simd512 right) => new(left._value + right._value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Simd512 value, float* destination) => value._value.Store(destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(Simd512 value) => Vector512.Sum(value._value);
}

/// <summary>8 float32 lanes (AVX2).</summary>
internal readonly unsafe struct Simd256(Vector256<float> value) : ISimdFloat<Simd256>
{
    private readonly Vector256<float> _value = value;

    public static int Count => Vector256<float>.Count;
    public static Simd256 Zero => default;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256 Load(float* source) => new(Vector256.Load(source));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256 Broadcast(float value) => new(Vector256.Create(value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256 MultiplyAdd(Simd256 left, Simd256 right, Simd256 addend)
        => new(Vector256.MultiplyAddEstimate(left._value, right._value, addend._value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256 Add(Simd256 left, Simd256 right) => new(left._value + right._value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Simd256 value, float* destination) => value._value.Store(destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(Simd256 value) => Vector256.Sum(value._value);
}

/// <summary>4 float32 lanes (SSE, AdvSimd).</summary>
internal readonly unsafe struct Simd128(Vector128<float> value) : ISimdFloat<Simd128>
{
    private readonly Vector128<float> _value = value;

    public static int Count => Vector128<float>.Count;
    public static Simd128 Zero => default;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd128 Load(float* source) => new(Vector128.Load(source));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd128 Broadcast(float value) => new(Vector128.Create(value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd128 MultiplyAdd(Simd128 left, Simd128 right, Simd128 addend)
        => new(Vector128.MultiplyAddEstimate(left._value, right._value, addend._value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd128 Add(Simd128 left, Simd128 right) => new(left._value + right._value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Simd128 value, float* destination) => value._value.Store(destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(Simd128 value) => Vector128.Sum(value._value);
}
