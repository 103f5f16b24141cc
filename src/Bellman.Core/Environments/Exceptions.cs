namespace Bellman.Core.Environments;

/// <summary>An action outside an environment's action space; the message names the environment, the action and the space.</summary>
public sealed class InvalidActionException(string message) : ArgumentException(message);

/// <summary>A step on an episode that has ended (terminated or truncated) without a reset in between.</summary>
public sealed class EpisodeEndedException(string message) : InvalidOperationException(message);
