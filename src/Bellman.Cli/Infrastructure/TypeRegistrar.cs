using Spectre.Console.Cli;

namespace Bellman.Cli.Infrastructure;

/// <summary>A minimal dependency container for Spectre's commands: singletons by type, constructor injection otherwise.</summary>
internal sealed class TypeRegistrar : ITypeRegistrar, ITypeResolver
{
    private readonly Dictionary<Type, Func<object>> _factories = [];

    public void Register(Type service, Type implementation) => _factories[service] = () => Create(implementation);

    public void RegisterInstance(Type service, object implementation) => _factories[service] = () => implementation;

    public void RegisterLazy(Type service, Func<object> factory)
    {
        Lazy<object> lazy = new(factory);
        _factories[service] = () => lazy.Value;
    }

    public ITypeResolver Build() => this;

    public object? Resolve(Type? type)
    {
        if (type is null) return null;
        if (_factories.TryGetValue(type, out var factory)) return factory();
        return type.IsAbstract || type.IsInterface ? null : Create(type);
    }

    private object Create(Type type)
    {
        var ctor = type.GetConstructors().OrderByDescending(c => c.GetParameters().Length).First();
        var args = ctor.GetParameters().Select(p => Resolve(p.ParameterType)
            ?? throw new InvalidOperationException($"Cannot resolve {p.ParameterType.Name} for {type.Name}.")).ToArray();
        return ctor.Invoke(args);
    }
}
