using System.Text;
using Bellman.Core.Random;
using Bellman.Core.Tabular;

namespace Bellman.Environments.ToyText;

/// <summary>The rewards for arriving on a goal, a hole and a frozen (or start) tile, Gymnasium's <c>reward_schedule</c>.</summary>
/// <param name="Goal">Reward for arriving on G.</param>
/// <param name="Hole">Reward for arriving on H.</param>
/// <param name="Frozen">Reward for arriving on F or S.</param>
public readonly record struct FrozenLakeRewards(double Goal, double Hole, double Frozen)
{
    /// <summary>Gymnasium's default (1, 0, 0).</summary>
    public static FrozenLakeRewards Default => new(1, 0, 0);
}

/// <summary>
/// Gymnasium's <c>FrozenLake-v1</c>: walk on a grid of tiles S (start), F (frozen), H (hole), G (goal)
/// from S to G. States are cells, s = row·ncol + col; actions 0 Left, 1 Down, 2 Right, 3 Up; a move
/// off the grid stays in place. Arriving on G or H terminates the episode; the reward is the
/// <see cref="FrozenLakeRewards"/> entry of the tile arrived on. From G or H (reachable only through
/// <see cref="TabularEnvironment.ResetToState"/>) every action gives (1, s, 0, terminated).
/// <para>
/// Slippery ice: action a moves in direction b ∈ ((a−1) mod 4, a, (a+1) mod 4), listed in that order,
/// with probability success_rate for b = a and (1 − success_rate)/2 for each perpendicular b;
/// outcomes that land on the same cell are kept as separate entries. Not slippery: one outcome with
/// probability 1. The first state is drawn uniformly among the S tiles.
/// </para>
/// </summary>
public sealed class FrozenLake : TabularEnvironment
{
    /// <summary>The registered id of the 4x4 map.</summary>
    public const string Id = "FrozenLake-v1";

    /// <summary>The registered id of the 8x8 map (<c>map_name=8x8</c>).</summary>
    public const string Id8x8 = "FrozenLake8x8-v1";

    /// <summary>Time limit of <c>FrozenLake-v1</c>.</summary>
    public const int MaxEpisodeSteps = 100;

    /// <summary>Reward threshold of <c>FrozenLake-v1</c> (the optimum is about 0.74).</summary>
    public const double RewardThreshold = 0.70;

    /// <summary>Time limit of <c>FrozenLake8x8-v1</c>.</summary>
    public const int MaxEpisodeSteps8x8 = 200;

    /// <summary>Reward threshold of <c>FrozenLake8x8-v1</c> (the optimum is about 0.91).</summary>
    public const double RewardThreshold8x8 = 0.85;

    /// <summary>Gymnasium's <c>MAPS["4x4"]</c>.</summary>
    public static IReadOnlyList<string> Map4x4 { get; } = ["SFFF", "FHFH", "FFFH", "HFFG"];

    /// <summary>Gymnasium's <c>MAPS["8x8"]</c>.</summary>
    public static IReadOnlyList<string> Map8x8 { get; } =
        ["SFFFFFFF", "FFFFFFFF", "FFFHFFFF", "FFFFFHFF", "FFFHFFFF", "FHHFFFHF", "FHFFHFHF", "FFFHFFFG"];

    private static readonly string[] ActionNames = ["Left", "Down", "Right", "Up"];
    private static readonly (int Row, int Col)[] Moves = [(0, -1), (1, 0), (0, 1), (-1, 0)];

    private readonly string[] _map;

    /// <summary>
    /// Makes the lake as <c>gym.make("FrozenLake-v1", desc=…, map_name=…, is_slippery=…, success_rate=…,
    /// reward_schedule=…)</c>. A given <paramref name="desc"/> (map rows) wins over
    /// <paramref name="mapName"/> ("4x4" or "8x8"). When both are null, a random 8x8 map with 80% frozen
    /// tiles is generated from <paramref name="randomMapSeed"/> (from entropy when that is null, as
    /// Gymnasium does).
    /// </summary>
    public FrozenLake(
        IReadOnlyList<string>? desc = null,
        string? mapName = "4x4",
        bool isSlippery = true,
        double successRate = 1.0 / 3.0,
        FrozenLakeRewards? rewardSchedule = null,
        long? randomMapSeed = null)
        : this(ResolveMap(desc, mapName, randomMapSeed), isSlippery, successRate, rewardSchedule ?? FrozenLakeRewards.Default)
    {
    }

