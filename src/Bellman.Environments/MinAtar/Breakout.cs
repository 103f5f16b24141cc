using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Bellman.Core.State;

namespace Bellman.Environments.MinAtar;

/// <summary>
/// MinAtar's Breakout: a paddle on the bottom row bounces a ball that travels along diagonals to break
/// three rows of bricks (+1 each); when every brick is gone and the ball reaches the bottom row, three
/// new rows appear. The ball bounces off walls and bricks and, on the paddle, goes back the way it came
/// (hit from above its column) or to the other side (hit diagonally). The episode ends when the ball
/// reaches the bottom row away from the paddle. Channels: paddle, ball, trail (the ball's last cell),
/// brick. The ball starts at row 3 in column 0 moving down-right or column 9 moving down-left,
/// <c>randint(2)</c>.
/// <para>
/// Kept from the original: a ball that meets a brick while <c>strike</c> is still set from the previous
/// step leaves the brick in place and moves into its cell.
/// </para>
/// </summary>
public sealed class Breakout : MinAtarGame
{
    // Ball directions: 0 up-left, 1 up-right, 2 down-right, 3 down-left.
    private static readonly int[] FlipX = [1, 0, 3, 2];
    private static readonly int[] FlipY = [3, 2, 1, 0];
    private static readonly int[] Reverse = [2, 3, 0, 1];

    private readonly bool[] _bricks = new bool[Size * Size];
    private readonly float[] _brickRows = new float[3 * Size * 4];
    private bool _brickRowsStale = true;

    // Whether the state last written over the previous one holds the current brick rows.
    private bool _brickRowsWritten;
    private int _ballX, _ballY, _ballDir, _pos, _lastX, _lastY;
    private bool _strike;

    /// <summary>Creates the game; Breakout has no difficulty ramp.</summary>
    public Breakout()
        : base("breakout", ["paddle", "ball", "trail", "brick"], "POt#", [MinAtarAction.Noop, MinAtarAction.Left, MinAtarAction.Right])
    {
    }

    /// <inheritdoc/>
    public override void Reset()
    {
        _ballY = 3;
        bool right = Random.RandInt(2) == 1;
        (_ballX, _ballDir) = right ? (9, 3) : (0, 2);
        _pos = 4;
        Array.Clear(_bricks);
        FillBricks();
        _strike = false;
        _lastX = _ballX;
        _lastY = _ballY;
        Terminal = false;
    }

    /// <inheritdoc/>
    protected override void SaveStateCore(BinaryWriter writer)
    {
        writer.WriteSpan(_bricks);
        writer.WriteSpan([_ballX, _ballY, _ballDir, _pos, _lastX, _lastY]);
        writer.Write(_strike);
    }

    /// <inheritdoc/>
    protected override void RestoreStateCore(BinaryReader reader)
    {
        reader.ReadInto(_bricks);
        _brickRowsStale = true;
        Span<int> v = stackalloc int[6];
        reader.ReadInto(v);
        (_ballX, _ballY, _ballDir, _pos, _lastX, _lastY) = (v[0], v[1], v[2], v[3], v[4], v[5]);
        _strike = reader.ReadBoolean();
    }

    /// <inheritdoc/>
    protected override int ActCore(MinAtarAction action)
    {
        int reward = 0;
        if (action == MinAtarAction.Left) _pos = Math.Max(0, _pos - 1);
        else if (action == MinAtarAction.Right) _pos = Math.Min(9, _pos + 1);

        _lastX = _ballX;
        _lastY = _ballY;
        int newX = _ballX + (_ballDir is 1 or 2 ? 1 : -1);
        int newY = _ballY + (_ballDir is 2 or 3 ? 1 : -1);

        bool strikeToggle = false;
        if (newX < 0 || newX > 9)
        {
            newX = Math.Clamp(newX, 0, 9);
            _ballDir = FlipX[_ballDir];
        }
        if (newY < 0)
        {
            newY = 0;
            _ballDir = FlipY[_ballDir];
        }
        else if (_bricks[newY * Size + newX])
        {
            strikeToggle = true;
            if (!_strike)
            {
                reward++;
                _strike = true;
                _bricks[newY * Size + newX] = false;
                _brickRowsStale = true;
                newY = _lastY;
                _ballDir = FlipY[_ballDir];
            }
        }
        else if (newY == 9)
        {
            if (_bricks.AsSpan(1 * Size, 3 * Size).IndexOf(true) < 0) FillBricks();
            if (_ballX == _pos)
            {
                _ballDir = FlipY[_ballDir];
                newY = _lastY;
            }
            else if (newX == _pos)
            {
                _ballDir = Reverse[_ballDir];
                newY = _lastY;
            }
            else
            {
                Terminal = true;
            }
        }
        if (!strikeToggle) _strike = false;
        _ballX = newX;
        _ballY = newY;
        return reward;
    }

    /// <inheritdoc/>
    protected override void WriteStateCore(Span<float> state)
    {
        // Bricks only ever exist on rows 1..3 (brick_map[1:4, :]): those rows are copied whole from their image, which
        // is redrawn only after a brick changes, so that their cells need no record for the next call to clear. Written
        // over the previous state, they are copied only when they changed since that state.
        if (_brickRowsStale)
        {
            var cells = MemoryMarshal.Cast<float, Vector128<float>>(_brickRows.AsSpan());
            ReadOnlySpan<bool> bricks = _bricks.AsSpan(1 * Size, 3 * Size);
            for (int i = 0; i < cells.Length; i++) cells[i] = bricks[i] ? BrickCell : Vector128<float>.Zero;
            _brickRowsStale = false;
            _brickRowsWritten = false;
        }
        CopyRegion(_brickRows, state.Slice(1 * Size * 4, 3 * Size * 4), ref _brickRowsWritten);
        Set(state, _ballY, _ballX, 1);
        Set(state, 9, _pos, 0);
        Set(state, _lastY, _lastX, 2);
    }

    /// <summary>A cell's four channels (paddle, ball, trail, brick) holding a brick and nothing else.</summary>
    private static readonly Vector128<float> BrickCell = Vector128.Create(0f, 0f, 0f, 1f);

    private void FillBricks()
    {
        _bricks.AsSpan(1 * Size, 3 * Size).Fill(true);
        _brickRowsStale = true;
    }
}
