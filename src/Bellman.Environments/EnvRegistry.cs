using System.Globalization;
using Bellman.Core.Environments;
using Bellman.Core.Text;
using Bellman.Environments.Wrappers;

namespace Bellman.Environments;

/// <summary>A registered environment: its spec defaults, its options and how to build it.</summary>
/// <param name="Spec">The id, default time limit and reward threshold.</param>
/// <param name="Options">The options <see cref="EnvRegistry.Make"/> accepts, with defaults.</param>
/// <param name="Factory">Builds the environment from validated options (every declared key present).</param>
/// <param name="Description">One line for <c>bellman envs</c>.</param>
public sealed record EnvRegistration(EnvSpec Spec, IReadOnlyList<EnvOption> Options, Func<EnvOptions, IEnvironment> Factory, string Description)
{
    /// <summary>The registered id.</summary>
    public string Id => Spec.Id;
}

/// <summary>An id that is not registered; <see cref="Suggestions"/> holds the closest registered ids.</summary>
public sealed class UnknownEnvironmentException : ArgumentException
{
    /// <summary>Creates the exception for <paramref name="id"/> with its closest registered ids.</summary>
    public UnknownEnvironmentException(string id, IReadOnlyList<string> suggestions)
        : base(suggestions.Count == 0
            ? $"Unknown environment '{id}': no environments are registered."
            : $"Unknown environment '{id}'. Did you mean {string.Join(", ", suggestions.Select(s => $"'{s}'"))}? (`bellman envs` lists them all.)")
    {
        Id = id;
        Suggestions = suggestions;
    }

    /// <summary>The id asked for.</summary>
    public string Id { get; }

    /// <summary>The closest registered ids, closest first (at most three).</summary>
    public IReadOnlyList<string> Suggestions { get; }
}

/// <summary>A bad option given to <see cref="EnvRegistry.Make"/>: an unknown key or a value that does not parse.</summary>
public sealed class EnvOptionException(string environmentId, string key, string message) : ArgumentException(message)
{
    /// <summary>The environment being made.</summary>
    public string EnvironmentId { get; } = environmentId;

    /// <summary>The offending option key.</summary>
    public string Key { get; } = key;
}

/// <summary>
/// Environment ids and how to make them, as Gymnasium's registry and <c>gym.make</c>. <see cref="Make"/>
/// validates the options against the registration (unknown keys and unparsable values are errors naming
/// the closest valid choice), builds the environment, sets its <see cref="EnvSpec"/> and wraps it in a
/// <see cref="TimeLimit"/> when the spec has a time limit. The option <c>max_episode_steps</c> is accepted
/// by every environment and overrides the registered limit, as Gymnasium's <c>make(max_episode_steps=...)</c>.
/// </summary>
public sealed class EnvRegistry
{
    /// <summary>The option key that overrides the registered time limit.</summary>
    public const string MaxEpisodeStepsKey = "max_episode_steps";

    private readonly Dictionary<string, EnvRegistration> _registrations = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <summary>The process-wide registry the CLI uses.</summary>
    public static EnvRegistry Default { get; } = BuiltinEnvironments.RegisterAll(new EnvRegistry());

    /// <summary>The registered ids, sorted.</summary>
    public IReadOnlyList<string> Ids
    {
        get
        {
            lock (_lock)
            {
                var ids = _registrations.Keys.ToArray();
                Array.Sort(ids, StringComparer.Ordinal);
                return ids;
            }
        }
    }

    /// <summary>Every registration, sorted by id (for a listing such as <c>bellman envs</c>).</summary>
    public IReadOnlyList<EnvRegistration> Registrations
    {
        get
        {
            lock (_lock) return _registrations.Values.OrderBy(r => r.Id, StringComparer.Ordinal).ToArray();
        }
    }

    /// <summary>The spec of every registration, sorted by id.</summary>
    public IReadOnlyList<EnvSpec> Specs => Registrations.Select(r => r.Spec).ToArray();

    /// <summary>Whether <paramref name="id"/> is registered (exact match).</summary>
    public bool Contains(string id)
    {
        lock (_lock) return _registrations.ContainsKey(id);
    }

    /// <summary>The registration of <paramref name="id"/>; throws <see cref="UnknownEnvironmentException"/> with suggestions when absent.</summary>
    public EnvRegistration Get(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        lock (_lock)
        {
            if (_registrations.TryGetValue(id, out var r)) return r;
            throw new UnknownEnvironmentException(id, Suggestions.Closest(id, _registrations.Keys, 3));
        }
    }

