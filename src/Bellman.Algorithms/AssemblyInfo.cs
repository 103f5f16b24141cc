namespace Bellman.Algorithms;
