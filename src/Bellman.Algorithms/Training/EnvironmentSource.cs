using Bellman.Core.Environments;
using Bellman.Environments;

namespace Bellman.Algorithms.Training;

/// <summary>
/// Where an algorithm gets its environments: a registered id (with options), a factory of a user's own
/// environment, or one instance. An id or a factory gives as many copies as <c>n_envs</c> asks for plus
/// a separate evaluation environment; a single instance trains alone and is not evaluated (give a
/// factory to get evaluations). Strings, factories and <see cref="Core.Environments.Environment"/>
/// instances convert implicitly, so <c>new Dqn("CartPole-v1")</c> and <c>new Dqn(new MyEnv())</c> both work.
/// </summary>
public sealed class EnvironmentSource
{
    private readonly Func<IEnvironment>? _factory;
    private IEnvironment? _instance;

    private EnvironmentSource(string? id, IReadOnlyDictionary<string, string> options, Func<IEnvironment>? factory, IEnvironment? instance, string name)
    {
        Id = id;
        Options = options;
        _factory = factory;
        _instance = instance;
        Name = name;
    }

    /// <summary>The registered id, or null for a user's environment.</summary>
    public string? Id { get; }

    /// <summary>The registered environment's options.</summary>
    public IReadOnlyDictionary<string, string> Options { get; }

    /// <summary>A name for messages and checkpoints: the id, or the environment's type name.</summary>
    public string Name { get; }

    /// <summary>Whether more than one environment can be made (an id or a factory).</summary>
    public bool CanMakeCopies => _factory is not null;

    /// <summary>A registered environment; unknown ids and options fail here, naming the closest valid ones.</summary>
    public static EnvironmentSource FromId(string id, IReadOnlyDictionary<string, string>? options = null, EnvRegistry? registry = null)
    {
        registry ??= EnvRegistry.Default;
        var opts = options ?? new Dictionary<string, string>();
        var probe = registry.Make(id, opts);
        return new EnvironmentSource(id, opts, () => registry.Make(id, opts), probe, id);
    }

    /// <summary>A user's environment made by <paramref name="factory"/> (each call a new, independent instance).</summary>
    public static EnvironmentSource FromFactory(Func<IEnvironment> factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        var probe = factory();
        return new EnvironmentSource(null, new Dictionary<string, string>(), factory, probe, probe.Name);
    }

    /// <summary>One instance of a user's environment: trains alone (n_envs = 1), without evaluations.</summary>
    public static EnvironmentSource Of(IEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        return new EnvironmentSource(null, new Dictionary<string, string>(), null, environment, environment.Name);
    }

    /// <summary>A registered id.</summary>
    public static implicit operator EnvironmentSource(string id) => FromId(id);

    /// <summary>A factory of a user's environment.</summary>
    public static implicit operator EnvironmentSource(Func<IEnvironment> factory) => FromFactory(factory);

    /// <summary>One instance of a user's environment.</summary>
    public static implicit operator EnvironmentSource(Core.Environments.Environment environment) => Of(environment);

    /// <summary>An environment to read the spaces from (not stepped).</summary>
    public IEnvironment Probe => _instance ?? _factory!();

    /// <summary>The training environments: <paramref name="count"/> copies, or the one instance.</summary>
    public IReadOnlyList<Func<IEnvironment>> TrainingFactories(int count)
    {
        if (_factory is not null)
        {
            // The probe made to check the id is reused as the first training environment.
            var first = _instance;
            _instance = null;
            return [.. Enumerable.Range(0, count).Select(i => (Func<IEnvironment>)(() => i == 0 && first is not null ? first : _factory()))];
        }
        if (count != 1)
            throw new ArgumentException($"n_envs = {count} needs {count} environments, but one instance of {Name} was given; pass a factory (() => new {Name}()) instead.");
        var env = _instance!;
        return [() => env];
    }

    /// <summary>A separate evaluation environment, or null for a single instance.</summary>
    public IEnvironment? MakeEvaluationEnvironment() => _factory?.Invoke();
}
