using Bellman.Core.Environments;

namespace Bellman.Environments.Rendering;

/// <summary>Draws an environment's current state into a frame, as Gymnasium's <c>render()</c> in <c>rgb_array</c> mode.</summary>
public interface IEnvironmentRenderer
{
    /// <summary>The frame width in pixels.</summary>
    int Width { get; }

    /// <summary>The frame height in pixels.</summary>
    int Height { get; }

    /// <summary>Gymnasium's <c>metadata["render_fps"]</c>: the playback speed of a video of this environment.</summary>
    int FramesPerSecond { get; }

    /// <summary>Draws the current state into <paramref name="frame"/> (of <see cref="Width"/> x <see cref="Height"/>).</summary>
    void Render(RgbFrame frame);
}

/// <summary>A renderer of a classic-control environment: reads the explicit state (Gymnasium's <c>env.unwrapped.state</c>).</summary>
internal abstract class StateRenderer(IStatefulEnvironment env, int width, int height, int fps) : IEnvironmentRenderer
{
    private readonly double[] _state = new double[env.StateSize];

    public int Width => width;

    public int Height => height;

    public int FramesPerSecond => fps;

    public void Render(RgbFrame frame)
    {
        EnvironmentRenderers.CheckSize(this, frame, env.Name);
        env.GetState(_state);
        var canvas = new Canvas(frame, yUp: true);
        canvas.Clear(Rgb.White);
        Draw(canvas, _state);
    }

    protected abstract void Draw(Canvas canvas, ReadOnlySpan<double> state);

    /// <summary>The rectangle (l, b)-(r, t) rotated by <paramref name="angle"/> and shifted by (x, y).</summary>
    protected static (double X, double Y)[] Box(double l, double r, double t, double b, double angle, double x, double y) =>
    [
        Canvas.Rotate((l, b), angle, x, y), Canvas.Rotate((l, t), angle, x, y),
        Canvas.Rotate((r, t), angle, x, y), Canvas.Rotate((r, b), angle, x, y),
    ];
}

/// <summary>
/// CartPole-v1, 600x400: the track (a black line at y = 100), the cart (50x30, black) centred at
/// x·scale + 300 with scale = 600/4.8, the pole (10 px wide, 2·0.5·scale long, tan (202, 152, 101)) tilted by θ
/// from the axle 7.5 px above the cart's centre, and the axle (blue-grey (129, 132, 203), radius 5).
/// </summary>
internal sealed class CartPoleRenderer(IStatefulEnvironment env) : StateRenderer(env, 600, 400, 50)
{
    protected override void Draw(Canvas c, ReadOnlySpan<double> s)
    {
        const double scale = 600 / (2 * 2.4), poleWidth = 10, poleLength = scale * 2 * 0.5, cartWidth = 50, cartHeight = 30;
        const double cartY = 100, axleOffset = cartHeight / 4;
        double cartX = s[0] * scale + 600 / 2.0;
        c.FillPolygon(Box(-cartWidth / 2, cartWidth / 2, cartHeight / 2, -cartHeight / 2, 0, cartX, cartY), Rgb.Black);
        c.FillPolygon(Box(-poleWidth / 2, poleWidth / 2, poleLength - poleWidth / 2, -poleWidth / 2, -s[2], cartX, cartY + axleOffset), new Rgb(202, 152, 101));
        c.FillCircle(cartX, cartY + axleOffset, poleWidth / 2, new Rgb(129, 132, 203));
        c.Line(0, cartY, 600, cartY, Rgb.Black);
    }
}

/// <summary>
/// MountainCar-v0 and MountainCarContinuous-v0, 600x400: the hill y = 0.45 sin(3x) + 0.55 (a black polyline
/// of 100 points, scale = 600/1.8), the goal flag (pole 50 px, yellow (204, 204, 0) pennant) at the goal
/// position, and the car (40x20, black, two grey wheels) tilted by cos(3x) at 10 px clearance.
/// </summary>
internal sealed class MountainCarRenderer(IStatefulEnvironment env, double goalPosition) : StateRenderer(env, 600, 400, 30)
{
    private const double MinPosition = -1.2, MaxPosition = 0.6, Scale = 600 / (MaxPosition - MinPosition);

    private static double HillHeight(double x) => Math.Sin(3 * x) * 0.45 + 0.55;

