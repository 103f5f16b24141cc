using Bellman.Core.Environments;
using Bellman.Environments.Rendering;

namespace Bellman.Cli.Rendering;

/// <summary>The result of <see cref="EpisodeVideo.Write"/>: each episode's return and a line saying what was written.</summary>
public sealed record EpisodeVideoResult(IReadOnlyList<double> Returns, string Summary);

/// <summary>Records episodes of a policy with the corner text and writes them to a GIF, a PNG strip or a PNG folder.</summary>
public static class EpisodeVideo
{
    /// <summary>
    /// Plays <paramref name="episodes"/> episodes of <paramref name="policy"/> on <paramref name="env"/> (episode k
    /// resets with <paramref name="seed"/> + k) and writes them to <paramref name="path"/> (see
    /// <see cref="FrameWriter.For"/>), keeping every <paramref name="every"/>-th frame and each episode's last.
    /// Throws <see cref="NotSupportedException"/> when the environment cannot be drawn.
    /// </summary>
    public static EpisodeVideoResult Write(IEnvironment env, Action<ReadOnlySpan<float>, Span<float>> policy, string path, int episodes = 1, int seed = 0,
        int every = 1, int maxSteps = 1000, int stripFrames = 10, CancellationToken cancellation = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(every);
        var recorder = new EpisodeRecorder(env);
        using var writer = FrameWriter.For(path, recorder.FramesPerSecond, stripFrames);
        var returns = recorder.Record(policy, episodes, seed, frame =>
        {
            if (frame.Step % every != 0 && !frame.Terminated && !frame.Truncated) return;
            FrameOverlay.Draw(frame);
            writer.Add(frame.Frame);
        }, maxSteps, cancellation);
        return new EpisodeVideoResult(returns, writer.Complete());
    }
}
