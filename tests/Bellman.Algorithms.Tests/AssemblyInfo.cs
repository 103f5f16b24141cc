namespace Bellman.Algorithms.Tests;
