using System.Text;
using Bellman.Core.Environments;
using Bellman.Core.Tabular;

namespace Bellman.Environments.ToyText;

/// <summary>
/// Gymnasium's <c>Taxi-v4</c> (Dietterich 2000): a taxi on a 5×5 grid with walls picks up a passenger at
/// one of four locations R (0,0), G (0,4), Y (4,0), B (4,3) and drops them at their destination.
/// State s = ((row·5 + col)·5 + passenger)·4 + destination, passenger 0..3 at a location or 4 in the
/// taxi, destination 0..3: 500 states. Actions 0 South, 1 North, 2 East, 3 West, 4 Pickup, 5 Dropoff.
/// <para>
/// Rewards: −1 per step; a legal pickup costs −1; a pickup where the passenger is not, or a dropoff
/// without the passenger in the taxi or away from the four locations, costs −10 and changes nothing;
/// dropping the passenger at another location puts them there (−1); dropping them at their destination
/// gives +20 and terminates. Moves into a wall or the border stay in place (−1). The first state is
/// uniform over the 300 states whose passenger waits at a location other than the destination.
/// </para>
/// <para>
/// Options (Gymnasium 1.x): <c>is_rainy</c> — a possible move goes in the intended direction with
/// probability rainy_probability and to each side (left, then right of the heading) with
/// (1 − rainy_probability)/2, reward −1, where a sideways move blocked by a wall stays; an impossible
/// move has three outcomes that all stay; pickup and dropoff stay deterministic. <c>fickle_passenger</c>
/// — at reset, with probability fickle_probability, the passenger becomes fickle: on the first step
/// that moves the taxi while they ride, their destination changes uniformly to one of the other three.
/// The fickle change is not part of <see cref="TabularEnvironment.Model"/> (as in Gymnasium's <c>P</c>).
/// Default options give the standard deterministic model.
/// </para>
/// </summary>
public sealed class Taxi : TabularEnvironment
{
    /// <summary>The registered id.</summary>
    public const string Id = "Taxi-v4";

    /// <summary>Time limit of <c>Taxi-v4</c>.</summary>
    public const int MaxEpisodeSteps = 200;

    /// <summary>Reward threshold of <c>Taxi-v4</c> (the optimum is about 8.46).</summary>
    public const double RewardThreshold = 8;

    /// <summary>Number of states.</summary>
    public const int StateCount = 500;

    /// <summary>Number of actions.</summary>
    public const int ActionCount = 6;

    /// <summary>Gymnasium's ansi map: walls <c>|</c> block east/west moves, <c>:</c> do not.</summary>
    public static IReadOnlyList<string> Map { get; } =
        ["+---------+", "|R: | : :G|", "| : | : : |", "| : : : : |", "| | : | : |", "|Y| : |B: |", "+---------+"];

    /// <summary>The (row, col) of the four locations R, G, Y, B, indexed by passenger/destination index.</summary>
    public static IReadOnlyList<(int Row, int Col)> Locations { get; } = [(0, 0), (0, 4), (4, 0), (4, 3)];

    private const int MaxRow = 4, MaxCol = 4, InTaxi = 4;
    private static readonly string[] ActionNames = ["South", "North", "East", "West", "Pickup", "Dropoff"];

    // (forward, left, right) of each heading: south, north, east, west.
    private static readonly (int Row, int Col)[][] RainyMoves =
    [
        [(1, 0), (0, 1), (0, -1)],
        [(-1, 0), (0, -1), (0, 1)],
        [(0, 1), (-1, 0), (1, 0)],
        [(0, -1), (1, 0), (-1, 0)],
    ];

    private readonly bool[] _mask = new bool[ActionCount];
    private bool _fickleStep;

    /// <summary>
    /// Makes the taxi as <c>gym.make("Taxi-v4", is_rainy=…, fickle_passenger=…, rainy_probability=…,
    /// fickle_probability=…)</c>.
    /// </summary>
    public Taxi(bool isRainy = false, bool ficklePassenger = false, double rainyProbability = 0.8, double fickleProbability = 0.3)
        : base(BuildModel(isRainy, rainyProbability), gridColumns: 0)
    {
        if (!(fickleProbability >= 0 && fickleProbability <= 1))
            throw new ArgumentOutOfRangeException(nameof(fickleProbability), fickleProbability, "Taxi: fickle_probability must be in [0, 1].");
        IsRainy = isRainy;
        FicklePassenger = ficklePassenger;
        RainyProbability = rainyProbability;
        FickleProbability = fickleProbability;
    }

    /// <summary>Whether moves may slip sideways.</summary>
    public bool IsRainy { get; }

    /// <summary>Whether the passenger may change destination once.</summary>
    public bool FicklePassenger { get; }

