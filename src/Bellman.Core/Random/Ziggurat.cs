namespace Bellman.Core.Random;

/// <summary>
/// The 256-layer ziggurat tables (Marsaglia and Tsang, 2000) in the layout NumPy's Generator uses for
/// <c>standard_normal</c> and <c>standard_exponential</c>. For a density f with tail start r and layer
/// area v = r·f(r) + ∫_r^∞ f: x_255 = r, x_{i−1} = f⁻¹(f(x_i) + v/x_i), the base strip has width
/// x_b = v/f(r). With B the number of random bits (52 for the normal, 53 for the exponential):
/// <code>
/// w_0 = x_b / 2^B,  w_i = x_i / 2^B;   k_0 = ⌊2^B·r/x_b⌋,  k_1 = 0,  k_i = ⌊2^B·x_{i−1}/x_i⌋;   f_0 = 1, f_i = f(x_i).
/// </code>
/// The tables are computed here from r and v in double precision. NumPy ships them precomputed, and
/// its values are not reproduced bit for bit by this recursion (nor by a 60-digit one): in the entries
/// compared, the widths w_i agree to about 1e-14 relative and the bounds k_i to a few dozen units in 2^52
/// near the top layers. So a normal or exponential draw (bits·w_i) can differ from NumPy's in its last
/// bits, and an accept/reject decision differs with probability about 1e-14; cast to float32 (as
/// Gymnasium's Box samples are) every recorded sample agrees.
/// </summary>
internal static class Ziggurat
{
    /// <summary>Start of the normal tail, r.</summary>
    public const double NormalR = 3.6541528853610088;

    /// <summary>1/r for the normal tail.</summary>
    public const double NormalInvR = 0.27366123732975828;

    /// <summary>Start of the exponential tail, r.</summary>
    public const double ExponentialR = 7.6971174701310497;

    // Layer areas v, chosen so that the base strip x_b = v/f(r) is the one NumPy's tables use.
    private const double NormalV = 4.928673233974652e-3;
    private const double ExponentialV = 3.9496598225815573e-3;

    /// <summary>Normal tables: acceptance bounds k, widths w, densities f.</summary>
    public static readonly (ulong[] K, double[] W, double[] F) Normal =
        Build(NormalR, NormalV, bits: 52, x => Math.Exp(-0.5 * x * x), y => Math.Sqrt(-2.0 * Math.Log(y)));

    /// <summary>Exponential tables: acceptance bounds k, widths w, densities f.</summary>
    public static readonly (ulong[] K, double[] W, double[] F) Exponential =
        Build(ExponentialR, ExponentialV, bits: 53, x => Math.Exp(-x), y => -Math.Log(y));

    private static (ulong[] K, double[] W, double[] F) Build(double r, double v, int bits, Func<double, double> f, Func<double, double> fInverse)
    {
        const int layers = 256;
        double scale = Math.ScaleB(1.0, bits);
        var x = new double[layers];
        x[layers - 1] = r;
        for (int i = layers - 1; i > 1; i--) x[i - 1] = fInverse(f(x[i]) + v / x[i]);
        double baseWidth = v / f(r);

        var k = new ulong[layers];
        var w = new double[layers];
        var fi = new double[layers];
        k[0] = (ulong)(scale * r / baseWidth);
        k[1] = 0;
        w[0] = baseWidth / scale;
        fi[0] = 1.0;
        for (int i = 1; i < layers; i++)
        {
            if (i > 1) k[i] = (ulong)(scale * x[i - 1] / x[i]);
            w[i] = x[i] / scale;
            fi[i] = f(x[i]);
        }
        return (k, w, fi);
    }
}
