using Bellman.Core.Environments;

namespace Bellman.Environments.Vector;

/// <summary>Steps its environments one after another on the calling thread, as Gymnasium's <c>SyncVectorEnv</c>.</summary>
public sealed class SyncVectorEnvironment : VectorEnvironment
{
    /// <summary>Creates one environment per factory (environment i from <paramref name="factories"/>[i]).</summary>
    public SyncVectorEnvironment(IReadOnlyList<Func<IEnvironment>> factories) : base(factories) { }

    /// <summary>Creates <paramref name="numEnvs"/> environments from one factory.</summary>
    public SyncVectorEnvironment(Func<IEnvironment> factory, int numEnvs) : base(Repeat(factory, numEnvs)) { }

    /// <inheritdoc/>
    protected override void Execute() => ExecuteRows(0, NumEnvs);

    internal static Func<IEnvironment>[] Repeat(Func<IEnvironment> factory, int numEnvs)
    {
        ArgumentNullException.ThrowIfNull(factory);
        if (numEnvs <= 0) throw new ArgumentOutOfRangeException(nameof(numEnvs), numEnvs, "A vector environment needs at least one environment.");
        var factories = new Func<IEnvironment>[numEnvs];
        Array.Fill(factories, factory);
        return factories;
    }
}
