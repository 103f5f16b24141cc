using Bellman.Algorithms.ActorCritic;
using Bellman.Cli.Infrastructure;
using Bellman.Cli.Runs;

namespace Bellman.Cli.Commands;

/// <summary><c>bellman train reinforce</c>.</summary>
public sealed class TrainReinforceCommand(CliIO io) : TrainCommand<ReinforceOptions>(io, new ReinforceSpec());

/// <summary><c>bellman train actor-critic</c>.</summary>
public sealed class TrainActorCriticCommand(CliIO io) : TrainCommand<ActorCriticOptions>(io, new ActorCriticSpec());

/// <summary><c>bellman train a2c</c>.</summary>
public sealed class TrainA2cCommand(CliIO io) : TrainCommand<A2cOptions>(io, new A2cSpec());
