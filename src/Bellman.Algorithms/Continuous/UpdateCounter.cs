using System.Text.Json.Nodes;
using Bellman.Nn;
using Bellman.Nn.Layers;

namespace Bellman.Algorithms.Continuous;

/// <summary>
/// An agent's count of gradient steps as a checkpointed tensor ("updates", float32 [2] = [high, low] in base 2²⁴,
/// both exact), so that saving and loading an agent keeps the phase of what the count schedules: TD3's delayed
/// actor and target updates (every <c>policy_delay</c> critic updates) and SAC's target updates (every
/// <c>target_update_interval</c>). Counts up to 2⁴⁸ are exact. It has no forward pass and no gradient.
/// </summary>
public sealed class UpdateCounter : Module
{
    private const float Base = 16_777_216f;     // 2^24
    private readonly Parameter _value = new("updates", 2);
    private readonly Parameter[] _parameters;

    /// <summary>A counter at 0.</summary>
    public UpdateCounter()
    {
        _value.RequiresGrad = false;
        _parameters = [_value];
    }

    /// <summary>The count.</summary>
    public long Value => (long)_value.Data[0] * (long)Base + (long)_value.Data[1];

    /// <summary>Adds one and returns the new count.</summary>
    public long Increment()
    {
        float[] v = _value.Data;
        if (++v[1] >= Base)
        {
            v[1] = 0;
            v[0]++;
        }
        return Value;
    }

    /// <inheritdoc/>
    public override IReadOnlyList<Parameter> Parameters() => _parameters;

    /// <summary>Not supported: a counter is not a function of an input.</summary>
    public override Tensor Forward(Graph graph, Tensor x) => throw new NotSupportedException("An UpdateCounter has no forward pass.");

    /// <inheritdoc/>
    public override JsonObject Describe() => new() { ["type"] = "update_counter", ["encoding"] = "updates = [high, low], count = high * 2^24 + low" };
}
