using System.Reflection;
using System.Text.RegularExpressions;
using Spectre.Console.Cli;

namespace Bellman.Cli.Tests.Commands;

/// <summary>
/// Every option of every command, given a value of the wrong type, is a one-line error that names the option and
/// the value. The commands come from the help tree (as a user finds them), the option types from the settings
/// classes by reflection (every <see cref="CommandOptionAttribute"/> of every <see cref="CommandSettings"/>).
/// </summary>
public sealed class WrongTypeTests
{
    private static readonly Type[] Integers = [typeof(int), typeof(long)];
    private static readonly Type[] Numbers = [typeof(int), typeof(long), typeof(double), typeof(float)];

    [Fact]
    public void EveryNumericOptionOfEveryCommandRejectsAWrongType()
    {
        var types = OptionTypes();
        var problems = new List<string>();
        int tried = 0;
        foreach (var (path, usage, options) in Leaves())
        {
            // Required arguments get a placeholder, so that the option's value is what fails.
            var arguments = Regex.Matches(usage, "<([A-Z_]+)>").Select(_ => "placeholder").ToArray();
            foreach (string option in options)
            {
                if (!types.TryGetValue(option, out var optionTypes) || !optionTypes.All(t => Numbers.Contains(t))) continue;
                var wrong = optionTypes.All(t => Integers.Contains(t)) ? new[] { "abc", "1.5", "99999999999999999999" } : ["abc", "1.2.3"];
                foreach (string value in wrong)
                {
                    tried++;
                    var r = CliRunner.Run([.. path, .. arguments, option, value]);
                    string line = $"bellman {string.Join(' ', path)} {option} {value}";
                    if (r.ExitCode == 0) problems.Add($"{line}: accepted");
                    else if (CleanErrors.Problem(r) is string problem) problems.Add($"{line}: {problem}");
                    else if (!r.Error.Contains(option, StringComparison.Ordinal) || !r.Error.Contains(value, StringComparison.Ordinal)) problems.Add($"{line}: does not name the option and value: {r.Error.Trim()}");
                }
            }
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
        Assert.True(tried >= 60, $"only {tried} option values tried");
    }

    [Fact]
    public void TheErrorSaysWhatTheOptionTakes()
    {
        CleanErrors.AssertFailed(CliRunner.Run("train", "dqn", "--steps", "1e3"), "--steps", "'1e3'", "an integer");
        CleanErrors.AssertFailed(CliRunner.Run("train", "dqn", "--steps=abc"), "--steps", "'abc'", "an integer");
        CleanErrors.AssertFailed(CliRunner.Run("eval", "x", "--seed", "1.5"), "--seed", "an integer from -2147483648 to 2147483647");
    }

    // The long option names of every settings class with the types that declare them (nullable and array element types unwrapped).
    private static Dictionary<string, HashSet<Type>> OptionTypes()
    {
        var result = new Dictionary<string, HashSet<Type>>(StringComparer.Ordinal);
        var settings = typeof(BellmanApp).Assembly.GetTypes().Where(t => typeof(CommandSettings).IsAssignableFrom(t));
        foreach (var property in settings.SelectMany(t => t.GetProperties(BindingFlags.Public | BindingFlags.Instance)))
        {
            if (property.GetCustomAttribute<CommandOptionAttribute>() is not { } option) continue;
            var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            if (type.IsArray) type = type.GetElementType()!;
            foreach (string name in option.LongNames)
            {
                if (!result.TryGetValue("--" + name, out var set)) result["--" + name] = set = [];
                set.Add(type);
            }
        }
        Assert.True(result.Count > 20, "the reflection found too few options");
        return result;
    }

    // Every leaf command of the help tree with its usage line and the options that take a value.
    private static IEnumerable<(string[] Path, string Usage, List<string> Options)> Leaves()
    {
        var queue = new Queue<string[]>([[]]);
        while (queue.Count > 0)
        {
            var path = queue.Dequeue();
            string help = CliRunner.Run([.. path, "--help"]).Out;
            var children = Section(help, "COMMANDS:").Select(l => Regex.Match(l, @"^    ([a-z][a-z0-9-]*)")).Where(m => m.Success).Select(m => m.Groups[1].Value).ToList();
            foreach (string child in children) queue.Enqueue([.. path, child]);
            if (children.Count > 0 || path.Length == 0) continue;
            string usage = Section(help, "USAGE:").FirstOrDefault() ?? "";
            var options = Section(help, "OPTIONS:").Select(l => Regex.Match(l, @"(--[a-z0-9-]+) <")).Where(m => m.Success).Select(m => m.Groups[1].Value).ToList();
            yield return (path, usage, options);
        }
    }

    private static IEnumerable<string> Section(string help, string title)
    {
        bool inside = false;
        foreach (string line in help.Split('\n'))
        {
            if (line.StartsWith(title, StringComparison.Ordinal)) { inside = true; continue; }
            if (inside && line.Length > 0 && !char.IsWhiteSpace(line[0])) yield break;
            if (inside) yield return line;
        }
    }
}
