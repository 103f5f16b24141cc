using System.Globalization;
using System.Reflection;
using System.Text;
using Bellman.Core.Text;

namespace Bellman.Algorithms.Configuration;

/// <summary>An option key as written in presets, YAML files and <c>--set key=value</c> (snake_case, as rl-baselines3-zoo).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class OptionAttribute(string key, string description) : Attribute
{
    /// <summary>The key.</summary>
    public string Key { get; } = key;

    /// <summary>A one-line description for listings.</summary>
    public string Description { get; } = description;
}

/// <summary>A user error in configuration: an unknown key (with the closest valid one) or a value that does not parse or validate.</summary>
public sealed class OptionException(string message) : ArgumentException(message);

/// <summary>
/// Binds typed option records to string key/value pairs: every public property marked
/// <see cref="OptionAttribute"/> is a key. A misspelt key is an error naming the closest valid key.
/// </summary>
public static class OptionBinder
{
    /// <summary>The keys of <typeparamref name="T"/> in declaration order.</summary>
    public static IReadOnlyList<(string Key, string Description, Type Type)> Keys<T>() =>
        Properties(typeof(T)).Select(p => (p.Attribute.Key, p.Attribute.Description, p.Property.PropertyType)).ToList();

    /// <summary>A copy of <paramref name="options"/> with <paramref name="values"/> applied; <paramref name="source"/> names where they came from in errors.</summary>
    public static T Apply<T>(T options, IReadOnlyDictionary<string, string> values, string source = "--set") where T : class
    {
        var copy = Clone(options);
        var props = Properties(options.GetType()).ToDictionary(p => p.Attribute.Key, StringComparer.Ordinal);
        foreach (var (key, text) in values)
        {
            if (!props.TryGetValue(key, out var prop))
            {
                string hint = key is "seed" or "env" ? $"'{key}' is not an option of the algorithm: give it with --{key}."
                    : key == "overlap_collection" && options is not Training.OffPolicyOptions
                        ? "overlap_collection is a key of the off-policy algorithms (dqn, ddpg, td3, sac, naf, qt-opt): this one learns from the policy it is collecting with."
                    : DidYouMean(key, props.Keys);
                throw new OptionException($"{source}: unknown key '{key}' for {Name(options.GetType())}; {hint}");
            }
            if (text is null) throw new OptionException($"{source}: {key} has no value; it takes {TypeName(prop.Property.PropertyType)}.");
            prop.Property.SetValue(copy, Parse(key, text, prop.Property.PropertyType, source));
        }
        return copy;
    }

    /// <summary>Every key with its current value, formatted as it would be written in YAML.</summary>
    public static IReadOnlyList<(string Key, string Value)> Describe<T>(T options) where T : class =>
        Properties(options.GetType()).Select(p => (p.Attribute.Key, FormatValue(p.Property.GetValue(options)))).ToList();

    /// <summary>The configuration as a flat YAML mapping (one <c>key: value</c> per line, in declaration order).</summary>
    public static string ToYaml<T>(T options) where T : class
    {
        var sb = new StringBuilder();
        foreach (var (key, value) in Describe(options)) sb.Append(key).Append(": ").Append(value).Append('\n');
        return sb.ToString();
    }

