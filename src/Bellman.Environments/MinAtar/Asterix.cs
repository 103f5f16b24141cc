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

    private readonly bool _ramping;
    private readonly Entity?[] _entities = new Entity?[8];
    private readonly int[] _freeSlots = new int[8];
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
        Array.Clear(_entities);
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
        foreach (var e in _entities)
        {
            writer.Write(e is not null);
            if (e is null) continue;
            writer.WriteSpan([e.X, e.Y]);
            writer.Write(e.Right);
            writer.Write(e.Gold);
        }
        writer.WriteSpan([_playerX, _playerY, _spawnSpeed, _spawnTimer, _moveSpeed, _moveTimer, _rampTimer, _rampIndex]);
    }

    /// <inheritdoc/>
    protected override void RestoreStateCore(BinaryReader reader)
    {
        Span<int> xy = stackalloc int[2];
        for (int i = 0; i < _entities.Length; i++)
        {
            if (!reader.ReadBoolean())
            {
                _entities[i] = null;
                continue;
            }
            reader.ReadInto(xy);
            _entities[i] = new Entity { X = xy[0], Y = xy[1], Right = reader.ReadBoolean(), Gold = reader.ReadBoolean() };
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

        switch (action)
        {
            case MinAtarAction.Left: _playerX = Math.Max(0, _playerX - 1); break;
            case MinAtarAction.Right: _playerX = Math.Min(9, _playerX + 1); break;
            case MinAtarAction.Up: _playerY = Math.Max(1, _playerY - 1); break;
            case MinAtarAction.Down: _playerY = Math.Min(8, _playerY + 1); break;
        }

        for (int i = 0; i < _entities.Length; i++)
        {
            if (_entities[i] is Entity e && e.X == _playerX && e.Y == _playerY)
            {
                if (e.Gold)
                {
                    _entities[i] = null;
                    reward++;
                }
                else
                {
                    Terminal = true;
                }
            }
        }
        if (_moveTimer == 0)
        {
            _moveTimer = _moveSpeed;
            for (int i = 0; i < _entities.Length; i++)
            {
                if (_entities[i] is not Entity e) continue;
                e.X += e.Right ? 1 : -1;
                if (e.X < 0 || e.X > 9) _entities[i] = null;
                else if (e.X == _playerX && e.Y == _playerY)
                {
                    if (e.Gold)
                    {
                        _entities[i] = null;
                        reward++;
                    }
                    else
                    {
                        Terminal = true;
                    }
                }
            }
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

    /// <inheritdoc/>
    protected override void WriteStateCore(Span<float> state)
    {
        Set(state, _playerY, _playerX, 0);
        foreach (var e in _entities)
        {
            if (e is null) continue;
            Set(state, e.Y, e.X, e.Gold ? 3 : 1);
            int backX = e.Right ? e.X - 1 : e.X + 1;
            if (backX is >= 0 and <= 9) Set(state, e.Y, backX, 2);
        }
    }

    private void SpawnEntity()
    {
        bool right = Random.Rand() < 1.0 / 2;
        bool gold = Random.Rand() < 1.0 / 3;
        int free = 0;
        for (int i = 0; i < _entities.Length; i++) if (_entities[i] is null) _freeSlots[free++] = i;
        if (free == 0) return;
        int slot = _freeSlots[Random.RandInt(free)];
        _entities[slot] = new Entity { X = right ? 0 : 9, Y = slot + 1, Right = right, Gold = gold };
    }

    private sealed class Entity
    {
        public int X;
        public int Y;
        public bool Right;
        public bool Gold;
    }
}
