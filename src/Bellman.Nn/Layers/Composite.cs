namespace Bellman.Nn.Layers;

/// <summary>
/// Base for modules built from named children (PyTorch's attribute submodules): a child registered as
/// "value" contributes parameters "value.weight", "value.bias", and so on.
/// </summary>
public abstract class CompositeModule : Module
{
    private readonly List<Parameter> _parameters = [];

    /// <inheritdoc/>
    public sealed override IReadOnlyList<Parameter> Parameters() => _parameters;

    /// <summary>Adopts <paramref name="child"/> under <paramref name="name"/>, prefixing its parameter names; returns the child.</summary>
    protected T Register<T>(string name, T child) where T : Module
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(child);
        foreach (Parameter p in child.Parameters())
        {
            p.Name = $"{name}.{p.Name}";
            _parameters.Add(p);
        }
        return child;
    }
}
