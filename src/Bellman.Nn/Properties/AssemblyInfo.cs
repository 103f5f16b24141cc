using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("Bellman.Nn.Tests")]
