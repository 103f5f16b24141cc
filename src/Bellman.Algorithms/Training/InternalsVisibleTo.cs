using System.Runtime.CompilerServices;

// The overlap_collection tests run the learner's phases serially too (BackgroundPhase.Serial), to compare the bits.
[assembly: InternalsVisibleTo("Bellman.Algorithms.Tests")]
