using System.Text.Json.Nodes;

namespace Bellman.Cli.Tests.Commands;

/// <summary>
/// A checkpoint, and a run folder, may only use their own files: a sidecar naming a tensors file elsewhere
/// (<c>..</c>, an absolute path), or a file or folder that is a symbolic link out, is refused with one line
/// naming it. Output files are written whole or not at all.
/// </summary>
public sealed class PathEscapeTests(TinyRun run) : IClassFixture<TinyRun>
{
    [Theory]
    [InlineData("../../outside.safetensors")]
    [InlineData("../latest.safetensors")]
    [InlineData("/tmp/outside.safetensors")]
    [InlineData("sub/latest.safetensors")]
    public void ASidecarMayNameOnlyTheTensorsFileBesideIt(string tensors)
    {
        string folder = run.Copy("tensors-" + Guid.NewGuid().ToString("N"));
        string sidecar = Path.Combine(folder, "checkpoints", "latest.json");
        var root = JsonNode.Parse(File.ReadAllText(sidecar))!;
        root["tensors"] = tensors;
        File.WriteAllText(sidecar, root.ToJsonString());
        CleanErrors.AssertFailed(CliRunner.Run("eval", Path.Combine(folder, "checkpoints", "latest")), sidecar, tensors);
        CleanErrors.AssertFailed(CliRunner.Run("eval", folder), tensors);
    }

    [Theory]
    [InlineData("latest.safetensors")]
    [InlineData("latest.json")]
    public void ACheckpointFileThatIsASymbolicLinkIsRefused(string file)
    {
        string folder = run.Copy("link-" + Guid.NewGuid().ToString("N"));
        string outside = Path.Combine(run.Root, "outside-" + Guid.NewGuid().ToString("N"));
        string link = Path.Combine(folder, "checkpoints", file);
        File.Move(link, outside);
        File.CreateSymbolicLink(link, outside);
        CleanErrors.AssertFailed(CliRunner.Run("eval", Path.Combine(folder, "checkpoints", "latest")), link, "symbolic link");
    }

    [Fact]
    public void ARunFolderWhoseCheckpointsFolderLinksOutIsRefused()
    {
        string folder = run.Copy("linked-checkpoints");
        string checkpoints = Path.Combine(folder, "checkpoints");
        string outside = Path.Combine(run.Root, "outside-checkpoints");
        Directory.Move(checkpoints, outside);
        Directory.CreateSymbolicLink(checkpoints, outside);
        foreach (var args in new[] { new[] { "eval", folder }, ["export", folder, "--onnx", Path.Combine(run.Root, "p.onnx")], ["render", folder, "--out", Path.Combine(run.Root, "r.gif")] })
            CleanErrors.AssertFailed(CliRunner.Run(args), checkpoints, "symbolic link");
    }

    [Fact]
    public void PlotRefusesALinkedMetricsFile()
    {
        string folder = run.Copy("linked-metrics");
        string metrics = Path.Combine(folder, "metrics.csv");
        string outside = Path.Combine(run.Root, "outside-metrics.csv");
        File.Move(metrics, outside);
        File.CreateSymbolicLink(metrics, outside);
        CleanErrors.AssertFailed(CliRunner.Run("plot", folder, "--out", Path.Combine(run.Root, "linked.png")), metrics, "symbolic link");
    }

    [Fact]
    public void PlotIntoAFolderIsAClearErrorAndLeavesNoTemporaryFile()
    {
        string target = Directory.CreateDirectory(Path.Combine(run.Root, "plot-folder-" + Guid.NewGuid().ToString("N"))).FullName;
        var before = Directory.GetFiles(run.Root).ToHashSet();
        CleanErrors.AssertFailed(CliRunner.Run("plot", run.Folder, "--out", target), target, "is a folder");
        Assert.Empty(Directory.GetFiles(target));
        Assert.DoesNotContain(Directory.GetFiles(run.Root), f => !before.Contains(f));
        string file = Path.Combine(run.Root, "written.png");
        var r = CliRunner.Run("plot", run.Folder, "--out", file);
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.True(new FileInfo(file).Length > 1000);
        Assert.Empty(Directory.GetFiles(run.Root, "*.tmp*"));
    }

    [Fact]
    public void AnOutputUnderAFileIsAClearError()
    {
        string file = Path.Combine(run.Root, "a-file");
        File.WriteAllText(file, "x");
        CleanErrors.AssertFailed(CliRunner.Run("plot", run.Folder, "--out", Path.Combine(file, "x.png")), file, "is a file");
        CleanErrors.AssertFailed(CliRunner.Run("train", "dqn", "--steps", "10", "--out", Path.Combine(file, "run")), "--out");
    }
}
