using System.Runtime.InteropServices;
using Bellman.Core.State;

namespace Bellman.Environments.MinAtar;

/// <summary>
/// MinAtar's Seaquest: a submarine (rows 0..8) shoots enemy fish and subs (+1 each), which cross the
/// lanes 1..8 and, for subs, shoot back; it rescues divers (up to 6) and must surface (row 0) before its
/// oxygen (200 steps) runs out. Surfacing with no diver ends the episode; with 6 divers it gives
/// ⌊oxygen·10 / 200⌋; every surfacing refills the oxygen, uses one diver and, with ramping, speeds up
/// spawning (20 down to 1) and, on odd levels, movement (5 down to 2). Touching an enemy or an enemy
/// bullet, or running out of oxygen, ends the episode. Channels: sub_front, sub_back, friendly_bullet,
/// trail, enemy_bullet, enemy_fish, enemy_sub, oxygen_guage, diver_guage, diver.
/// <para>
/// The objects live in Python lists that MinAtar walks in reverse while removing from them, and
/// <c>list.remove</c> removes the first element equal in value. Both are kept exactly here: each object is
/// an int array compared by value (<see cref="RemoveFirstEqual"/>), and reverse walks follow CPython's
/// reversed-list iterator (<see cref="ReverseWalk"/>: an index that steps down by one and stops once it
/// is past the end of the shrunken list), so an element can be visited twice when an equal earlier one
/// is removed. Also kept: surfacing with 6 divers sets the count to 0 and then decrements it to −1; a sub
/// removed on its move still fires that step; enemy bullets spawn at the sub's column either way.
/// </para>
/// </summary>
public sealed class Seaquest : MinAtarGame
{
    private const int RampInterval = 100;
    private const int MaxOxygen = 200;
    private const int InitialSpawnSpeed = 20;
    private const int DiverSpawnSpeed = 30;
    private const int InitialMoveInterval = 5;
    private const int ShotCoolDown = 5;
    private const int EnemyShotInterval = 10;
    private const int DiverMoveInterval = 5;
    private const int Channels = 10;

    private readonly bool _ramping;

    // [x, y, facing right]
    private readonly List<int[]> _friendlyBullets = [];

    // [x, y, moving right]
    private readonly List<int[]> _enemyBullets = [];

    // [x, y, moving right, move timer]
    private readonly List<int[]> _fish = [];

    // [x, y, moving right, move timer, shot timer]
    private readonly List<int[]> _subs = [];

    // [x, y, moving right, move timer]
    private readonly List<int[]> _divers = [];

    // Row 9 of the state (the gauges) and the gauge values it shows; −1 before the first drawing.
    private readonly float[] _gaugeRow = new float[Size * Channels];
    private int _gaugeOxygenCells = -1, _gaugeDiverCount = -1;
    private bool _gaugeRowWritten; // whether the state last written over the previous one holds the current row

    private int _oxygen, _diverCount, _subX, _subY, _spawnSpeed, _spawnTimer, _diverSpawnTimer, _moveSpeed, _rampIndex, _shotTimer;
    private bool _facingRight, _surface;

    /// <summary>Creates the game, with or without the difficulty ramp.</summary>
    public Seaquest(bool ramping = true)
        : base("seaquest",
            ["sub_front", "sub_back", "friendly_bullet", "trail", "enemy_bullet", "enemy_fish", "enemy_sub", "oxygen_guage", "diver_guage", "diver"],
            "Ss^t*FEOgD",
            [MinAtarAction.Noop, MinAtarAction.Left, MinAtarAction.Up, MinAtarAction.Right, MinAtarAction.Down, MinAtarAction.Fire])
    {
        _ramping = ramping;
    }

    /// <inheritdoc/>
    public override int? DifficultyRamp => _rampIndex;

    /// <summary>The divers on board; −1 or lower after the quirk of surfacing with 6 (see the class remarks).</summary>
    public int DiverCount => _diverCount;

