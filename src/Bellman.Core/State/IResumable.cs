namespace Bellman.Core.State;

/// <summary>
/// A component whose complete mutable state can be written to a checkpoint and read back, so that a run
/// continued from the checkpoint draws, steps and learns exactly as the uninterrupted run would: generators,
/// environments in mid-episode, wrappers' counters, replay memories, noise processes, schedules' counters.
/// <see cref="ReadState"/> restores into an object built with the same configuration (the checkpoint does
/// not record configuration), and throws <see cref="InvalidDataException"/> when the data does not fit it.
/// </summary>
public interface IResumable
{
    /// <summary>Writes the state.</summary>
    void WriteState(BinaryWriter writer);

    /// <summary>Reads a state written by <see cref="WriteState"/> of an identically configured object.</summary>
    void ReadState(BinaryReader reader);
}
