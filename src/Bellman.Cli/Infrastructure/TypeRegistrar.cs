using Spectre.Console.Cli;

namespace Bellman.Cli.Infrastructure;

/// <summary>
/// A minimal dependency container for Spectre's commands: registrations by service type (several allowed,
/// resolved as <c>IEnumerable&lt;T&gt;</c>), constructor injection for unregistered concrete types.
/// </summary>
internal sealed class TypeRegistrar : ITypeRegistrar, ITypeResolver
{
    private readonly Dictionary<Type, List<Func<object>>> _factories = [];

    public void Register(Type service, Type implementation) => Add(service, () => Create(implementation));

    public void RegisterInstance(Type service, object implementation) => Add(service, () => implementation);

    public void RegisterLazy(Type service, Func<object> factory)
    {
        Lazy<object> lazy = new(factory);
        Add(service, () => lazy.Value);
    }

    public ITypeResolver Build() => this;

    public object? Resolve(Type? type)
    {
        if (type is null) return null;
        if (_factories.TryGetValue(type, out var factories)) return factories[^1]();
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IEnumerable<>))
        {
            var element = type.GetGenericArguments()[0];
            var items = _factories.TryGetValue(element, out var all) ? all.Select(f => f()).ToArray() : [];
            var array = Array.CreateInstance(element, items.Length);
            for (int i = 0; i < items.Length; i++) array.SetValue(items[i], i);
            return array;
        }
        return type.IsAbstract || type.IsInterface ? null : Create(type);
    }

    private void Add(Type service, Func<object> factory)
    {
        if (!_factories.TryGetValue(service, out var list)) _factories[service] = list = [];
        list.Add(factory);
    }

    private object Create(Type type)
    {
        var ctor = type.GetConstructors().OrderByDescending(c => c.GetParameters().Length).First();
        var args = ctor.GetParameters().Select(p => Resolve(p.ParameterType)
            ?? throw new InvalidOperationException($"Cannot resolve {p.ParameterType.Name} for {type.Name}.")).ToArray();
        return ctor.Invoke(args);
    }
}
