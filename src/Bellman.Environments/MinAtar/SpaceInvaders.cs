using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Bellman.Core.State;

namespace Bellman.Environments.MinAtar;

/// <summary>
/// MinAtar's Space Invaders: a cannon on the bottom row shoots (cool-down 5) at a 4×6 block of aliens that
/// moves sideways every min(aliens left, move interval) steps and steps down when it reaches a wall; the
/// alien nearest the cannon (by column, then lowest) shoots every 10 steps. +1 per alien hit; the episode
/// ends when an alien bullet or an alien reaches the cannon, or the block reaches the bottom row. When every
/// alien is gone a new block appears and, with ramping, the move interval drops by one (12 down to 6).
/// Channels: cannon, alien, alien_left, alien_right (the block's direction), friendly_bullet, enemy_bullet.
/// Space Invaders draws no random numbers. Moves are numpy rolls: the block wraps around the grid edges.
/// </summary>
public sealed class SpaceInvaders : MinAtarGame
{
    private const int ShotCoolDown = 5;
    private const int InitialMoveInterval = 12;
    private const int EnemyShotInterval = 10;

    private readonly bool _ramping;
    private bool[] _aliens = new bool[Size * Size];
    private bool[] _friendly = new bool[Size * Size];
    private bool[] _enemy = new bool[Size * Size];
    private bool[] _scratch = new bool[Size * Size];
    private int _alienCount, _pos, _alienDir, _moveInterval, _alienMoveTimer, _alienShotTimer, _rampIndex, _shotTimer;

    /// <summary>Creates the game, with or without the difficulty ramp.</summary>
    public SpaceInvaders(bool ramping = true)
        : base("space_invaders", ["cannon", "alien", "alien_left", "alien_right", "friendly_bullet", "enemy_bullet"], "CA<>^v",
            [MinAtarAction.Noop, MinAtarAction.Left, MinAtarAction.Right, MinAtarAction.Fire])
    {
        _ramping = ramping;
    }

    /// <inheritdoc/>
    public override int? DifficultyRamp => _rampIndex;

    /// <inheritdoc/>
    public override void Reset()
    {
        _pos = 5;
        Array.Clear(_friendly);
        Array.Clear(_enemy);
        Array.Clear(_aliens);
        FillAliens();
        _alienDir = -1;
        _moveInterval = InitialMoveInterval;
        _alienMoveTimer = _moveInterval;
        _alienShotTimer = EnemyShotInterval;
        _rampIndex = 0;
        _shotTimer = 0;
        Terminal = false;
    }

    /// <inheritdoc/>
    protected override void SaveStateCore(BinaryWriter writer)
    {
        writer.WriteSpan(_aliens);
        writer.WriteSpan(_friendly);
        writer.WriteSpan(_enemy);
        writer.WriteSpan([_alienCount, _pos, _alienDir, _moveInterval, _alienMoveTimer, _alienShotTimer, _rampIndex, _shotTimer]);
    }