    private FrozenLake(string[] map, bool isSlippery, double successRate, FrozenLakeRewards rewards)
        : base(BuildModel(map, isSlippery, successRate, rewards), map[0].Length)
    {
        _map = map;
        IsSlippery = isSlippery;
        SuccessRate = successRate;
        Rewards = rewards;
    }

    /// <summary>The map rows (Gymnasium's <c>desc</c>).</summary>
    public IReadOnlyList<string> Map => _map;

    /// <summary>Number of rows.</summary>
    public int Rows => _map.Length;

    /// <summary>Number of columns.</summary>
    public int Columns => _map[0].Length;

    /// <summary>Whether the ice is slippery.</summary>
    public bool IsSlippery { get; }

    /// <summary>The probability of moving in the intended direction on slippery ice.</summary>
    public double SuccessRate { get; }

    /// <summary>The reward schedule.</summary>
    public FrozenLakeRewards Rewards { get; }

    /// <summary>
    /// A random square map (Gymnasium's <c>generate_random_map</c>): every tile is F with probability
    /// min(1, <paramref name="frozenProbability"/>) and H otherwise, then the top-left tile is set to S and
    /// the bottom-right to G; maps are drawn until G is reachable from S (<see cref="HasPath"/>).
    /// </summary>
    public static string[] GenerateRandomMap(Rng rng, int size = 8, double frozenProbability = 0.8)
    {
        ArgumentNullException.ThrowIfNull(rng);
        return GenerateRandomMap(rng.NextDouble, size, frozenProbability);
    }

    /// <summary>
    /// A random map drawn as Gymnasium draws it: <c>np_random.choice(["F", "H"], (size, size), p=[p, 1 − p])</c>,
    /// which takes one <c>random()</c> u per tile in row-major order and picks F when u &lt; p / (p + (1 − p))
    /// (NumPy's normalised cumulative sum, searched on the right).
    /// </summary>
    public static string[] GenerateRandomMap(NumpyGenerator generator, int size = 8, double frozenProbability = 0.8)
    {
        ArgumentNullException.ThrowIfNull(generator);
        return GenerateRandomMap(generator.NextDouble, size, frozenProbability);
    }

    /// <summary>
    /// Gymnasium's <c>generate_random_map(size, p, seed)</c>: the map drawn from
    /// Generator(PCG64(SeedSequence(seed))); the same seed gives the same map. The seed must be non-negative.
    /// </summary>
    public static string[] GenerateRandomMap(long seed, int size = 8, double frozenProbability = 0.8) =>
        GenerateRandomMap(NumpyGenerator.FromSeed(seed), size, frozenProbability);

    private static string[] GenerateRandomMap(Func<double> nextDouble, int size, double frozenProbability)
    {
        if (size < 2) throw new ArgumentOutOfRangeException(nameof(size), size, "A random FrozenLake map needs size >= 2 (S and G on different tiles).");
        if (!(frozenProbability > 0)) throw new ArgumentOutOfRangeException(nameof(frozenProbability), frozenProbability, "The frozen-tile probability must be > 0, or no map has a path.");
        double p = Math.Min(1.0, frozenProbability);
        double frozenBelow = p / (p + (1.0 - p));
        var board = new char[size][];
        while (true)
        {
            for (int r = 0; r < size; r++)
            {
                board[r] = new char[size];
                for (int c = 0; c < size; c++) board[r][c] = nextDouble() < frozenBelow ? 'F' : 'H';
            }
            board[0][0] = 'S';
            board[size - 1][size - 1] = 'G';
            var map = board.Select(row => new string(row)).ToArray();
            if (HasPath(map)) return map;
        }
    }

    /// <summary>True when a G tile can be reached from the top-left tile by moves between neighbouring non-H tiles.</summary>
    public static bool HasPath(IReadOnlyList<string> map)
    {
        int rows = map.Count, cols = map[0].Length;
        var seen = new bool[rows, cols];
        var frontier = new Stack<(int Row, int Col)>();
        frontier.Push((0, 0));
        seen[0, 0] = true;
        while (frontier.Count > 0)
        {
            var (r, c) = frontier.Pop();
            if (map[r][c] == 'G') return true;
            foreach (var (dr, dc) in Moves)
            {
                int nr = r + dr, nc = c + dc;
                if (nr < 0 || nr >= rows || nc < 0 || nc >= cols || seen[nr, nc] || map[nr][nc] == 'H') continue;
                seen[nr, nc] = true;
                frontier.Push((nr, nc));
            }
        }
        return false;
    }

