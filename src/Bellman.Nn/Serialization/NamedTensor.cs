namespace Bellman.Nn.Serialization;

/// <summary>A named float32 array with a shape: the unit that checkpoints store.</summary>
/// <param name="Name">The tensor's name in the file ("0.weight", "optimizer.exp_avg.0.weight").</param>
/// <param name="Shape">The shape; the product of its dimensions equals <c>Data.Length</c>.</param>
/// <param name="Data">The values, row-major.</param>
public sealed record NamedTensor(string Name, int[] Shape, float[] Data);
