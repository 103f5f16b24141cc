using Bellman.Core.Environments;

namespace Bellman.Environments.Rendering;

/// <summary>One recorded frame: the picture and what had happened when it was drawn.</summary>
/// <param name="Frame">The picture of the state.</param>
/// <param name="Episode">The episode (0-based).</param>
/// <param name="Step">Steps taken in the episode before this state (0 = the reset state).</param>
/// <param name="Return">The undiscounted reward so far.</param>
/// <param name="Action">The action that led here, as text, or null for the reset state.</param>
/// <param name="Terminated">Whether this is a terminal state.</param>
/// <param name="Truncated">Whether the episode was cut here (time limit or the recorder's step cap).</param>
public sealed record RecordedFrame(RgbFrame Frame, int Episode, int Step, double Return, string? Action, bool Terminated, bool Truncated);

/// <summary>
/// Plays episodes with a policy and hands over one frame per state (the reset state and the state after each
/// step). Episode k resets with seed + k. The policy writes its action into the span (one float for a Discrete
/// action), as <c>Evaluation.Run</c> takes it; a greedy agent, a checkpoint or a random policy fit alike.
/// </summary>
public sealed class EpisodeRecorder
{
    private readonly IEnvironment _env;
    private readonly IEnvironmentRenderer _renderer;

    /// <summary>Binds to <paramref name="env"/>; throws <see cref="NotSupportedException"/> if it cannot be drawn.</summary>
    public EpisodeRecorder(IEnvironment env)
    {
        ArgumentNullException.ThrowIfNull(env);
        _env = env;
        _renderer = EnvironmentRenderers.Create(env);
    }

    /// <summary>The frame width.</summary>
    public int Width => _renderer.Width;

    /// <summary>The frame height.</summary>
    public int Height => _renderer.Height;

    /// <summary>The environment's playback speed (Gymnasium's <c>render_fps</c>).</summary>
    public int FramesPerSecond => _renderer.FramesPerSecond;

    /// <summary>
    /// Plays <paramref name="episodes"/> episodes, each cut after <paramref name="maxSteps"/> steps, calling
    /// <paramref name="onFrame"/> with every frame (a fresh <see cref="RgbFrame"/> each time, which the callee
    /// may keep); returns each episode's return.
    /// </summary>
    public IReadOnlyList<double> Record(Action<ReadOnlySpan<float>, Span<float>> policy, int episodes, int seed, Action<RecordedFrame> onFrame,
        int maxSteps = 10_000, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(onFrame);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(episodes);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxSteps);
        var action = new float[Math.Max(1, _env.ActionSpace.FlatSize)];
        bool discrete = _env.ActionSpace is Bellman.Core.Spaces.Discrete;
        var returns = new double[episodes];
        for (int k = 0; k < episodes; k++)
        {
            var obs = _env.Reset(seed + k);
            double total = 0;
            onFrame(new RecordedFrame(_renderer.Render(), k, 0, 0, null, false, false));
            for (int t = 1; t <= maxSteps; t++)
            {
                cancellation.ThrowIfCancellationRequested();
                Array.Clear(action);
                policy(obs, action);
                var result = _env.Step(action);
                total += result.Reward;
                obs = _env.Observation;
                bool truncated = result.Truncated || (t == maxSteps && !result.Terminated);
                onFrame(new RecordedFrame(_renderer.Render(), k, t, total, ActionText(action, discrete), result.Terminated, truncated));
                if (result.Terminated || truncated) break;
            }
            returns[k] = total;
        }
        return returns;
    }

    private static string ActionText(ReadOnlySpan<float> action, bool discrete)
    {
        if (discrete) return ((int)action[0]).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var parts = new string[action.Length];
        for (int i = 0; i < action.Length; i++) parts[i] = action[i].ToString("0.00", System.Globalization.CultureInfo.InvariantCulture);
        return parts.Length == 1 ? parts[0] : "[" + string.Join(", ", parts) + "]";
    }
}
