namespace Bellman.Nn.Tests;
