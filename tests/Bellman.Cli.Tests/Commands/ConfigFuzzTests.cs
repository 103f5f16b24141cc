using System.Text;
using Bellman.Cli.Infrastructure;
using Bellman.Cli.Runs;

namespace Bellman.Cli.Tests.Commands;

/// <summary>
/// A <c>--config</c> YAML file, mutated at random from a fixed seed (YAML's special characters inserted, lines
/// indented, joined, cut or repeated), is either read or rejected with one line naming the file, line and column;
/// it never escapes as another exception.
/// </summary>
public sealed class ConfigFuzzTests(TinyRun run) : IClassFixture<TinyRun>
{
    private const string Specials = ":[]{}-#&*!|>'\"%@,?\t\n ";

    [Fact]
    public void EveryMutatedConfigIsReadOrRejectedWithItsPlace()
    {
        string original = File.ReadAllText(Path.Combine(run.Folder, "config.yaml"));
        string path = Path.Combine(run.Root, "fuzz.yaml");
        var rng = new Random(14);
        var problems = new List<string>();
        int rejected = 0;
        const int mutations = 2000;
        for (int i = 0; i < mutations; i++)
        {
            var (text, what) = Mutate(original, rng, 1 + rng.Next(3));
            File.WriteAllText(path, text);
            try
            {
                RunConfig.ReadYaml(path);
            }
            catch (CliException e)
            {
                rejected++;
                if (e.Message.Contains('\n') || !e.Message.Contains(path, StringComparison.Ordinal)) problems.Add($"{what}: {e.Message}");
                else if (e.Message.Contains("YAML", StringComparison.Ordinal) && !e.Message.Contains("line ", StringComparison.Ordinal)) problems.Add($"{what}: no line: {e.Message}");
            }
            catch (Exception e)
            {
                problems.Add($"{what}: {e.GetType().Name}: {e.Message}");
            }
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems.Take(20)));
        Assert.True(rejected > mutations / 10, $"only {rejected} of {mutations} mutations were rejected: the mutations do not reach the parser's errors");
    }

    [Fact]
    public void TrainingFromAMutatedConfigSucceedsOrFailsCleanly()
    {
        string original = File.ReadAllText(Path.Combine(run.Folder, "config.yaml"));
        string path = Path.Combine(run.Root, "train-fuzz.yaml");
        var rng = new Random(1402);
        var problems = new List<string>();
        for (int i = 0; i < 25; i++)
        {
            var (text, what) = Mutate(original, rng, 1);
            File.WriteAllText(path, text);
            // Whatever the file says, the budget stays tiny: --set and --steps override the file.
            var r = CliRunner.Run("train", "dqn", "--config", path, "--steps", "5", "--set", "eval_freq=0", "--set", "buffer_size=100", "--set", "n_envs=1",
                "--set", "net_arch=[4]", "--set", "eval_episodes=1", "--no-tensorboard", "--out", Path.Combine(run.Root, $"config-run-{i}"));
            if (CleanErrors.Problem(r) is string problem) problems.Add($"{what}: {problem}");
            if (r.ExitCode != 0 && Directory.Exists(Path.Combine(run.Root, $"config-run-{i}"))) problems.Add($"{what}: failed but left a run folder");
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Theory]
    [InlineData("env: CartPole-v1\nlearning_rate: [1, 2\n", "line 3, column 1")]
    [InlineData("env: CartPole-v1\n  learning_rate: 1\n", "line 2")]
    [InlineData("env_options:\n  [1]: 2\n", "line 2, column 3")]
    [InlineData("env_options:\n  a: {b: 1}\n", "env_options.a")]
    [InlineData("a: 1\n---\nb: 2\n", "2 YAML documents")]
    public void AMalformedConfigNamesFileLineAndColumn(string yaml, string expected)
    {
        string path = Path.Combine(run.Root, $"bad-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, yaml);
        CleanErrors.AssertFailed(CliRunner.Run("train", "dqn", "--config", path), path, expected);
    }

    private static (string Text, string What) Mutate(string original, Random rng, int count)
    {
        var text = new StringBuilder(original);
        var what = new List<string>();
        for (int k = 0; k < count; k++)
        {
            int at = rng.Next(text.Length + 1);
            switch (rng.Next(5))
            {
                case 0:
                    char c = Specials[rng.Next(Specials.Length)];
                    text.Insert(at, c);
                    what.Add($"insert {Show(c)} at {at}");
                    break;
                case 1:
                    int lineStart = at == 0 ? 0 : original.LastIndexOf('\n', Math.Min(at, original.Length) - 1) + 1;
                    text.Insert(Math.Min(lineStart, text.Length), "  ");
                    what.Add($"indent the line at {lineStart}");
                    break;
                case 2:
                    int newline = text.ToString().IndexOf('\n', Math.Min(at, text.Length));
                    if (newline >= 0) text.Remove(newline, 1);
                    what.Add($"join the line after {at}");
                    break;
                case 3:
                    int cut = Math.Min(at, text.Length);
                    text.Length = cut;
                    what.Add($"cut at {cut}");
                    break;
                default:
                    var lines = text.ToString().Split('\n');
                    string line = lines[rng.Next(lines.Length)];
                    text.Append('\n').Append(line);
                    what.Add($"repeat '{line}'");
                    break;
            }
        }
        return (text.ToString(), string.Join(", ", what));
    }

    private static string Show(char c) => c switch { '\n' => "\\n", '\t' => "\\t", _ => c.ToString() };
}
