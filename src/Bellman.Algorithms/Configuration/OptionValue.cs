namespace Bellman.Algorithms.Configuration;

/// <summary>
/// An option type that is neither a number, a bool, a list nor an enum (SAC's <c>ent_coef: auto|0.1</c>):
/// it parses itself from text, formats itself back and describes what it accepts.
/// </summary>
/// <typeparam name="T">The type itself.</typeparam>
public interface IOptionValue<T> : IParsable<T>, IFormattable where T : IOptionValue<T>
{
    /// <summary>What the option accepts, for <c>bellman options</c> (e.g. "auto or a number").</summary>
    static abstract string TypeDescription { get; }
}
