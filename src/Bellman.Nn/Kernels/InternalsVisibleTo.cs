using System.Runtime.CompilerServices;

// The kernel tests run every vector width (Simd512/256/128), not only the one this machine would pick.
[assembly: InternalsVisibleTo("Bellman.Nn.Tests")]
[assembly: InternalsVisibleTo("Bellman.Benchmarks")]
