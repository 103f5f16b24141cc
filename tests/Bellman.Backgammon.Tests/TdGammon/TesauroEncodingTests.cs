using Bellman.Backgammon.TdGammon;

namespace Bellman.Backgammon.Tests.TdGammon;

public sealed class TesauroEncodingTests
{
    [Fact]
    public void Start_position_after_white_moved_sets_the_point_units_and_black_to_move()
    {
        var x = TesauroEncoding.EncodeDense(Position.Start, moverIsWhite: true);
        Assert.Equal(198, x.Length);
        var expected = new float[198];
        foreach (int colour in new[] { 0, 1 })
        {
            int b = 96 * colour;
            // 5 on point 6 (index 5): ≥1, ≥2, ≥3 and (5 − 3)/2 = 1
            expected[b + 4 * 5 + 0] = 1; expected[b + 4 * 5 + 1] = 1; expected[b + 4 * 5 + 2] = 1; expected[b + 4 * 5 + 3] = 1;
            // 3 on point 8
            expected[b + 4 * 7 + 0] = 1; expected[b + 4 * 7 + 1] = 1; expected[b + 4 * 7 + 2] = 1;
            // 5 on point 13
            expected[b + 4 * 12 + 0] = 1; expected[b + 4 * 12 + 1] = 1; expected[b + 4 * 12 + 2] = 1; expected[b + 4 * 12 + 3] = 1;
            // 2 on point 24
            expected[b + 4 * 23 + 0] = 1; expected[b + 4 * 23 + 1] = 1;
        }
        expected[197] = 1; // black to move
        Assert.Equal(expected, x);
    }

    [Fact]
    public void Bar_off_and_tall_points_use_their_scaled_units_for_each_colour()
    {
        // Mover: 6 on its 1-point, 2 on the bar, 7 borne off. The other side: a blot on its 24 (my 1? no: my 1 is mine),
        // so: one checker on its 3-point (my 22), 14 borne off.
        var p = Boards.Of([(1, 6), (25, 2)], [(22, 1)]);
        var asBlack = TesauroEncoding.EncodeDense(p, moverIsWhite: false); // black moved, white to move
        // Black (the mover) is colour 1.
        Assert.Equal(1f, asBlack[96 + 0]);
        Assert.Equal(1f, asBlack[96 + 1]);
        Assert.Equal(1f, asBlack[96 + 2]);
        Assert.Equal(1.5f, asBlack[96 + 3]);
        Assert.Equal(1f, asBlack[193]);          // 2 on the bar / 2
        Assert.Equal(7f / 15f, asBlack[195]);    // 7 off / 15
        // White (to move) has one checker on its own 3-point (index 2) and 14 off.
        Assert.Equal(1f, asBlack[4 * 2]);
        Assert.Equal(0f, asBlack[4 * 2 + 1]);
        Assert.Equal(14f / 15f, asBlack[194]);
        Assert.Equal(1f, asBlack[196]);
        Assert.Equal(0f, asBlack[197]);
        Assert.Equal(1 + 1 + 1 + 1.5f + 1 + 7f / 15f + 1 + 14f / 15f + 1, asBlack.Sum(), 5);
        // The same board with white as the mover puts the same numbers under the other colour.
        var asWhite = TesauroEncoding.EncodeDense(p, moverIsWhite: true);
        Assert.Equal(asBlack[96..192], asWhite[0..96]);
        Assert.Equal(asBlack[0..96], asWhite[96..192]);
        Assert.Equal(1f, asWhite[197]);
    }
}
