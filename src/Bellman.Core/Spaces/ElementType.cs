namespace Bellman.Core.Spaces;

/// <summary>What the elements of a <see cref="Box"/> are (Gymnasium's dtype); observations are float32 buffers either way.</summary>
public enum ElementType
{
    /// <summary>Real numbers (float32).</summary>
    Float32,
    /// <summary>Whole numbers 0..255 (uint8 images).</summary>
    UInt8,
    /// <summary>0 or 1 (bool grids such as MinAtar's channels).</summary>
    Bool,
}