    /// <inheritdoc/>
    protected override void RestoreStateCore(BinaryReader reader)
    {
        reader.ReadInto(_aliens);
        reader.ReadInto(_friendly);
        reader.ReadInto(_enemy);
        Span<int> v = stackalloc int[8];
        reader.ReadInto(v);
        (_alienCount, _pos, _alienDir, _moveInterval, _alienMoveTimer, _alienShotTimer, _rampIndex, _shotTimer) = (v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7]);
    }

    /// <inheritdoc/>
    protected override int ActCore(MinAtarAction action)
    {
        int reward = 0;
        if (action == MinAtarAction.Fire && _shotTimer == 0)
        {
            _friendly[9 * Size + _pos] = true;
            _shotTimer = ShotCoolDown;
        }
        else if (action == MinAtarAction.Left) _pos = Math.Max(0, _pos - 1);
        else if (action == MinAtarAction.Right) _pos = Math.Min(9, _pos + 1);

        // Friendly bullets move up (roll −1 over rows, row 9 cleared); enemy bullets down (roll +1, row 0 cleared).
        Roll(ref _friendly, -1, 0);
        _friendly.AsSpan(9 * Size, Size).Clear();
        Roll(ref _enemy, 1, 0);
        _enemy.AsSpan(0, Size).Clear();
        if (_enemy[9 * Size + _pos]) Terminal = true;

        if (_aliens[9 * Size + _pos]) Terminal = true;
        if (_alienMoveTimer == 0)
        {
            _alienMoveTimer = Math.Min(_alienCount, _moveInterval);
            if ((ColumnHasAlien(0) && _alienDir < 0) || (ColumnHasAlien(9) && _alienDir > 0))
            {
                _alienDir = -_alienDir;
                if (_aliens.AsSpan(9 * Size, Size).Contains(true)) Terminal = true;
                Roll(ref _aliens, 1, 0);
            }
            else
            {
                Roll(ref _aliens, 0, _alienDir);
            }
            if (_aliens[9 * Size + _pos]) Terminal = true;
        }
        if (_alienShotTimer == 0)
        {
            _alienShotTimer = EnemyShotInterval;
            var (row, col) = NearestAlien();
            _enemy[row * Size + col] = true;
        }

        // A bullet and an alien in one cell destroy each other (the order of the cells does not matter).
        var bullets = new TrueCells(_friendly);
        for (int cell = bullets.Next(); cell >= 0; cell = bullets.Next())
        {
            if (_aliens[cell])
            {
                reward++;
                _alienCount--;
                _aliens[cell] = false;
                _friendly[cell] = false;
            }
        }

        if (_shotTimer > 0) _shotTimer--;
        _alienMoveTimer--;
        _alienShotTimer--;
        if (_alienCount == 0)
        {
            if (_moveInterval > 6 && _ramping)
            {
                _moveInterval--;
                _rampIndex++;
            }
            FillAliens();
        }
        return reward;
    }

    /// <inheritdoc/>
    protected override void WriteStateCore(Span<float> state)
    {
        Set(state, 9, _pos, 0);
        int direction = _alienDir < 0 ? 2 : 3;
        var aliens = new TrueCells(_aliens);
        for (int cell = aliens.Next(); cell >= 0; cell = aliens.Next())
        {
            SetCell(state, cell, 1);
            SetCell(state, cell, direction);
        }
        var friendly = new TrueCells(_friendly);
        for (int cell = friendly.Next(); cell >= 0; cell = friendly.Next()) SetCell(state, cell, 4);
        var enemy = new TrueCells(_enemy);
        for (int cell = enemy.Next(); cell >= 0; cell = enemy.Next()) SetCell(state, cell, 5);
    }

    /// <summary>
    /// The true cells of a 10×10 map in increasing order. The map is read once as a 100-bit mask, 16 cells per vector
    /// compare, and <see cref="Next"/> takes its lowest set bit, so that a walk costs a few instructions per true cell
    /// instead of a search per cell.
    /// </summary>
    private struct TrueCells
    {
        private ulong _low, _high; // cells 0..63 and 64..99

        public TrueCells(bool[] map)
        {
            ReadOnlySpan<byte> cells = MemoryMarshal.AsBytes(map.AsSpan(0, Size * Size));
            for (int k = 0; k < 4; k++) _low |= (ulong)Chunk(cells, 16 * k) << (16 * k);
            // Cells 96..99 are the last 4 of the 16 that start at 84.
            _high = Chunk(cells, 64) | ((ulong)Chunk(cells, 80) << 16) | ((ulong)(Chunk(cells, 84) >> 12) << 32);
        }

        /// <summary>The next true cell, or −1 after the last.</summary>
        public int Next()
        {
            if (_low != 0)
            {
                int cell = BitOperations.TrailingZeroCount(_low);
                _low &= _low - 1;
                return cell;
            }
            if (_high != 0)
            {
                int cell = 64 + BitOperations.TrailingZeroCount(_high);
                _high &= _high - 1;
                return cell;
            }
            return -1;
        }

        /// <summary>One bit per cell of the 16 cells from <paramref name="at"/>: set where the cell is true.</summary>
        private static uint Chunk(ReadOnlySpan<byte> cells, int at) =>
            (~Vector128.Equals(Vector128.Create(cells.Slice(at, 16)), Vector128<byte>.Zero)).ExtractMostSignificantBits();
    }

    /// <summary>The lowest alien of the nearest column that has one, nearer columns first and the left one on ties (a stable sort by |col − pos|).</summary>
    private (int Row, int Col) NearestAlien()
    {
        for (int distance = 0; distance < Size; distance++)
        {
            if (LowestAlien(_pos - distance) is int left) return (left, _pos - distance);
            if (distance > 0 && LowestAlien(_pos + distance) is int right) return (right, _pos + distance);
        }
        throw new InvalidOperationException("space_invaders: no alien left to shoot (MinAtar's _nearest_alien would return None).");
    }

    private int? LowestAlien(int col)
    {
        if (col < 0 || col > 9) return null;
        for (int row = Size - 1; row >= 0; row--)
            if (_aliens[row * Size + col]) return row;
        return null;
    }

    private bool ColumnHasAlien(int col)
    {
        for (int row = 0; row < Size; row++) if (_aliens[row * Size + col]) return true;
        return false;
    }

    /// <summary>Sets the 4×6 block at rows 0..3, columns 2..7 (the map is empty whenever this is called).</summary>
    private void FillAliens()
    {
        for (int row = 0; row < 4; row++) _aliens.AsSpan(row * Size + 2, 6).Fill(true);
        _alienCount = 24;
    }

    /// <summary>numpy's <c>roll</c> by (<paramref name="rows"/>, <paramref name="cols"/>): out[r, c] = in[(r − rows) mod 10, (c − cols) mod 10].</summary>
    private void Roll(ref bool[] map, int rows, int cols)
    {
        int k = ((cols % Size) + Size) % Size;
        if (k == 0)
        {
            // Whole rows move: the map, cut after its last (10 − shift) rows, swaps its two parts.
            int shift = ((rows % Size) + Size) % Size * Size;
            map.AsSpan(0, map.Length - shift).CopyTo(_scratch.AsSpan(shift));
            map.AsSpan(map.Length - shift).CopyTo(_scratch);
            (map, _scratch) = (_scratch, map);
            return;
        }
        for (int r = 0; r < Size; r++)
        {
            int sr = (((r - rows) % Size) + Size) % Size;
            var source = map.AsSpan(sr * Size, Size);
            var dest = _scratch.AsSpan(r * Size, Size);
            source[..(Size - k)].CopyTo(dest[k..]);
            source[(Size - k)..].CopyTo(dest[..k]);
        }
        (map, _scratch) = (_scratch, map);
    }
}