    /// <summary>
    /// Registers an environment under <paramref name="spec"/>.Id with its options (each with a default that
    /// must itself be valid). Throws when the id is taken or an option is malformed.
    /// </summary>
    public EnvRegistration Register(EnvSpec spec, Func<EnvOptions, IEnvironment> factory, IReadOnlyList<EnvOption>? options = null, string description = "")
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(factory);
        ArgumentNullException.ThrowIfNull(description);
        if (string.IsNullOrWhiteSpace(spec.Id)) throw new ArgumentException("An environment id must not be empty.", nameof(spec));
        if (spec.MaxEpisodeSteps is <= 0) throw new ArgumentException($"{spec.Id}: MaxEpisodeSteps must be positive or null, got {spec.MaxEpisodeSteps}.", nameof(spec));
        options ??= [];
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var option in options)
        {
            ArgumentNullException.ThrowIfNull(option, nameof(options));
            if (string.IsNullOrWhiteSpace(option.Key)) throw new ArgumentException($"{spec.Id}: an option key must not be empty.", nameof(options));
            if (option.Key == MaxEpisodeStepsKey) throw new ArgumentException($"{spec.Id}: '{MaxEpisodeStepsKey}' is reserved (every environment accepts it); set the default through EnvSpec.MaxEpisodeSteps.", nameof(options));
            if (!keys.Add(option.Key)) throw new ArgumentException($"{spec.Id}: option '{option.Key}' is declared twice.", nameof(options));
            if (option.Validate(option.Default) is string problem) throw new ArgumentException($"{spec.Id}: the default of {problem}.", nameof(options));
        }
        var defaults = options.ToDictionary(o => o.Key, o => o.Default, StringComparer.Ordinal);
        var registration = new EnvRegistration(spec with { Options = defaults }, options.ToArray(), factory, description);
        lock (_lock)
        {
            if (!_registrations.TryAdd(spec.Id, registration))
                throw new ArgumentException($"Environment '{spec.Id}' is already registered.", nameof(spec));
        }
        return registration;
    }

    /// <summary>
    /// Makes the environment <paramref name="id"/> with <paramref name="options"/> (keys as declared at
    /// registration, plus <c>max_episode_steps</c>), sets its <see cref="IEnvironment.Spec"/> (with the
    /// effective options and time limit) and, when <paramref name="timeLimit"/> is true and the spec has a
    /// time limit, wraps it in a <see cref="TimeLimit"/>.
    /// </summary>
    public IEnvironment Make(string id, IReadOnlyDictionary<string, string>? options = null, bool timeLimit = true)
    {
        var registration = Get(id);
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var option in registration.Options) values[option.Key] = option.Default;
        int? maxSteps = registration.Spec.MaxEpisodeSteps;
        if (options is not null)
        {
            foreach (var (key, value) in options)
            {
                if (value is null) throw new EnvOptionException(id, key, $"{id}: option '{key}' has no value.");
                if (key == MaxEpisodeStepsKey)
                {
                    if (!int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int m) || m <= 0)
                        throw new EnvOptionException(id, key, $"{id}: option '{key}' has value '{value}', which is not a positive integer.");
                    maxSteps = m;
                    continue;
                }
                var declared = registration.Options.FirstOrDefault(o => o.Key == key);
                if (declared is null)
                {
                    var validKeys = registration.Options.Select(o => o.Key).Append(MaxEpisodeStepsKey).ToArray();
                    var closest = Suggestions.Closest(key, validKeys, 1);
                    throw new EnvOptionException(id, key,
                        $"{id} has no option '{key}'. Did you mean '{closest[0]}'? Valid options: {string.Join(", ", validKeys)}.");
                }
                if (declared.Validate(value) is string problem) throw new EnvOptionException(id, key, $"{id}: {problem}.");
                values[key] = value;
            }
        }
        var env = registration.Factory(new EnvOptions(values))
            ?? throw new InvalidOperationException($"The factory registered for '{id}' returned null.");
        env.Spec = registration.Spec with { MaxEpisodeSteps = maxSteps, Options = values };
        return timeLimit && maxSteps is int limit ? new TimeLimit(env, limit) : env;
    }
}