    protected override void Draw(Canvas c, ReadOnlySpan<double> s)
    {
        const double carWidth = 40, carHeight = 20, clearance = 10;
        var hill = new (double X, double Y)[100];
        for (int i = 0; i < hill.Length; i++)
        {
            double x = MinPosition + (MaxPosition - MinPosition) * i / (hill.Length - 1);
            hill[i] = ((x - MinPosition) * Scale, HillHeight(x) * Scale);
        }
        c.Polyline(hill, Rgb.Black);

        double pos = s[0], angle = Math.Cos(3 * pos);
        double baseX = (pos - MinPosition) * Scale, baseY = clearance + HillHeight(pos) * Scale;
        c.FillPolygon(Box(-carWidth / 2, carWidth / 2, carHeight, 0, angle, baseX, baseY), Rgb.Black);
        foreach (double wx in (ReadOnlySpan<double>)[carWidth / 4, -carWidth / 4])
        {
            var (x, y) = Canvas.Rotate((wx, 0), angle, baseX, baseY);
            c.FillCircle(x, y, carHeight / 2.5, new Rgb(128, 128, 128));
        }

        double flagX = (goalPosition - MinPosition) * Scale, flagY1 = HillHeight(goalPosition) * Scale, flagY2 = flagY1 + 50;
        c.Line(flagX, flagY1, flagX, flagY2, Rgb.Black);
        c.FillPolygon([(flagX, flagY2), (flagX, flagY2 - 10), (flagX + 25, flagY2 - 5)], new Rgb(204, 204, 0));
    }
}

/// <summary>
/// Acrobot-v1, 500x500, scale = 500/4.4 around the centre: the target line one link length above the pivot
/// (black), the two links (cyan (0, 204, 204), 0.2·scale wide) from the pivot at angles θ₁ and θ₁ + θ₂ from
/// straight down, and yellow (204, 204, 0) joints.
/// </summary>
internal sealed class AcrobotRenderer(IStatefulEnvironment env) : StateRenderer(env, 500, 500, 15)
{
    protected override void Draw(Canvas c, ReadOnlySpan<double> s)
    {
        const double bound = 1 + 1 + 0.2, scale = 500 / (bound * 2), offset = 500 / 2.0;
        // Gymnasium computes p = (−cos θ, sin θ) and swaps the coordinates: x = sin θ, y = −cos θ.
        (double X, double Y) p1 = (Math.Sin(s[0]) * scale, -Math.Cos(s[0]) * scale);
        c.Line(-2.2 * scale + offset, scale + offset, 2.2 * scale + offset, scale + offset, Rgb.Black);
        ReadOnlySpan<(double X, double Y)> joints = [(0, 0), p1];
        ReadOnlySpan<double> thetas = [s[0] - Math.PI / 2, s[0] + s[1] - Math.PI / 2];
        for (int i = 0; i < 2; i++)
        {
            double x = joints[i].X + offset, y = joints[i].Y + offset;
            c.FillPolygon(Box(0, scale, 0.1 * scale, -0.1 * scale, thetas[i], x, y), new Rgb(0, 204, 204));
            c.FillCircle(x, y, 0.1 * scale, new Rgb(204, 204, 0));
        }
    }
}

/// <summary>
/// Pendulum-v1, 500x500, scale = 500/4.4: the rod (red (204, 77, 77), 0.2·scale wide, rounded end) at angle
/// θ from upright, and the black axle. Gymnasium's torque arrow is a bundled image and is not drawn.
/// </summary>
internal sealed class PendulumRenderer(IStatefulEnvironment env) : StateRenderer(env, 500, 500, 30)
{
    protected override void Draw(Canvas c, ReadOnlySpan<double> s)
    {
        const double scale = 500 / (2.2 * 2), offset = 500 / 2.0, rodLength = scale, rodWidth = 0.2 * scale;
        var color = new Rgb(204, 77, 77);
        double angle = s[0] + Math.PI / 2;
        c.FillPolygon(Box(0, rodLength, rodWidth / 2, -rodWidth / 2, angle, offset, offset), color);
        c.FillCircle(offset, offset, rodWidth / 2, color);
        var (ex, ey) = Canvas.Rotate((rodLength, 0), angle, offset, offset);
        c.FillCircle(ex, ey, rodWidth / 2, color);
        c.FillCircle(offset, offset, 0.05 * scale, Rgb.Black);
    }
}
