using Bellman.Core.State;

namespace Bellman.Environments.MinAtar;

/// <summary>
/// MinAtar's Freeway: a chicken in column 4 crosses eight lanes of cars (rows 1..8) from the bottom row to
/// the top; it can move once every 3 steps. Reaching row 0 gives +1, sends the chicken back to row 9 and
/// re-randomises the car speeds and directions (positions kept); a car in the chicken's cell sends it back
/// to row 9. A car with speed s (|s| in 1..5) moves one cell every |s| + 1 steps in the direction of s's sign,
/// wrapping around. The episode ends after 2,501 steps. Channels: chicken, car, and speed1..speed5 trails
/// behind each car by its speed. Speeds are <c>randint(1, 6, 8)</c> and directions
/// <c>sign(rand(8) − 0.5)</c>.
/// </summary>
public sealed class Freeway : MinAtarGame
{
    private const int PlayerSpeed = 3;
    private const int TimeLimit = 2500;

    // Each car: x, y (lane row), timer, signed speed.
    private readonly int[][] _cars = [.. Enumerable.Range(0, 8).Select(_ => new int[4])];
    private readonly long[] _speeds = new long[8];
    private readonly double[] _directions = new double[8];
    private int _pos, _moveTimer, _terminateTimer;

    /// <summary>Creates the game; Freeway has no difficulty ramp.</summary>
    public Freeway()
        : base("freeway", ["chicken", "car", "speed1", "speed2", "speed3", "speed4", "speed5"], "Cc12345",
            [MinAtarAction.Noop, MinAtarAction.Up, MinAtarAction.Down])
    {
    }

    /// <inheritdoc/>
    public override void Reset()
    {
        RandomizeCars(initialize: true);
        _pos = 9;
        _moveTimer = PlayerSpeed;
        _terminateTimer = TimeLimit;
        Terminal = false;
    }

    /// <inheritdoc/>
    protected override void SaveStateCore(BinaryWriter writer)
    {
        foreach (var car in _cars) writer.WriteSpan(car);
        writer.WriteSpan(_speeds);
        writer.WriteSpan(_directions);
        writer.WriteSpan([_pos, _moveTimer, _terminateTimer]);
    }

    /// <inheritdoc/>
    protected override void RestoreStateCore(BinaryReader reader)
    {
        foreach (var car in _cars) reader.ReadInto(car);
        reader.ReadInto(_speeds);
        reader.ReadInto(_directions);
        Span<int> v = stackalloc int[3];
        reader.ReadInto(v);
        (_pos, _moveTimer, _terminateTimer) = (v[0], v[1], v[2]);
    }

    /// <inheritdoc/>
    protected override int ActCore(MinAtarAction action)
    {
        int reward = 0;
        if (action == MinAtarAction.Up && _moveTimer == 0)
        {
            _moveTimer = PlayerSpeed;
            _pos = Math.Max(0, _pos - 1);
        }
        else if (action == MinAtarAction.Down && _moveTimer == 0)
        {
            _moveTimer = PlayerSpeed;
            _pos = Math.Min(9, _pos + 1);
        }

        if (_pos == 0)
        {
            reward++;
            RandomizeCars(initialize: false);
            _pos = 9;
        }

        foreach (int[] car in _cars)
        {
            if (car[0] == 4 && car[1] == _pos) _pos = 9;
            if (car[2] == 0)
            {
                car[2] = Math.Abs(car[3]);
                car[0] += car[3] > 0 ? 1 : -1;
                if (car[0] < 0) car[0] = 9;
                else if (car[0] > 9) car[0] = 0;
                if (car[0] == 4 && car[1] == _pos) _pos = 9;
            }
            else
            {
                car[2]--;
            }
        }

        if (_moveTimer > 0) _moveTimer--;
        _terminateTimer--;
        if (_terminateTimer < 0) Terminal = true;
        return reward;
    }

    /// <inheritdoc/>
    protected override void WriteStateCore(Span<float> state)
    {
        Set(state, _pos, 4, 0);
        foreach (int[] car in _cars)
        {
            Set(state, car[1], car[0], 1);
            int backX = car[3] > 0 ? car[0] - 1 : car[0] + 1;
            if (backX < 0) backX = 9;
            else if (backX > 9) backX = 0;
            int speed = Math.Abs(car[3]);
            // A speed of 0 needs rand() to return exactly 0.5 (probability 2^-53); MinAtar would then reuse a stale trail.
            if (speed is >= 1 and <= 5) Set(state, car[1], backX, 1 + speed);
        }
    }

    private void RandomizeCars(bool initialize)
    {
        Random.RandInt(1, 6, _speeds);
        Random.Rand(_directions);
        for (int i = 0; i < 8; i++)
        {
            int speed = (int)_speeds[i] * Math.Sign(_directions[i] - 0.5);
            if (initialize)
            {
                _cars[i][0] = 0;
                _cars[i][1] = i + 1;
            }
            _cars[i][2] = Math.Abs(speed);
            _cars[i][3] = speed;
        }
    }
}
