namespace Bellman.Cli.Tests;