    /// <summary>Gymnasium's ansi rendering: the last action line, then the map with the current tile on a red background.</summary>
    public override string Render()
    {
        var text = new StringBuilder();
        text.Append(LastAction is int a ? $"  ({ActionNames[a]})\n" : "\n");
        for (int r = 0; r < Rows; r++)
        {
            for (int c = 0; c < Columns; c++)
            {
                string tile = _map[r][c].ToString();
                text.Append(r * Columns + c == State ? Ansi.Colorize(tile, Ansi.Red, highlight: true) : tile);
            }
            text.Append('\n');
        }
        return text.ToString();
    }

    private static string[] ResolveMap(IReadOnlyList<string>? desc, string? mapName, long? randomMapSeed)
    {
        if (desc is not null) return CheckMap(desc);
        if (mapName is null) return GenerateRandomMap(randomMapSeed is long seed ? NumpyGenerator.FromSeed(seed) : NumpyGenerator.FromEntropy());
        return mapName switch
        {
            "4x4" => [.. Map4x4],
            "8x8" => [.. Map8x8],
            _ => throw new ArgumentException($"FrozenLake: unknown map_name '{mapName}'; valid: 4x4, 8x8 (or give desc).", nameof(mapName)),
        };
    }

    private static string[] CheckMap(IReadOnlyList<string> desc)
    {
        if (desc.Count == 0 || desc[0] is null || desc[0].Length == 0) throw new ArgumentException("FrozenLake: desc must have at least one non-empty row.", nameof(desc));
        int starts = 0;
        for (int r = 0; r < desc.Count; r++)
        {
            if (desc[r] is null || desc[r].Length != desc[0].Length)
                throw new ArgumentException($"FrozenLake: desc row {r} has length {desc[r]?.Length ?? 0}, row 0 has {desc[0].Length}; rows must be equally long.", nameof(desc));
            foreach (char ch in desc[r])
            {
                if (ch is not ('S' or 'F' or 'H' or 'G'))
                    throw new ArgumentException($"FrozenLake: desc row {r} ('{desc[r]}') has tile '{ch}'; valid tiles: S, F, H, G.", nameof(desc));
                if (ch == 'S') starts++;
            }
        }
        if (starts == 0) throw new ArgumentException("FrozenLake: desc has no start tile 'S'.", nameof(desc));
        return [.. desc];
    }

    private static TabularModel BuildModel(string[] map, bool isSlippery, double successRate, FrozenLakeRewards rewards)
    {
        if (!(successRate >= 0 && successRate <= 1))
            throw new ArgumentOutOfRangeException(nameof(successRate), successRate, "FrozenLake: success_rate must be in [0, 1].");
        if (!double.IsFinite(rewards.Goal) || !double.IsFinite(rewards.Hole) || !double.IsFinite(rewards.Frozen))
            throw new ArgumentException($"FrozenLake: reward_schedule {rewards} must be finite.", nameof(rewards));
        int rows = map.Length, cols = map[0].Length;
        double failRate = (1.0 - successRate) / 2.0;

        Outcome Move(int row, int col, int direction, double probability)
        {
            int r = Math.Clamp(row + Moves[direction].Row, 0, rows - 1);
            int c = Math.Clamp(col + Moves[direction].Col, 0, cols - 1);
            char tile = map[r][c];
            double reward = tile switch { 'G' => rewards.Goal, 'H' => rewards.Hole, _ => rewards.Frozen };
            return new Outcome(probability, r * cols + c, reward, tile is 'G' or 'H');
        }

        IEnumerable<Outcome> Outcomes(int s, int a)
        {
            int row = s / cols, col = s % cols;
            if (map[row][col] is 'G' or 'H') return [new Outcome(1.0, s, 0, true)];
            if (!isSlippery) return [Move(row, col, a, 1.0)];
            return [Move(row, col, (a + 3) % 4, failRate), Move(row, col, a, successRate), Move(row, col, (a + 1) % 4, failRate)];
        }

        var initial = new double[rows * cols];
        int starts = 0;
        for (int s = 0; s < initial.Length; s++) if (map[s / cols][s % cols] == 'S') starts++;
        for (int s = 0; s < initial.Length; s++) initial[s] = map[s / cols][s % cols] == 'S' ? 1.0 / starts : 0.0;
        return new TabularModel(rows * cols, 4, Outcomes, initial);
    }
}
