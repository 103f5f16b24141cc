using System.Globalization;
using System.Text.Json;
using Bellman.Core.Environments;

namespace Bellman.Environments.Tests.Seeding;

/// <summary>
/// Loads what Gymnasium 1.4.0 itself gave from the seed alone (Data/GymSeeded/*.json, recorded with NumPy
/// 1.24.2): <c>reset(seed=k)</c>, whole seeded toy-text episodes and seeded space samples.
/// </summary>
internal static class GymSeeded
{
    private static readonly EnvRegistry Registry = BuiltinEnvironments.RegisterAll(new EnvRegistry());

    /// <summary>The parsed file Data/GymSeeded/<paramref name="name"/>.json.</summary>
    public static JsonElement Load(string name) =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Data", "GymSeeded", name + ".json"))).RootElement;

    /// <summary>
    /// <c>gym.make(env, **make_kwargs)</c> through Bellman's registry, with its registered time limit.
    /// </summary>
    public static IEnvironment Make(string id, JsonElement makeKwargs)
    {
        var options = new Dictionary<string, string>();
        if (makeKwargs.ValueKind == JsonValueKind.Object)
        {
            foreach (var kw in makeKwargs.EnumerateObject())
            {
                options[kw.Name] = kw.Value.ValueKind switch
                {
                    JsonValueKind.True => "true",
                    JsonValueKind.False => "false",
                    JsonValueKind.String => kw.Value.GetString()!,
                    _ => kw.Value.GetRawText(),
                };
            }
        }
        return Registry.Make(id, options);
    }

    /// <summary>A JSON number, or the strings "inf" / "-inf", as a double.</summary>
    public static double Number(JsonElement e) => e.ValueKind == JsonValueKind.String
        ? e.GetString() switch
        {
            "inf" => double.PositiveInfinity,
            "-inf" => double.NegativeInfinity,
            var other => throw new FormatException($"Unexpected number '{other}'."),
        }
        : e.GetDouble();

    /// <summary>A JSON array of numbers.</summary>
    public static double[] Numbers(JsonElement e) => [.. e.EnumerateArray().Select(Number)];

    /// <summary>A list for messages.</summary>
    public static string Format(IEnumerable<double> values) =>
        "[" + string.Join(", ", values.Select(v => v.ToString("R", CultureInfo.InvariantCulture))) + "]";
}
