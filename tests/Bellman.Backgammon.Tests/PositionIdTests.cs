using CsCheck;

namespace Bellman.Backgammon.Tests;

public sealed class PositionIdTests
{
    [Fact]
    public void Start_position_has_gnubgs_id() => Assert.Equal("4HPwATDgc/ABMA", PositionId.Encode(Position.Start));

    [Fact]
    public void Every_reference_id_round_trips()
    {
        foreach (var c in ReferenceData.Cases)
        {
            Assert.Equal(c.PositionId, PositionId.Encode(PositionId.Decode(c.PositionId)));
            foreach (var r in c.Results) Assert.Equal(r.Id, PositionId.Encode(PositionId.Decode(r.Id)));
        }
    }

    /// <summary>Random legal boards: counts placed one checker at a time where the other side has none.</summary>
    private static readonly Gen<Position> Boards = Gen.Int[0, 15].SelectMany(a => Gen.Int[0, 15].SelectMany(b => Gen.Int.Array[a + b].Select(cells =>
    {
        var opp = new int[25];
        var me = new int[25];
        for (int k = 0; k < cells.Length; k++)
        {
            int i = (int)((uint)cells[k] % 25);
            if (k < a)
            {
                if (i < 24 && me[23 - i] > 0) continue;
                opp[i]++;
            }
            else
            {
                if (i < 24 && opp[23 - i] > 0) continue;
                me[i]++;
            }
        }
        return Position.FromCounts(opp, me);
    })));

    [Fact]
    public void Random_boards_round_trip_and_keys_agree_with_ids() =>
        Boards.Sample(p =>
        {
            string id = PositionId.Encode(p);
            var back = PositionId.Decode(id);
            return back == p && PositionId.Key(back) == PositionId.Key(p) && id.Length == 14;
        }, iter: 2000);

    [Fact]
    public void Swap_twice_is_identity_and_swap_exchanges_the_halves()
    {
        var p = PositionId.Decode("4HPwATDgc/ABMA");
        Assert.Equal(p, p.Swap().Swap());
        var c = ReferenceData.Get("c116");
        var q = PositionId.Decode(c.PositionId).Swap();
        Assert.Equal(c.Board[1], q.ToCounts()[0]);
        Assert.Equal(c.Board[0], q.ToCounts()[1]);
    }

    [Theory]
    [InlineData("4HPwATDgc/ABM", "14")]
    [InlineData("4HPwATDgc/ABMAA", "14")]
    [InlineData("4HPwATDgc/AB-A", "'-'")]
    [InlineData("//////////////", "")]
    public void Malformed_ids_are_clear_errors(string id, string fragment)
    {
        var e = Assert.Throws<FormatException>(() => PositionId.Decode(id));
        Assert.Contains(fragment, e.Message);
        Assert.Contains(id, e.Message);
    }

    [Fact]
    public void More_than_15_checkers_is_an_error_naming_the_count()
    {
        var opp = new int[25];
        var me = new int[25];
        me[5] = 10;
        me[7] = 6;
        opp[0] = 2;
        var e = Assert.Throws<ArgumentException>(() => Position.FromCounts(opp, me));
        Assert.Contains("16 checkers", e.Message);
        // The same board as an ID (built bit by bit) is rejected by the decoder.
        string id = EncodeUnchecked(opp, me);
        var f = Assert.Throws<FormatException>(() => PositionId.Decode(id));
        Assert.Contains("16 checkers", f.Message);
    }

    [Fact]
    public void Both_sides_on_one_point_is_an_error_naming_the_point()
    {
        var opp = new int[25];
        var me = new int[25];
        me[5] = 2;  // my 6-point
        opp[18] = 1; // the opponent's 19-point = my 6-point
        var e = Assert.Throws<FormatException>(() => PositionId.Decode(EncodeUnchecked(opp, me)));
        Assert.Contains("Point 6", e.Message);
        Assert.Contains("both sides", e.Message);
    }

    /// <summary>gnubg's bit layout written directly, so that impossible boards can be encoded.</summary>
    private static string EncodeUnchecked(int[] opp, int[] me)
    {
        var key = new byte[10];
        int bit = 0;
        foreach (int n in opp.Concat(me))
        {
            for (int k = 0; k < n; k++, bit++) key[bit >> 3] |= (byte)(1 << (bit & 7));
            bit++;
        }
        return Convert.ToBase64String(key)[..14];
    }
}