    /// <inheritdoc/>
    public override void Reset()
    {
        _oxygen = MaxOxygen;
        _diverCount = 0;
        _subX = 5;
        _subY = 0;
        _facingRight = false;
        _friendlyBullets.Clear();
        _enemyBullets.Clear();
        _fish.Clear();
        _subs.Clear();
        _divers.Clear();
        _spawnSpeed = InitialSpawnSpeed;
        _spawnTimer = _spawnSpeed;
        _diverSpawnTimer = DiverSpawnSpeed;
        _moveSpeed = InitialMoveInterval;
        _rampIndex = 0;
        _shotTimer = 0;
        _surface = true;
        Terminal = false;
    }

    /// <inheritdoc/>
    protected override void SaveStateCore(BinaryWriter writer)
    {
        foreach (var list in (List<int[]>[])[_friendlyBullets, _enemyBullets, _fish, _subs, _divers]) WriteList(writer, list);
        writer.WriteSpan([_oxygen, _diverCount, _subX, _subY, _spawnSpeed, _spawnTimer, _diverSpawnTimer, _moveSpeed, _rampIndex, _shotTimer]);
        writer.Write(_facingRight);
        writer.Write(_surface);
    }

    /// <inheritdoc/>
    protected override void RestoreStateCore(BinaryReader reader)
    {
        foreach (var list in (List<int[]>[])[_friendlyBullets, _enemyBullets, _fish, _subs, _divers]) ReadList(reader, list);
        Span<int> v = stackalloc int[10];
        reader.ReadInto(v);
        (_oxygen, _diverCount, _subX, _subY, _spawnSpeed, _spawnTimer, _diverSpawnTimer, _moveSpeed, _rampIndex, _shotTimer) = (v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9]);
        _facingRight = reader.ReadBoolean();
        _surface = reader.ReadBoolean();
    }

    /// <inheritdoc/>
    protected override int ActCore(MinAtarAction action)
    {
        int reward = 0;
        if (_spawnTimer == 0)
        {
            SpawnEnemy();
            _spawnTimer = _spawnSpeed;
        }
        if (_diverSpawnTimer == 0)
        {
            SpawnDiver();
            _diverSpawnTimer = DiverSpawnSpeed;
        }

        if (action == MinAtarAction.Fire && _shotTimer == 0)
        {
            _friendlyBullets.Add([_subX, _subY, _facingRight ? 1 : 0]);
            _shotTimer = ShotCoolDown;
        }
        else if (action == MinAtarAction.Left)
        {
            _subX = Math.Max(0, _subX - 1);
            _facingRight = false;
        }
        else if (action == MinAtarAction.Right)
        {
            _subX = Math.Min(9, _subX + 1);
            _facingRight = true;
        }
        else if (action == MinAtarAction.Up) _subY = Math.Max(0, _subY - 1);
        else if (action == MinAtarAction.Down) _subY = Math.Min(8, _subY + 1);

        reward += MoveFriendlyBullets();
        MoveDivers();
        reward += MoveEnemySubs();
        MoveEnemyBullets();
        reward += MoveFish();

        if (_spawnTimer > 0) _spawnTimer--;
        if (_diverSpawnTimer > 0) _diverSpawnTimer--;
        if (_shotTimer > 0) _shotTimer--;
        if (_oxygen <= 0) Terminal = true;
        if (_subY > 0)
        {
            _oxygen--;
            _surface = false;
        }
        else if (!_surface)
        {
            if (_diverCount == 0) Terminal = true;
            else reward += Surface();
        }
        return reward;
    }

    private int MoveFriendlyBullets()
    {
        int reward = 0;
        var walk = new ReverseWalk(_friendlyBullets);
        while (walk.Next() is int[] bullet)
        {
            bullet[0] += bullet[2] != 0 ? 1 : -1;
            if (bullet[0] < 0 || bullet[0] > 9)
            {
                RemoveFirstEqual(_friendlyBullets, bullet);
                continue;
            }
            if (FirstAt(_fish, bullet[0], bullet[1]) is int[] fish)
            {
                RemoveFirstEqual(_fish, fish);
                RemoveFirstEqual(_friendlyBullets, bullet);
                reward++;
            }
            else if (FirstAt(_subs, bullet[0], bullet[1]) is int[] sub)
            {
                RemoveFirstEqual(_subs, sub);
                RemoveFirstEqual(_friendlyBullets, bullet);
                reward++;
            }
        }
        return reward;
    }

    private void MoveDivers()
    {
        var walk = new ReverseWalk(_divers);
        while (walk.Next() is int[] diver)
        {
            if (diver[0] == _subX && diver[1] == _subY && _diverCount < 6)
            {
                RemoveFirstEqual(_divers, diver);
                _diverCount++;
            }
            else if (diver[3] == 0)
            {
                diver[3] = DiverMoveInterval;
                diver[0] += diver[2] != 0 ? 1 : -1;
                if (diver[0] < 0 || diver[0] > 9) RemoveFirstEqual(_divers, diver);
                else if (diver[0] == _subX && diver[1] == _subY && _diverCount < 6)
                {
                    RemoveFirstEqual(_divers, diver);
                    _diverCount++;
                }
            }
            else
            {
                diver[3]--;
            }
        }
    }

    private int MoveEnemySubs()
    {
        int reward = 0;
        var walk = new ReverseWalk(_subs);
        while (walk.Next() is int[] sub)
        {
            reward += MoveEnemy(_subs, sub);
            // Even a sub just removed fires when its shot timer is up, as in MinAtar.
            if (sub[4] == 0)
            {
                sub[4] = EnemyShotInterval;
                _enemyBullets.Add([sub[0], sub[1], sub[2]]);
            }
            else
            {
                sub[4]--;
            }
        }
        return reward;
    }

    private void MoveEnemyBullets()
    {
        var walk = new ReverseWalk(_enemyBullets);
        while (walk.Next() is int[] bullet)
        {
            if (bullet[0] == _subX && bullet[1] == _subY) Terminal = true;
            bullet[0] += bullet[2] != 0 ? 1 : -1;
            if (bullet[0] < 0 || bullet[0] > 9) RemoveFirstEqual(_enemyBullets, bullet);
            else if (bullet[0] == _subX && bullet[1] == _subY) Terminal = true;
        }
    }

    private int MoveFish()
    {
        int reward = 0;
        var walk = new ReverseWalk(_fish);
        while (walk.Next() is int[] fish) reward += MoveEnemy(_fish, fish);
        return reward;
    }

    /// <summary>One enemy's turn (the same rules for fish and subs): collide, move every move-speed steps, leave the grid, or meet a friendly bullet (+1).</summary>
    private int MoveEnemy(List<int[]> enemies, int[] enemy)
    {
        if (enemy[0] == _subX && enemy[1] == _subY) Terminal = true;
        if (enemy[3] != 0)
        {
            enemy[3]--;
            return 0;
        }
        enemy[3] = _moveSpeed;
        enemy[0] += enemy[2] != 0 ? 1 : -1;
        if (enemy[0] < 0 || enemy[0] > 9) RemoveFirstEqual(enemies, enemy);
        else if (enemy[0] == _subX && enemy[1] == _subY) Terminal = true;
        else if (FirstAt(_friendlyBullets, enemy[0], enemy[1]) is int[] bullet)
        {
            RemoveFirstEqual(enemies, enemy);
            RemoveFirstEqual(_friendlyBullets, bullet);
            return 1;
        }
        return 0;
    }

    /// <summary>MinAtar's <c>_surface</c>: reward ⌊oxygen·10/200⌋ with 6 divers (count set to 0), refill, one diver used, ramp.</summary>
    private int Surface()
    {
        _surface = true;
        int reward = 0;
        if (_diverCount == 6)
        {
            _diverCount = 0;
            reward = FloorDiv(_oxygen * 10, MaxOxygen);
        }
        _oxygen = MaxOxygen;
        _diverCount--;
        if (_ramping && (_spawnSpeed > 1 || _moveSpeed > 2))
        {
            if (_moveSpeed > 2 && _rampIndex % 2 == 1) _moveSpeed--;
            if (_spawnSpeed > 1) _spawnSpeed--;
            _rampIndex++;
        }
        return reward;
    }

    /// <summary>
    /// <c>rand()</c> side, <c>rand()</c> kind (sub with probability 1/3), <c>randint(1, 9)</c> lane; nothing is
    /// spawned if an enemy in that lane moves the other way.
    /// </summary>
    private void SpawnEnemy()
    {
        bool right = Random.Rand() < 1.0 / 2;
        bool isSub = Random.Rand() < 1.0 / 3;
        int x = right ? 0 : 9;
        int y = (int)Random.RandInt(1, 9);
        int dir = right ? 1 : 0;
        foreach (int[] z in CollectionsMarshal.AsSpan(_subs)) if (z[1] == y && z[2] != dir) return;
        foreach (int[] z in CollectionsMarshal.AsSpan(_fish)) if (z[1] == y && z[2] != dir) return;
        if (isSub) _subs.Add([x, y, dir, _moveSpeed, EnemyShotInterval]);
        else _fish.Add([x, y, dir, _moveSpeed]);
    }

    /// <summary><c>rand()</c> side, <c>randint(1, 9)</c> lane.</summary>
    private void SpawnDiver()
    {
        bool right = Random.Rand() < 1.0 / 2;
        int y = (int)Random.RandInt(1, 9);
        _divers.Add([right ? 0 : 9, y, right ? 1 : 0, DiverMoveInterval]);
    }

    /// <inheritdoc/>
    protected override void WriteStateCore(Span<float> state)
    {
        // Nothing but the two gauges is ever on row 9 (the sub stays on rows 0..8, the others on 1..8): the row is copied
        // whole from its image, which is redrawn only when a gauge changes, so that its cells need no record for the
        // next call to clear (written over the previous state, only when it changed since); then the objects.
        int oxygenCells = Math.Max(0, _oxygen) * 10 / MaxOxygen;
        if (oxygenCells != _gaugeOxygenCells || _diverCount != _gaugeDiverCount)
        {
            Array.Clear(_gaugeRow);
            for (int col = 0; col < oxygenCells; col++) _gaugeRow[(col * Channels) + 7] = 1f;
            for (int col = Math.Max(0, 9 - _diverCount); col < 9; col++) _gaugeRow[(col * Channels) + 8] = 1f;
            (_gaugeOxygenCells, _gaugeDiverCount) = (oxygenCells, _diverCount);
            _gaugeRowWritten = false;
        }
        CopyRegion(_gaugeRow, state.Slice(9 * Size * Channels, Size * Channels), ref _gaugeRowWritten);

        Set(state, _subY, _subX, 0);
        Set(state, _subY, _facingRight ? _subX - 1 : _subX + 1, 1);
        foreach (int[] b in CollectionsMarshal.AsSpan(_friendlyBullets)) Set(state, b[1], b[0], 2);
        foreach (int[] b in CollectionsMarshal.AsSpan(_enemyBullets)) Set(state, b[1], b[0], 4);
        WriteMovers(state, _fish, 5);
        WriteMovers(state, _subs, 6);
        WriteMovers(state, _divers, 9);
    }

    private void WriteMovers(Span<float> state, List<int[]> movers, int channel)
    {
        foreach (int[] m in CollectionsMarshal.AsSpan(movers))
        {
            Set(state, m[1], m[0], channel);
            int backX = m[2] != 0 ? m[0] - 1 : m[0] + 1;
            if (backX is >= 0 and <= 9) Set(state, m[1], backX, 3);
        }
    }

    private static int[]? FirstAt(List<int[]> items, int x, int y)
    {
        foreach (int[] item in CollectionsMarshal.AsSpan(items)) if (item[0] == x && item[1] == y) return item;
        return null;
    }

    /// <summary>Python's <c>list.remove(item)</c>: removes the first element equal in value to <paramref name="item"/>.</summary>
    private static void RemoveFirstEqual(List<int[]> items, int[] item)
    {
        for (int i = 0; i < items.Count; i++)
        {
            if (items[i].AsSpan().SequenceEqual(item))
            {
                items.RemoveAt(i);
                return;
            }
        }
        throw new InvalidOperationException("seaquest: list.remove(x): x not in list.");
    }

    /// <summary>CPython's <c>reversed(list)</c>: yields items[i] for i = Count − 1 down, stopping for good once i is out of range.</summary>
    private struct ReverseWalk(List<int[]> items)
    {
        private int _index = items.Count - 1;

        public int[]? Next()
        {
            if (_index >= 0 && _index < items.Count) return items[_index--];
            _index = -1;
            return null;
        }
    }
}
