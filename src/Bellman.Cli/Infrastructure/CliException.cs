namespace Bellman.Cli.Infrastructure;

/// <summary>A user error: printed as one clear message, exit code 2.</summary>
public sealed class CliException(string message) : Exception(message);
