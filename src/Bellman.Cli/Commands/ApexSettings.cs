using System.ComponentModel;
using Spectre.Console.Cli;

namespace Bellman.Cli.Commands;

/// <summary>Settings of <c>apex learner</c> (and, with actors, <c>train apex</c>).</summary>
public class ApexLearnerSettings : CommandSettings
{
    /// <summary>The environment id.</summary>
    [CommandOption("--env <ID>")]
    [Description("Environment id with a discrete action space (default CartPole-v1).")]
    public string? Env { get; init; }

    /// <summary>The seed.</summary>
    [CommandOption("--seed <N>")]
    [Description("Seed of the learner's weights and sampling and of the actors' exploration (default 0).")]
    public int? Seed { get; init; }

    /// <summary>The number of actors N.</summary>
    [CommandOption("--actors <N>")]
    [Description("Number of actor processes N; actor i explores with epsilon 0.4^(1 + 7 i/(N-1)) (default 2).")]
    public int? Actors { get; init; }

    /// <summary>Option overrides.</summary>
    [CommandOption("--set <KEY=VALUE>")]
    [Description("Override an Ape-X option, repeatable, e.g. --set shards=4 --set samples_per_insert=4 (keys: total_steps, envs_per_actor, n_steps, gamma, actor_batch, sync_interval, shards, buffer_size, per_alpha, per_beta, min_replay, samples_per_insert, rate_error_buffer, batch_size, learning_rate, target_update_interval, publish_interval, net_arch, double_q, dueling, eval_freq, eval_episodes, log_interval, stop_at_return, lockstep; lockstep=true fixes the order of inserts, updates and fetches so that a run is reproducible and resumes exactly, the default with --actors 1).")]
    public string[] Set { get; init; } = [];

    /// <summary>Total environment steps.</summary>
    [CommandOption("--steps <N>")]
    [Description("Environment steps over all actors (overrides total_steps).")]
    public long? Steps { get; init; }

    /// <summary>The run folder.</summary>
    [CommandOption("--out <DIR>")]
    [Description("Run folder (default runs/apex-ENV-sSEED, suffixed -2, -3 when taken).")]
    public string? Out { get; init; }

    /// <summary>The silo port.</summary>
    [CommandOption("--silo-port <PORT>")]
    [Description("Silo-to-silo port (default 11111; train apex: a free port).")]
    public int? SiloPort { get; init; }

    /// <summary>The gateway port.</summary>
    [CommandOption("--gateway-port <PORT>")]
    [Description("Gateway port the actors connect to (default 30000; train apex: a free port).")]
    public int? GatewayPort { get; init; }

    /// <summary>The address to advertise for other machines.</summary>
    [CommandOption("--advertise <IP>")]
    [Description("IP address of this machine that actors on other machines reach; listens on every interface (default: loopback only).")]
    public string? Advertise { get; init; }

    /// <summary>A log of every stored batch.</summary>
    [CommandOption("--batch-log <FILE>")]
    [Description("Write a line (actor, sequence, rows, checksum) for every batch the shards store (to compare with the actors' --batch-log).")]
    public string? BatchLog { get; init; }

    /// <summary>A stopped run to continue.</summary>
    [CommandOption("--resume <RUN>")]
    [Description("Continue the stopped run in folder RUN from its latest checkpoint (exactly in lock-step mode; otherwise with its replay memory and counters, the actors starting afresh); only --steps may change.")]
    public string? Resume { get; init; }
}

/// <summary>Settings of <c>train apex</c>.</summary>
public sealed class ApexTrainSettings : ApexLearnerSettings
{
    /// <summary>Restarts of a crashed actor.</summary>
    [CommandOption("--max-restarts <N>")]
    [Description("Restart an actor process that exits early up to N times (default 3).")]
    public int? MaxRestarts { get; init; }
}

/// <summary>Settings of <c>apex actor</c>.</summary>
public sealed class ApexActorSettings : CommandSettings
{
    /// <summary>The learner's gateway.</summary>
    [CommandOption("--learner <HOST:PORT>")]
    [Description("The learner's gateway, e.g. 127.0.0.1:30000.")]
    public string? Learner { get; init; }

    /// <summary>This actor's index.</summary>
    [CommandOption("--index <I>")]
    [Description("This actor's index i in 0..N-1 (sets its epsilon and its seeds).")]
    public int? Index { get; init; }

    /// <summary>A log of every accepted batch.</summary>
    [CommandOption("--batch-log <FILE>")]
    [Description("Write a line (actor, sequence, rows, checksum) for every batch the shards accepted.")]
    public string? BatchLog { get; init; }

    /// <summary>Malformed batches to send first.</summary>
    [CommandOption("--bad-batches <N>")]
    [Description("Fault injection: send N malformed batches first (wrong observation size, NaN reward); the shards must refuse them.")]
    public int BadBatches { get; init; }

    /// <summary>How long to wait for the learner.</summary>
    [CommandOption("--connect-timeout <SECONDS>")]
    [Description("Keep trying to reach the learner this long (default 60).")]
    public double ConnectTimeout { get; init; } = 60;
}
