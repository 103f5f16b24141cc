using System.Collections;
using System.Globalization;

namespace Bellman.Environments;

/// <summary>The type of an environment option's value.</summary>
public enum EnvOptionType
{
    /// <summary>A 32-bit integer (invariant culture).</summary>
    Int,

    /// <summary>A double (invariant culture, for example <c>0.5</c> or <c>1e-3</c>).</summary>
    Double,

    /// <summary><c>true</c>/<c>false</c> (also <c>1</c>/<c>0</c>, <c>yes</c>/<c>no</c>; case-insensitive).</summary>
    Bool,

    /// <summary>Any string, or one of <see cref="EnvOption.Choices"/> when given.</summary>
    String,
}

/// <summary>One option an environment accepts at <see cref="EnvRegistry.Make"/> (as a keyword argument of Gymnasium's <c>make</c>).</summary>
/// <param name="Key">The option key, for example <c>map_name</c>.</param>
/// <param name="Type">The type its value must parse as.</param>
/// <param name="Default">The value used when the key is not given.</param>
/// <param name="Description">One line for <c>bellman envs</c>.</param>
public sealed record EnvOption(string Key, EnvOptionType Type, string Default, string Description)
{
    /// <summary>For a string option, the only accepted values (compared exactly); null for any string.</summary>
    public IReadOnlyList<string>? Choices { get; init; }

    /// <summary>Null when <paramref name="value"/> is valid for this option, else the reason (naming key, value and expected type).</summary>
    public string? Validate(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        bool ok = Type switch
        {
            EnvOptionType.Int => int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _),
            EnvOptionType.Double => double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _),
            EnvOptionType.Bool => EnvOptions.TryParseBool(value, out _),
            _ => Choices is null || Choices.Contains(value),
        };
        if (ok) return null;
        string expected = Type switch
        {
            EnvOptionType.Int => "an integer",
            EnvOptionType.Double => "a number",
            EnvOptionType.Bool => "a boolean (true/false)",
            _ => "one of " + string.Join(", ", Choices!),
        };
        return $"option '{Key}' has value '{value}', which is not {expected}";
    }
}

/// <summary>
/// The options an environment factory receives: every declared key, with the value given to
/// <see cref="EnvRegistry.Make"/> or else its default, already validated, plus typed getters.
/// </summary>
public sealed class EnvOptions : IReadOnlyDictionary<string, string>
{
    private readonly Dictionary<string, string> _values;

    /// <summary>Options with the given values (keys compared exactly).</summary>
    public EnvOptions(IReadOnlyDictionary<string, string> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        _values = new Dictionary<string, string>(values, StringComparer.Ordinal);
    }

    /// <summary>The value of <paramref name="key"/> as an integer.</summary>
    public int GetInt(string key) => int.Parse(Get(key), NumberStyles.Integer, CultureInfo.InvariantCulture);

    /// <summary>The value of <paramref name="key"/> as a double.</summary>
    public double GetDouble(string key) => double.Parse(Get(key), NumberStyles.Float, CultureInfo.InvariantCulture);

    /// <summary>The value of <paramref name="key"/> as a boolean.</summary>
    public bool GetBool(string key) => TryParseBool(Get(key), out bool b) ? b : throw new FormatException($"Option '{key}' has value '{Get(key)}', which is not a boolean (true/false).");

    /// <summary>The value of <paramref name="key"/>.</summary>
    public string GetString(string key) => Get(key);

    /// <inheritdoc/>
    public string this[string key] => Get(key);

    /// <inheritdoc/>
    public IEnumerable<string> Keys => _values.Keys;

    /// <inheritdoc/>
    public IEnumerable<string> Values => _values.Values;

    /// <inheritdoc/>
    public int Count => _values.Count;

    /// <inheritdoc/>
    public bool ContainsKey(string key) => _values.ContainsKey(key);

    /// <inheritdoc/>
    public bool TryGetValue(string key, out string value) => _values.TryGetValue(key, out value!);

    /// <inheritdoc/>
    public IEnumerator<KeyValuePair<string, string>> GetEnumerator() => _values.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    internal static bool TryParseBool(string value, out bool result)
    {
        switch (value.Trim().ToLowerInvariant())
        {
            case "true" or "1" or "yes":
                result = true;
                return true;
            case "false" or "0" or "no":
                result = false;
                return true;
            default:
                result = false;
                return false;
        }
    }

    private string Get(string key) =>
        _values.TryGetValue(key, out var v) ? v : throw new KeyNotFoundException($"Option '{key}' is not declared; declared options: {string.Join(", ", _values.Keys)}.");
}
