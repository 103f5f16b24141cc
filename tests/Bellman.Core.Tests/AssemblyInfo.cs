namespace Bellman.Core.Tests;
