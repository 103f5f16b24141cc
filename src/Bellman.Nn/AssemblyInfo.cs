namespace Bellman.Nn;
