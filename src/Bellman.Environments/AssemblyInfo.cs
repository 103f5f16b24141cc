namespace Bellman.Environments;