    /// <summary>Formats a value the way <see cref="Parse"/> reads it back.</summary>
    public static string FormatValue(object? value) => value switch
    {
        null => "null",
        bool b => b ? "true" : "false",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        float f => f.ToString("R", CultureInfo.InvariantCulture),
        int[] a => "[" + string.Join(", ", a.Select(x => x.ToString(CultureInfo.InvariantCulture))) + "]",
        Enum e => EnumName(e.ToString()),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static object? Parse(string key, string text, Type type, string source)
    {
        string t = text.Trim();
        string Bad(string expected) => $"{source}: {key} = '{text}' is not {expected}.";
        var underlying = Nullable.GetUnderlyingType(type);
        if (underlying is not null)
        {
            if (t is "null" or "~" or "") return null;
            type = underlying;
        }
        if (type == typeof(string)) return t.Trim('"', '\'');
        if (type == typeof(int))
            return int.TryParse(t, NumberStyles.Integer, CultureInfo.InvariantCulture, out int i) ? i
                : double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out double di) && di == Math.Floor(di) && Math.Abs(di) <= int.MaxValue ? (int)di
                : throw new OptionException(Bad("an integer"));
        if (type == typeof(long))
            return long.TryParse(t, NumberStyles.Integer, CultureInfo.InvariantCulture, out long l) ? l
                : double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out double dl) && dl == Math.Floor(dl) && Math.Abs(dl) < 9e15 ? (long)dl
                : throw new OptionException(Bad("an integer"));
        if (type == typeof(double))
            return double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) ? d : throw new OptionException(Bad("a number"));
        if (type == typeof(float))
            return float.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out float f) ? f : throw new OptionException(Bad("a number"));
        if (type == typeof(bool))
            return t.ToLowerInvariant() switch
            {
                "true" or "yes" or "1" or "on" => true,
                "false" or "no" or "0" or "off" => false,
                _ => throw new OptionException(Bad("true or false")),
            };
        if (type == typeof(int[]))
        {
            string inner = t.Trim('[', ']', '(', ')');
            if (inner.Length == 0) return Array.Empty<int>();
            var parts = inner.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            var result = new int[parts.Length];
            for (int i = 0; i < parts.Length; i++)
                if (!int.TryParse(parts[i], NumberStyles.Integer, CultureInfo.InvariantCulture, out result[i]) || result[i] <= 0)
                    throw new OptionException(Bad("a list of positive layer sizes such as [256, 256]"));
            return result;
        }
        if (type.IsEnum)
        {
            var names = Enum.GetNames(type);
            foreach (string n in names)
                if (string.Equals(EnumName(n), t, StringComparison.OrdinalIgnoreCase) || string.Equals(n, t, StringComparison.OrdinalIgnoreCase)
                    || string.Equals(ToSnake(n), t, StringComparison.OrdinalIgnoreCase))
                    return Enum.Parse(type, n);
            var valid = names.Select(EnumName).ToList();
            throw new OptionException($"{source}: {key} = '{text}' is not one of {string.Join(", ", valid)}; {Suggestions.DidYouMean(t, valid, 1)}");
        }
        if (OptionValueInterface(type) is not null)
        {
            var parse = type.GetMethod("TryParse", BindingFlags.Public | BindingFlags.Static, [typeof(string), typeof(IFormatProvider), type.MakeByRefType()])!;
            object?[] args = [t, CultureInfo.InvariantCulture, null];
            return (bool)parse.Invoke(null, args)! ? args[2] : throw new OptionException(Bad(OptionValueDescription(type)));
        }
        throw new InvalidOperationException($"Option type {type.Name} of '{key}' is not supported.");
    }

    private static Type? OptionValueInterface(Type type) =>
        type.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IOptionValue<>));

    private static string OptionValueDescription(Type type) =>
        (string)type.GetProperty("TypeDescription", BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!;

    /// <summary>
    /// An enum value as options write it: snake_case (DoubleQ → double_q), except that a name with an acronym (two
    /// capitals in a row: ReLU, SiLU, DSiLU) is lower-cased whole (relu, silu, dsilu). Parsing also accepts the plain
    /// snake_case that earlier versions wrote (re_l_u).
    /// </summary>
    public static string EnumName(string name)
    {
        for (int i = 1; i < name.Length; i++)
            if (char.IsUpper(name[i]) && char.IsUpper(name[i - 1])) return name.ToLowerInvariant();
        return ToSnake(name);
    }

    /// <summary>PascalCase to snake_case (DoubleQ → double_q).</summary>
    public static string ToSnake(string name)
    {
        var sb = new StringBuilder();
        for (int i = 0; i < name.Length; i++)
        {
            char c = name[i];
            if (char.IsUpper(c) && i > 0) sb.Append('_');
            sb.Append(char.ToLowerInvariant(c));
        }
        return sb.ToString();
    }

    /// <summary>
    /// "did you mean ...?" for an unknown key: first the keys it names by meaning (<see cref="Aliases"/>, whole key or
    /// word by word: <c>lr</c> → <c>learning_rate</c>, <c>critic_lr</c> → <c>critic_learning_rate</c>), else the closest
    /// by spelling; each valid key at most once, at most three.
    /// </summary>
    public static string DidYouMean(string key, IEnumerable<string> validKeys)
    {
        var valid = validKeys as IReadOnlyCollection<string> ?? [.. validKeys];
        var names = Meanings(key).Where(valid.Contains).Distinct(StringComparer.Ordinal).Take(3).ToList();
        if (names.Count == 0) names = [.. Suggestions.Closest(key, valid, 1)];
        if (names.Count == 0) return "";
        var quoted = names.Select(n => $"'{n}'").ToList();
        return "did you mean " + (quoted.Count == 1 ? quoted[0] : string.Join(", ", quoted.Take(quoted.Count - 1)) + " or " + quoted[^1]) + "?";
    }

    // The keys a name stands for: its aliases as a whole, then with each of its words replaced by an alias.
    private static IEnumerable<string> Meanings(string key)
    {
        string normal = key.Trim().Replace('-', '_').ToLowerInvariant();
        if (Aliases.TryGetValue(normal, out var whole)) foreach (string k in whole) yield return k;
        var words = normal.Split('_', StringSplitOptions.RemoveEmptyEntries);
        if (words.Length < 2) yield break;
        for (int i = 0; i < words.Length; i++)
        {
            if (!WordAliases.TryGetValue(words[i], out var replacement)) continue;
            yield return string.Join('_', words.Take(i).Append(replacement).Concat(words.Skip(i + 1)));
        }
    }

    /// <summary>
    /// Names people use for a key by meaning (from other libraries and papers), matched before spelling; a name
    /// may stand for several keys (the ones an algorithm has are offered, in this order).
    /// </summary>
    private static readonly Dictionary<string, string[]> Aliases = new(StringComparer.OrdinalIgnoreCase)
    {
        ["lr"] = ["learning_rate"], ["lrate"] = ["learning_rate"], ["learningrate"] = ["learning_rate"], ["step_size"] = ["learning_rate"],
        ["alpha"] = ["ent_coef", "learning_rate"], ["entropy"] = ["ent_coef", "target_entropy"], ["temperature"] = ["ent_coef", "temperature_final"],
        ["discount"] = ["gamma"], ["discount_factor"] = ["gamma"], ["steps"] = ["total_steps"], ["timesteps"] = ["total_steps"],
        ["total_timesteps"] = ["total_steps"], ["n_timesteps"] = ["total_steps"], ["batch"] = ["batch_size"], ["minibatch_size"] = ["batch_size"], ["bs"] = ["batch_size"],
        ["buffer"] = ["buffer_size"], ["replay_size"] = ["buffer_size"], ["memory_size"] = ["buffer_size"], ["replay_buffer_size"] = ["buffer_size"], ["capacity"] = ["buffer_size"],
        ["hidden"] = ["net_arch"], ["hidden_sizes"] = ["net_arch"], ["layers"] = ["net_arch"], ["network"] = ["net_arch"],
        ["epsilon"] = ["exploration_final_eps", "exploration_eps"], ["eps"] = ["exploration_final_eps", "exploration_eps"],
        ["epsilon_final"] = ["exploration_final_eps"], ["final_eps"] = ["exploration_final_eps"], ["eps_end"] = ["exploration_final_eps"],
        ["epsilon_start"] = ["exploration_initial_eps"], ["eps_start"] = ["exploration_initial_eps"], ["initial_eps"] = ["exploration_initial_eps"],
        ["target_update"] = ["target_update_interval", "target_lag_interval"], ["target_update_freq"] = ["target_update_interval", "target_lag_interval"],
        ["num_envs"] = ["n_envs"], ["envs"] = ["n_envs"], ["double"] = ["double_q"], ["ddqn"] = ["double_q"], ["per"] = ["prioritized"],
        ["entropy_coef"] = ["ent_coef"], ["value_coef"] = ["vf_coef"], ["lambda"] = ["gae_lambda"], ["clip_grad"] = ["max_grad_norm"], ["grad_clip"] = ["max_grad_norm"],
        ["polyak"] = ["tau"], ["n_step"] = ["n_steps"], ["nstep"] = ["n_steps"], ["warmup"] = ["learning_starts"], ["learning_start"] = ["learning_starts"],
    };

    // Words inside a key that stand for other words (critic_lr → critic_learning_rate).
    private static readonly Dictionary<string, string> WordAliases = new(StringComparer.Ordinal)
    {
        ["lr"] = "learning_rate", ["eps"] = "eps", ["epsilon"] = "eps", ["num"] = "n", ["freq"] = "interval", ["coeff"] = "coef", ["coefficient"] = "coef",
    };

    /// <summary>A readable name of an option's type: integer, number, bool, text, list of integers, or its choices.</summary>
    public static string TypeName(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(int) || type == typeof(long)) return "integer";
        if (type == typeof(double) || type == typeof(float)) return "number";
        if (type == typeof(bool)) return "bool";
        if (type == typeof(string)) return "text";
        if (type == typeof(int[])) return "list of integers";
        if (type.IsEnum) return string.Join("|", Enum.GetNames(type).Select(EnumName));
        if (OptionValueInterface(type) is not null) return OptionValueDescription(type);
        return type.Name;
    }

    private static string Name(Type t) => t.Name.EndsWith("Options", StringComparison.Ordinal) ? t.Name[..^"Options".Length] + " options" : t.Name;

    private static IEnumerable<(PropertyInfo Property, OptionAttribute Attribute)> Properties(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Select(p => (Property: p, Attribute: p.GetCustomAttribute<OptionAttribute>()))
            .Where(x => x.Attribute is not null)
            .OrderBy(x => x.Property.MetadataToken)
            .Select(x => (x.Property, x.Attribute!));

    private static T Clone<T>(T value) where T : class
    {
        var clone = value.GetType().GetMethod("<Clone>$", BindingFlags.Public | BindingFlags.Instance)
            ?? throw new InvalidOperationException($"{value.GetType().Name} must be a record to be bound.");
        return (T)clone.Invoke(value, null)!;
    }
}
