using Bellman.Core.Random;
using Bellman.Nn.Serialization;

namespace Bellman.Backgammon.TdGammon;

/// <summary>What a TD-Gammon checkpoint records besides the weights: the options, the games trained and the dice generator's state (to resume).</summary>
public sealed record TdGammonCheckpointMetadata
{
    /// <summary>Marks the checkpoint as a TD-Gammon network.</summary>
    public string Kind { get; init; } = TdGammonCheckpoint.Kind;

    /// <summary>Hidden units.</summary>
    public int Hidden { get; init; }

    /// <summary>Outputs (1, or 5 with gammons and backgammons); 1 in checkpoints written before the option existed.</summary>
    public int Outputs { get; init; } = 1;

    /// <summary>α.</summary>
    public float Alpha { get; init; }

    /// <summary>λ.</summary>
    public float Lambda { get; init; }

    /// <summary>The seed of the run.</summary>
    public ulong Seed { get; init; }

    /// <summary>Self-play games trained.</summary>
    public long Games { get; init; }

    /// <summary>Seconds of training so far.</summary>
    public double TrainSeconds { get; init; }

    /// <summary>The dice generator's state.</summary>
    public ulong[] DiceState { get; init; } = [];
}

/// <summary>Saves and loads TD-Gammon networks with Bellman.Nn's safetensors checkpoint (weights + JSON sidecar).</summary>
public static class TdGammonCheckpoint
{
    /// <summary>The metadata kind.</summary>
    public const string Kind = "td-gammon";

    /// <summary>Writes the trainer's network and state to <paramref name="path"/> (see <see cref="Checkpoint.PathsFor"/>).</summary>
    public static CheckpointPaths Save(string path, TdGammonTrainer trainer)
    {
        ArgumentNullException.ThrowIfNull(trainer);
        var meta = new TdGammonCheckpointMetadata
        {
            Hidden = trainer.Network.Hidden,
            Outputs = trainer.Network.Outputs,
            Alpha = trainer.Options.Alpha,
            Lambda = trainer.Options.Lambda,
            Seed = trainer.Options.Seed,
            Games = trainer.Games,
            TrainSeconds = trainer.TrainSeconds,
            DiceState = trainer.DiceRng.GetState(),
        };
        return Checkpoint.Save(path, trainer.Network.Parameters, metadata: meta);
    }

    /// <summary>Loads a network and its metadata from a checkpoint written by <see cref="Save"/>.</summary>
    /// <exception cref="InvalidDataException">The checkpoint is not a TD-Gammon network.</exception>
    public static (TdGammonNetwork Network, TdGammonCheckpointMetadata Metadata) Load(string path)
    {
        var file = Checkpoint.Read(path);
        TdGammonCheckpointMetadata? meta;
        try
        {
            meta = file.MetadataAs<TdGammonCheckpointMetadata>();
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new InvalidDataException($"'{file.Paths.Json}' is not a TD-Gammon checkpoint: {e.Message}", e);
        }
        if (meta is null || meta.Kind != Kind || meta.Hidden < 1)
            throw new InvalidDataException($"'{file.Paths.Json}' is not a TD-Gammon checkpoint (its metadata has no kind '{Kind}' with hidden units).");
        if (meta.Outputs is not (1 or 5))
            throw new InvalidDataException($"'{file.Paths.Json}' says the network has {meta.Outputs} outputs; TD-Gammon networks have 1 or 5.");
        var network = new TdGammonNetwork(meta.Hidden, new Rng(0UL), initScale: 0f, outputs: meta.Outputs);
        Checkpoint.Load(path, network.Parameters);
        return (network, meta);
    }

    /// <summary>A trainer that continues the run saved at <paramref name="path"/> (weights, games, dice state).</summary>
    public static TdGammonTrainer Resume(string path)
    {
        var (network, meta) = Load(path);
        var dice = new Rng(0UL);
        if (meta.DiceState.Length > 0) dice.SetState(meta.DiceState);
        var options = new TdGammonOptions { Hidden = meta.Hidden, Outputs = meta.Outputs, Alpha = meta.Alpha, Lambda = meta.Lambda, Seed = meta.Seed };
        return new TdGammonTrainer(options, network, dice) { Games = meta.Games, TrainSeconds = meta.TrainSeconds };
    }
}
