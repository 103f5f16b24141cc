namespace Bellman.Nn.Serialization;

/// <summary>A safetensors file that breaks the format; the message names the problem and, where there is one, the tensor.</summary>
public sealed class SafeTensorsFormatException : FormatException
{
    /// <summary>Creates the exception.</summary>
    public SafeTensorsFormatException(string message, string? tensorName = null, Exception? inner = null)
        : base(message, inner) => TensorName = tensorName;

    /// <summary>The tensor the problem concerns, if any.</summary>
    public string? TensorName { get; }
}
