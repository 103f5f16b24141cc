using Bellman.Cli.Infrastructure;

namespace Bellman.Cli.Tests.Commands;

/// <summary>An exception nobody expected (a bug) is one line plus where to report it; the stack trace only under --verbose.</summary>
public sealed class TopLevelHandlerTests
{
    // An output that fails the way no command anticipates, to reach the top-level handler.
    private sealed class BrokenWriter : StringWriter
    {
        public override void Write(char value) => throw new NotImplementedException("the output broke");

        public override void Write(string? value) => throw new NotImplementedException("the output broke");

        public override void Write(char[] buffer, int index, int count) => throw new NotImplementedException("the output broke");
    }

    private static (int Code, string Error) Run(params string[] args)
    {
        var error = new StringWriter();
        int code = BellmanApp.Run(args, new CliIO(new BrokenWriter(), error, interactive: false, width: 120));
        return (code, error.ToString());
    }

    [Fact]
    public void AnUnexpectedExceptionIsOneLineAndAHint()
    {
        var (code, error) = Run("envs");
        Assert.Equal(70, code);
        var lines = error.TrimEnd().Split('\n');
        Assert.Equal(2, lines.Length);
        Assert.StartsWith("error: unexpected NotImplementedException: the output broke", lines[0]);
        Assert.Contains("--verbose", lines[1]);
        Assert.Contains("report", lines[1]);
        Assert.DoesNotContain("   at ", error);
    }

    [Fact]
    public void VerboseShowsTheStackTrace()
    {
        var (code, error) = Run("envs", "--verbose");
        Assert.Equal(70, code);
        Assert.Contains("   at ", error);
        Assert.Contains("NotImplementedException", error);
    }
}
