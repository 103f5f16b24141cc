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

    private readonly Car[] _cars = new Car[8];
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
        foreach (var car in _cars) writer.WriteSpan([car.X, car.Y, car.Timer, car.Speed]);
        writer.WriteSpan(_speeds);
        writer.WriteSpan(_directions);
        writer.WriteSpan([_pos, _moveTimer, _terminateTimer]);
    }

    /// <inheritdoc/>
    protected override void RestoreStateCore(BinaryReader reader)
    {
        Span<int> fields = stackalloc int[4];
        foreach (ref Car car in _cars.AsSpan())
        {
            reader.ReadInto(fields);
            car = new Car { X = fields[0], Y = fields[1], Timer = fields[2], Speed = fields[3] };
        }
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

        foreach (ref Car car in _cars.AsSpan())
        {
            if (car.X == 4 && car.Y == _pos) _pos = 9;
            if (car.Timer == 0)
            {
                car.Timer = Math.Abs(car.Speed);
                car.X += car.Speed > 0 ? 1 : -1;
                if (car.X < 0) car.X = 9;
                else if (car.X > 9) car.X = 0;
                if (car.X == 4 && car.Y == _pos) _pos = 9;
            }
            else
            {
                car.Timer--;
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
        foreach (ref readonly Car car in _cars.AsSpan())
        {
            Set(state, car.Y, car.X, 1);
            int backX = car.Speed > 0 ? car.X - 1 : car.X + 1;
            if (backX < 0) backX = 9;
            else if (backX > 9) backX = 0;
            int speed = Math.Abs(car.Speed);
            // A speed of 0 needs rand() to return exactly 0.5 (probability 2^-53); MinAtar would then reuse a stale trail.
            if (speed is >= 1 and <= 5) Set(state, car.Y, backX, 1 + speed);
        }
    }

    private void RandomizeCars(bool initialize)
    {
        Random.RandInt(1, 6, _speeds);
        Random.Rand(_directions);
        for (int i = 0; i < 8; i++)
        {
            int speed = (int)_speeds[i] * Math.Sign(_directions[i] - 0.5);
            ref Car car = ref _cars[i];
            if (initialize)
            {
                car.X = 0;
                car.Y = i + 1;
            }
            car.Timer = Math.Abs(speed);
            car.Speed = speed;
        }
    }

    /// <summary>A car: its column, its lane's row, the steps until it moves, and its signed speed.</summary>
    private struct Car
    {
        public int X;
        public int Y;
        public int Timer;
        public int Speed;
    }
}
