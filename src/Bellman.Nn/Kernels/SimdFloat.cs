using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Bellman.Nn.Kernels;

/// <summary>
/// The float32 vector operations the engine's kernels need, as static abstract members so that one generic
/// kernel source is specialised by the JIT for Vector512, Vector256 and Vector128 (tests run every width on any
/// machine). Every operation is IEEE float32 lane by lane, so an elementwise kernel gives the same bits at every
/// width and as its scalar reference. <see cref="MultiplyAdd"/> is a·b + c fused into one rounding wherever the
/// hardware has FMA (MultiplyAddEstimate semantics), matching <see cref="float.MultiplyAddEstimate"/> lane for lane.
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

    /// <summary>left − right per lane.</summary>
    static abstract TSelf Subtract(TSelf left, TSelf right);

    /// <summary>left · right per lane.</summary>
    static abstract TSelf Multiply(TSelf left, TSelf right);

    /// <summary>left / right per lane.</summary>
    static abstract TSelf Divide(TSelf left, TSelf right);

    /// <summary>√x per lane (correctly rounded, as <see cref="MathF.Sqrt"/>).</summary>
    static abstract TSelf Sqrt(TSelf x);

    /// <summary>max(left, right) per lane with <see cref="MathF.Max"/>'s rules (NaN propagates, +0 &gt; −0).</summary>
    static abstract TSelf Max(TSelf left, TSelf right);

    /// <summary>x where x &lt; 0 is false, else +0: ReLU that keeps NaN (NaN &lt; 0 is false).</summary>
    static abstract TSelf Relu(TSelf x);

    /// <summary>value where gate &gt; 0, else +0 (the ReLU gradient mask).</summary>
    static abstract TSelf WherePositive(TSelf gate, TSelf value);

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
    public static Simd512 Subtract(Simd512 left, Simd512 right) => new(left._value - right._value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd512 Multiply(Simd512 left, Simd512 right) => new(left._value * right._value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd512 Divide(Simd512 left, Simd512 right) => new(left._value / right._value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd512 Sqrt(Simd512 x) => new(Vector512.Sqrt(x._value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd512 Max(Simd512 left, Simd512 right) => new(Vector512.Max(left._value, right._value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd512 Relu(Simd512 x) => new(Vector512.AndNot(x._value, Vector512.LessThan(x._value, Vector512<float>.Zero)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd512 WherePositive(Simd512 gate, Simd512 value) => new(value._value & Vector512.GreaterThan(gate._value, Vector512<float>.Zero));

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
    public static Simd256 Subtract(Simd256 left, Simd256 right) => new(left._value - right._value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256 Multiply(Simd256 left, Simd256 right) => new(left._value * right._value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256 Divide(Simd256 left, Simd256 right) => new(left._value / right._value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256 Sqrt(Simd256 x) => new(Vector256.Sqrt(x._value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256 Max(Simd256 left, Simd256 right) => new(Vector256.Max(left._value, right._value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256 Relu(Simd256 x) => new(Vector256.AndNot(x._value, Vector256.LessThan(x._value, Vector256<float>.Zero)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256 WherePositive(Simd256 gate, Simd256 value) => new(value._value & Vector256.GreaterThan(gate._value, Vector256<float>.Zero));

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
    public static Simd128 Subtract(Simd128 left, Simd128 right) => new(left._value - right._value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd128 Multiply(Simd128 left, Simd128 right) => new(left._value * right._value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd128 Divide(Simd128 left, Simd128 right) => new(left._value / right._value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd128 Sqrt(Simd128 x) => new(Vector128.Sqrt(x._value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd128 Max(Simd128 left, Simd128 right) => new(Vector128.Max(left._value, right._value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd128 Relu(Simd128 x) => new(Vector128.AndNot(x._value, Vector128.LessThan(x._value, Vector128<float>.Zero)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd128 WherePositive(Simd128 gate, Simd128 value) => new(value._value & Vector128.GreaterThan(gate._value, Vector128<float>.Zero));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Simd128 value, float* destination) => value._value.Store(destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(Simd128 value) => Vector128.Sum(value._value);
}
