using Bellman.Core.State;

namespace Bellman.Environments.MinAtar;

/// <summary>
/// MinAtar's Asterix: the player moves on rows 1..8 while enemies and gold cross the screen, one per lane
/// (8 lanes). Every spawn-speed steps a new entity appears at the left or right edge of a free lane (gold
/// with probability 1/3); entities move one cell every move-speed steps. Gold collected gives +1; touching an
/// enemy ends the episode. With ramping, every 102 steps (the ramp timer counts 100 down to −1) the spawn interval drops by one (10 down to 1) and,
/// on odd ramp levels, the move interval too (5 down to 1). Channels: player, enemy, trail, gold.
/// <para>
/// A spawn draws <c>rand()</c> (side) and <c>rand()</c> (gold) before it looks for a free lane, then
/// <c>randint(number of free lanes)</c> only if there is one; with one free lane that draws nothing.
/// </para>
/// </summary>
public sealed class Asterix : MinAtarGame
{
    private const int RampInterval = 100;
    private const int InitialSpawnSpeed = 10;
    private const int InitialMoveInterval = 5;
    private const int Lanes = 8;

    private readonly bool _ramping;
    private readonly Lane[] _lanes = new Lane[Lanes];
    private readonly int[] _freeSlots = new int[Lanes];
    private int _playerX, _playerY, _spawnSpeed, _spawnTimer, _moveSpeed, _moveTimer, _rampTimer, _rampIndex;

    /// <summary>Creates the game, with or without the difficulty ramp.</summary>
    public Asterix(bool ramping = true)
        : base("asterix", ["player", "enemy", "trail", "gold"], "PEtG",
            [MinAtarAction.Noop, MinAtarAction.Left, MinAtarAction.Up, MinAtarAction.Right, MinAtarAction.Down])
    {
        _ramping = ramping;
    }

    /// <inheritdoc/>
    public override int? DifficultyRamp => _rampIndex;

    /// <inheritdoc/>
    public override void Reset()
    {
        _playerX = 5;
        _playerY = 5;
        Array.Clear(_lanes);
        _spawnSpeed = InitialSpawnSpeed;
        _spawnTimer = _spawnSpeed;
        _moveSpeed = InitialMoveInterval;
        _moveTimer = _moveSpeed;
        _rampTimer = RampInterval;
        _rampIndex = 0;
        Terminal = false;
    }

    /// <inheritdoc/>
    protected override void SaveStateCore(BinaryWriter writer)
    {
        for (int i = 0; i < Lanes; i++)
        {
            ref Lane lane = ref _lanes[i];
            writer.Write(lane.Present);
            if (!lane.Present) continue;
            writer.WriteSpan([lane.X, i + 1]);
            writer.Write(lane.Dx > 0);
            writer.Write(lane.Gold);
        }
        writer.WriteSpan([_playerX, _playerY, _spawnSpeed, _spawnTimer, _moveSpeed, _moveTimer, _rampTimer, _rampIndex]);
    }

    /// <inheritdoc/>
    protected override void RestoreStateCore(BinaryReader reader)
    {
        Span<int> xy = stackalloc int[2];
        for (int i = 0; i < Lanes; i++)
        {
            ref Lane lane = ref _lanes[i];
            lane = default;
            lane.Present = reader.ReadBoolean();
            if (!lane.Present) continue;
            reader.ReadInto(xy);
            if (xy[1] != i + 1 || (uint)xy[0] > 9)
                throw new InvalidDataException($"an Asterix entity of lane {i} at row {xy[1]}, column {xy[0]} (its row is {i + 1}, its column 0..9)");
            lane.X = xy[0];
            lane.Dx = reader.ReadBoolean() ? 1 : -1;
            lane.Gold = reader.ReadBoolean();
        }
        Span<int> v = stackalloc int[8];
        reader.ReadInto(v);
        (_playerX, _playerY, _spawnSpeed, _spawnTimer, _moveSpeed, _moveTimer, _rampTimer, _rampIndex) = (v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7]);
    }

    /// <inheritdoc/>
    protected override int ActCore(MinAtarAction action)
    {
        int reward = 0;
        if (_spawnTimer == 0)
        {
            SpawnEntity();
            _spawnTimer = _spawnSpeed;
        }

        _playerX = Math.Min(9, Math.Max(0, _playerX + ActionDx[(int)action]));
        _playerY = Math.Min(8, Math.Max(1, _playerY + ActionDy[(int)action]));

        // Only the player's lane can touch the player: lane playerY − 1.
        ref Lane lane = ref _lanes[_playerY - 1];
        if (lane.Present && lane.X == _playerX) reward += Collide(ref lane);
        if (_moveTimer == 0)
        {
            _moveTimer = _moveSpeed;
            foreach (ref Lane l in _lanes.AsSpan())
            {
                // Every lane moves (an empty one stays on the grid); an entity that leaves the grid is gone.
                int x = l.X + l.Dx;
                l.Present &= (uint)x <= 9;
                l.X = Math.Min(9, Math.Max(0, x));
            }
            if (lane.Present && lane.X == _playerX) reward += Collide(ref lane);
        }

        _spawnTimer--;
        _moveTimer--;

        if (_ramping && (_spawnSpeed > 1 || _moveSpeed > 1))
        {
            if (_rampTimer >= 0)
            {
                _rampTimer--;
            }
            else
            {
                if (_moveSpeed > 1 && _rampIndex % 2 == 1) _moveSpeed--;
                if (_spawnSpeed > 1) _spawnSpeed--;
                _rampIndex++;
                _rampTimer = RampInterval;
            }
        }
        return reward;
    }

    /// <summary>The player touches the entity of <paramref name="lane"/>: gold is collected (+1), an enemy ends the episode.</summary>
    private int Collide(ref Lane lane)
    {
        if (!lane.Gold)
        {
            Terminal = true;
            return 0;
        }
        lane.Present = false;
        return 1;
    }

    /// <inheritdoc/>
    protected override void WriteStateCore(Span<float> state)
    {
        Set(state, _playerY, _playerX, 0);
        ReadOnlySpan<Lane> lanes = _lanes;
        for (int i = 0; i < lanes.Length; i++)
        {
            ref readonly Lane lane = ref lanes[i];
            if (!lane.Present) continue;
            Set(state, i + 1, lane.X, lane.Gold ? 3 : 1);
            int backX = lane.X - lane.Dx;
            if ((uint)backX <= 9) Set(state, i + 1, backX, 2);
        }
    }

    // The player's step for each of the six actions (n l u r d f).
    private static ReadOnlySpan<sbyte> ActionDx => [0, -1, 0, 1, 0, 0];
    private static ReadOnlySpan<sbyte> ActionDy => [0, 0, -1, 0, 1, 0];

    private void SpawnEntity()
    {
        bool right = Random.Rand() < 1.0 / 2;
        bool gold = Random.Rand() < 1.0 / 3;
        int free = 0;
        for (int i = 0; i < Lanes; i++) if (!_lanes[i].Present) _freeSlots[free++] = i;
        if (free == 0) return;
        int slot = _freeSlots[Random.RandInt(free)];
        _lanes[slot] = new Lane { Present = true, X = right ? 0 : 9, Dx = right ? 1 : -1, Gold = gold };
    }

    /// <summary>
    /// Lane i (row i + 1) holds at most one entity: its column, its step (+1 to the right, −1 to the left) and whether it
    /// is gold. The lanes all move, empty or not, and an empty lane's column is kept on the grid.
    /// </summary>
    private struct Lane
    {
        public int X;
        public int Dx;
        public bool Present;
        public bool Gold;
    }
}
