using Bellman.Core.Random;
using Xunit;

namespace Bellman.Environments.Tests.ClassicControl;

/// <summary>
/// Assumptions about the platform's maths that exactness rests on. Gymnasium calls sin and cos
/// separately; the environments use <see cref="Math.SinCos"/> for speed, which must give the same bits.
/// </summary>
public sealed class ClassicControlPlatformTests
{
    [Fact]
    public void SinCos_gives_the_same_bits_as_Sin_and_Cos()
    {
        var rng = new Rng(2024);
        for (int i = 0; i < 200_000; i++)
        {
            // Small angles (CartPole, Acrobot near rest), whole turns (Pendulum, Acrobot) and larger values.
            double scale = (i % 3) switch { 0 => 0.5, 1 => 4.0, _ => 40.0 };
            double x = rng.Uniform(-scale, scale);
            var (sin, cos) = Math.SinCos(x);
            Assert.True(BitConverter.DoubleToInt64Bits(sin) == BitConverter.DoubleToInt64Bits(Math.Sin(x)), $"sin({x:R})");
            Assert.True(BitConverter.DoubleToInt64Bits(cos) == BitConverter.DoubleToInt64Bits(Math.Cos(x)), $"cos({x:R})");
        }
    }
}