    /// <summary>The probability of moving in the intended direction when rainy.</summary>
    public double RainyProbability { get; }

    /// <summary>The probability, drawn at reset, that the passenger is fickle this episode.</summary>
    public double FickleProbability { get; }

    /// <summary>
    /// Gymnasium's <c>info["action_mask"]</c> for the current state: which actions change the state
    /// (see <see cref="ComputeActionMask"/>). The span is a buffer the environment reuses: valid until
    /// the next read of this property.
    /// </summary>
    public ReadOnlySpan<bool> ActionMask
    {
        get
        {
            ComputeActionMask(State, _mask);
            return _mask;
        }
    }

    /// <summary>((row·5 + col)·5 + passenger)·4 + destination.</summary>
    public static int Encode(int taxiRow, int taxiCol, int passenger, int destination)
    {
        if ((uint)taxiRow > MaxRow || (uint)taxiCol > MaxCol || (uint)passenger > InTaxi || (uint)destination > 3)
            throw new ArgumentOutOfRangeException(nameof(taxiRow),
                $"Taxi: ({taxiRow}, {taxiCol}, {passenger}, {destination}) is not a state; row and col are 0..4, passenger 0..4, destination 0..3.");
        return ((taxiRow * 5 + taxiCol) * 5 + passenger) * 4 + destination;
    }

    /// <summary>The inverse of <see cref="Encode"/>.</summary>
    public static (int TaxiRow, int TaxiCol, int Passenger, int Destination) Decode(int state)
    {
        if ((uint)state >= StateCount)
            throw new ArgumentOutOfRangeException(nameof(state), state, "Taxi: states are 0..499.");
        return (state / 100, state / 20 % 5, state / 4 % 5, state % 4);
    }

    /// <summary>
    /// Gymnasium's action mask: South if row &lt; 4, North if row &gt; 0, East/West if no wall on that side
    /// and not at the border, Pickup if the waiting passenger is under the taxi, Dropoff if the passenger
    /// rides and the taxi is at one of the four locations.
    /// </summary>
    public static void ComputeActionMask(int state, Span<bool> destination)
    {
        if (destination.Length != ActionCount)
            throw new ArgumentException($"Taxi: the action mask has {ActionCount} entries; the destination has {destination.Length}.", nameof(destination));
        var (row, col, passenger, _) = Decode(state);
        destination[0] = row < MaxRow;
        destination[1] = row > 0;
        destination[2] = col < MaxCol && Map[row + 1][2 * col + 2] == ':';
        destination[3] = col > 0 && Map[row + 1][2 * col] == ':';
        destination[4] = passenger < InTaxi && Locations[passenger] == (row, col);
        destination[5] = passenger == InTaxi && Locations.Contains((row, col));
    }

    /// <inheritdoc/>
    protected override void WriteStateCore(BinaryWriter writer)
    {
        base.WriteStateCore(writer);
        writer.Write(_fickleStep);
    }

    /// <inheritdoc/>
    protected override void ReadStateCore(BinaryReader reader)
    {
        base.ReadStateCore(reader);
        _fickleStep = reader.ReadBoolean();
    }

    /// <inheritdoc/>
    protected override void OnEpisodeStart() =>
        _fickleStep = FicklePassenger && Random.NextDouble() < FickleProbability;

    /// <summary>Samples the model's outcome, then applies the fickle passenger's one destination change.</summary>
    protected override StepResult StepCore(int action)
    {
        var (oldRow, oldCol, oldPassenger, oldDestination) = Decode(State);
        var result = base.StepCore(action);
        var (row, col, passenger, _) = Decode(State);
        if (FicklePassenger && _fickleStep && oldPassenger == InTaxi && (row != oldRow || col != oldCol))
        {
            _fickleStep = false;
            int k = Random.Integers(3);
            SetState(Encode(row, col, passenger, k >= oldDestination ? k + 1 : k));
        }
        return result;
    }

    /// <summary>
    /// Gymnasium's ansi rendering: the map with the taxi on a yellow background (green with the passenger
    /// aboard, an empty cell drawn as <c>_</c>), the waiting passenger's letter in bold blue, the
    /// destination in magenta, then the last action in parentheses (an empty line after a reset).
    /// </summary>
    public override string Render()
    {
        var cells = Map.Select(line => line.Select(ch => ch.ToString()).ToArray()).ToArray();
        var (row, col, passenger, destination) = Decode(State);
        if (passenger < InTaxi)
        {
            cells[1 + row][2 * col + 1] = Ansi.Colorize(cells[1 + row][2 * col + 1], Ansi.Yellow, highlight: true);
            var (pr, pc) = Locations[passenger];
            cells[1 + pr][2 * pc + 1] = Ansi.Colorize(cells[1 + pr][2 * pc + 1], Ansi.Blue, bold: true);
        }
        else
        {
            string cell = cells[1 + row][2 * col + 1];
            cells[1 + row][2 * col + 1] = Ansi.Colorize(cell == " " ? "_" : cell, Ansi.Green, highlight: true);
        }
        var (dr, dc) = Locations[destination];
        cells[1 + dr][2 * dc + 1] = Ansi.Colorize(cells[1 + dr][2 * dc + 1], Ansi.Magenta);
        var text = new StringBuilder();
        foreach (var line in cells) text.Append(string.Concat(line)).Append('\n');
        text.Append(LastAction is int a ? $"  ({ActionNames[a]})\n" : "\n");
        return text.ToString();
    }

