using Bellman.Core.Environments;
using Bellman.Environments.ClassicControl;
using Bellman.Environments.MinAtar;
using Bellman.Environments.ToyText;
using Bellman.Environments.Wrappers;

namespace Bellman.Environments.Rendering;

/// <summary>Finds the renderer for an environment (looking through wrappers to the environment itself).</summary>
public static class EnvironmentRenderers
{
    /// <summary>The built-in environments that can be drawn.</summary>
    public static IReadOnlyList<string> Supported { get; } =
    [
        CartPole.Id, MountainCar.Id, MountainCarContinuous.Id, Acrobot.Id, Pendulum.Id,
        FrozenLake.Id, FrozenLake.Id8x8, CliffWalking.Id, Taxi.Id, "the MinAtar games", "any grid-shaped tabular environment",
    ];

    /// <summary>Whether <paramref name="env"/> can be drawn.</summary>
    public static bool CanRender(IEnvironment env) => TryCreate(env) is not null;

    /// <summary>
    /// A renderer bound to <paramref name="env"/>: each <see cref="IEnvironmentRenderer.Render"/> draws its
    /// current state. Throws <see cref="NotSupportedException"/> naming the environment and those that can be drawn.
    /// </summary>
    public static IEnvironmentRenderer Create(IEnvironment env) => TryCreate(env)
        ?? throw new NotSupportedException($"{env.Name} cannot be drawn; environments with a renderer: {string.Join(", ", Supported)}.");

    /// <summary>Draws the current state into a new frame.</summary>
    public static RgbFrame Render(this IEnvironmentRenderer renderer)
    {
        ArgumentNullException.ThrowIfNull(renderer);
        var frame = new RgbFrame(renderer.Width, renderer.Height);
        renderer.Render(frame);
        return frame;
    }

    /// <summary>Throws unless <paramref name="frame"/> has the renderer's size.</summary>
    internal static void CheckSize(IEnvironmentRenderer renderer, RgbFrame frame, string name)
    {
        ArgumentNullException.ThrowIfNull(frame);
        if (frame.Width != renderer.Width || frame.Height != renderer.Height)
            throw new ArgumentException($"{name} renders {renderer.Width}x{renderer.Height} frames; got {frame.Width}x{frame.Height}.", nameof(frame));
    }

    private static IEnvironmentRenderer? TryCreate(IEnvironment env)
    {
        ArgumentNullException.ThrowIfNull(env);
        return env.Unwrap() switch
        {
            CartPole e => new CartPoleRenderer(e),
            MountainCar e => new MountainCarRenderer(e, goalPosition: 0.5),
            MountainCarContinuous e => new MountainCarRenderer(e, goalPosition: 0.45),
            Acrobot e => new AcrobotRenderer(e),
            Pendulum e => new PendulumRenderer(e),
            MinAtarEnvironment e => new MinAtarRenderer(e),
            Taxi e => new TaxiRenderer(e),
            FrozenLake e => new GridRenderer(e, e.Rows, e.Columns, Math.Min(64, 512 / Math.Max(e.Rows, e.Columns)), (r, c) => e.Map[r][c] switch
            {
                'H' => new Rgb(30, 60, 110),
                'G' => new Rgb(240, 190, 50),
                'S' => new Rgb(150, 200, 225),
                _ => new Rgb(190, 225, 245),
            }),
            CliffWalking e => new GridRenderer(e, CliffWalking.Rows, CliffWalking.Columns, 60, (r, c) =>
                CliffWalking.IsCliff(r, c) ? new Rgb(90, 60, 40)
                : r * CliffWalking.Columns + c == CliffWalking.GoalState ? new Rgb(240, 190, 50)
                : new Rgb(130, 190, 100)),
            GridWorld e => new GridRenderer(e, GridWorld.Size, GridWorld.Size, 64, (r, c) =>
                GridWorld.IsTerminal(r * GridWorld.Size + c) ? new Rgb(150, 150, 150) : new Rgb(235, 235, 235)),
            TabularEnvironment { GridColumns: > 0 } e => new GridRenderer(e, e.Model.StateCount / e.GridColumns, e.GridColumns, 48, (_, _) => new Rgb(235, 235, 235)),
            _ => null,
        };
    }
}
