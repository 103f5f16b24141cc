using Xunit;

namespace Bellman.Nn.Tests;

/// <summary>
/// Tests that change the process-wide <see cref="Bellman.Nn.EngineThreads.Max"/> run in this collection, alone, so that
/// no other test (an allocation count, say) runs while it is above 1.
/// </summary>
[CollectionDefinition(EngineThreadsCollection.Name, DisableParallelization = true)]
public sealed class EngineThreadsCollection
{
    public const string Name = "engine threads";
}