    private static TabularModel BuildModel(bool isRainy, double rainyProbability)
    {
        if (!(rainyProbability >= 0 && rainyProbability <= 1))
            throw new ArgumentOutOfRangeException(nameof(rainyProbability), rainyProbability, "Taxi: rainy_probability must be in [0, 1].");
        double lateral = (1.0 - rainyProbability) / 2.0;

        IEnumerable<Outcome> Outcomes(int s, int a)
        {
            var (row, col, passenger, destination) = Decode(s);
            if (a == 4)
            {
                var (p, r) = Pickup(row, col, passenger);
                return [new Outcome(1.0, Encode(row, col, p, destination), r, false)];
            }
            if (a == 5)
            {
                var (p, r, done) = Dropoff(row, col, passenger, destination);
                return [new Outcome(1.0, Encode(row, col, p, destination), r, done)];
            }
            if (!isRainy)
            {
                var (nr, nc) = CanMove(row, col, a) ? (row + RainyMoves[a][0].Row, col + RainyMoves[a][0].Col) : (row, col);
                return [new Outcome(1.0, Encode(nr, nc, passenger, destination), -1, false)];
            }
            (int Row, int Col) forward = (row, col), left = (row, col), right = (row, col);
            if (CanMove(row, col, a))
            {
                forward = (row + RainyMoves[a][0].Row, col + RainyMoves[a][0].Col);
                left = SideMove(row, col, RainyMoves[a][1]);
                right = SideMove(row, col, RainyMoves[a][2]);
            }
            return
            [
                new Outcome(rainyProbability, Encode(forward.Row, forward.Col, passenger, destination), -1, false),
                new Outcome(lateral, Encode(left.Row, left.Col, passenger, destination), -1, false),
                new Outcome(lateral, Encode(right.Row, right.Col, passenger, destination), -1, false),
            ];
        }

        var initial = new double[StateCount];
        for (int s = 0; s < StateCount; s++)
        {
            var (_, _, passenger, destination) = Decode(s);
            if (passenger < InTaxi && passenger != destination) initial[s] = 1.0 / 300.0;
        }
        return new TabularModel(StateCount, ActionCount, Outcomes, initial);
    }

    /// <summary>Whether move <paramref name="action"/> (0..3) leaves (row, col): not at the border and, east/west, no wall.</summary>
    private static bool CanMove(int row, int col, int action) => action switch
    {
        0 => row < MaxRow,
        1 => row > 0,
        2 => Map[1 + row][2 * col + 2] == ':',
        _ => Map[1 + row][2 * col] == ':',
    };

    /// <summary>A sideways move of the rainy taxi: clamped to the grid, and no move when a wall lies on that side of the target cell.</summary>
    private static (int Row, int Col) SideMove(int row, int col, (int Row, int Col) move)
    {
        int nr = Math.Clamp(row + move.Row, 0, MaxRow), nc = Math.Clamp(col + move.Col, 0, MaxCol);
        if (move.Col == 1 && Map[1 + nr][2 * nc] != ':') return (row, col);
        if (move.Col == -1 && Map[1 + nr][2 * nc + 2] != ':') return (row, col);
        return (nr, nc);
    }

    private static (int Passenger, double Reward) Pickup(int row, int col, int passenger) =>
        passenger < InTaxi && Locations[passenger] == (row, col) ? (InTaxi, -1) : (passenger, -10);

    private static (int Passenger, double Reward, bool Terminated) Dropoff(int row, int col, int passenger, int destination)
    {
        if (passenger == InTaxi && Locations[destination] == (row, col)) return (destination, 20, true);
        int here = IndexOfLocation(row, col);
        if (passenger == InTaxi && here >= 0) return (here, -1, false);
        return (passenger, -10, false);
    }

    private static int IndexOfLocation(int row, int col)
    {
        for (int i = 0; i < Locations.Count; i++) if (Locations[i] == (row, col)) return i;
        return -1;
    }
}
