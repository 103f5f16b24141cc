using Bellman.Nn;
using Bellman.Nn.Layers;

namespace Bellman.Algorithms.Training;

/// <summary>
/// Bare learnable parameters (SAC's log α) as a module, so that checkpoints save and load them beside
/// the networks. It has no forward pass.
/// </summary>
public sealed class ParameterSet : Module
{
    private readonly Parameter[] _parameters;

    /// <summary>Wraps <paramref name="parameters"/>.</summary>
    public ParameterSet(params Parameter[] parameters) => _parameters = parameters;

    /// <inheritdoc/>
    public override IReadOnlyList<Parameter> Parameters() => _parameters;

    /// <summary>Not supported: a parameter set is not a function of an input.</summary>
    public override Tensor Forward(Graph graph, Tensor x) => throw new NotSupportedException("A ParameterSet has no forward pass.");
}
