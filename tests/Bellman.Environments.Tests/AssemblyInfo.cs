namespace Bellman.Environments.Tests;
