using Bellman.Environments.MinAtar;

namespace Bellman.Environments.Tests.MinAtar;

public class MinAtarPaletteTests
{
    // round(255 · seaborn.color_palette("cubehelix", C)) printed by seaborn 0.12.2 with matplotlib 3.6.3
    // (Debian 12), the palettes MinAtar's GUI draws the four channel counts with.
    public static TheoryData<int, int[]> Seaborn() => new()
    {
        { 4, [22, 61, 78, 84, 121, 47, 208, 126, 147, 193, 202, 243] },
        { 6, [26, 36, 65, 27, 97, 69, 105, 123, 48, 200, 123, 124, 205, 162, 224, 198, 225, 241] },
        { 7, [27, 30, 59, 22, 83, 76, 68, 119, 49, 161, 121, 74, 212, 132, 169, 198, 180, 238, 203, 232, 240] },
        { 10, [25, 18, 43, 23, 52, 76, 24, 91, 72, 60, 118, 50, 126, 122, 54, 188, 121, 103, 212, 134, 175, 202, 169, 231, 194, 210, 243, 214, 240, 239] },
    };

    [Theory]
    [MemberData(nameof(Seaborn))]
    public void ColoursEqualSeaborns(int channels, int[] rgb)
    {
        var colors = MinAtarPalette.Colors(channels);
        Assert.Equal((byte)0, colors[0].R);
        Assert.Equal(0, colors[0].G + colors[0].B);
        Assert.Equal(rgb, colors.Skip(1).SelectMany(c => new int[] { c.R, c.G, c.B }).ToArray());
    }

    [Fact]
    public void ACellTakesItsHighestChannel()
    {
        var obs = new float[100 * 4];
        obs[(0 * 4) + 1] = 1; // cell 0: ball
        obs[(5 * 4) + 0] = 1; // cell 5: paddle and brick
        obs[(5 * 4) + 3] = 1;
        var cells = new byte[100];
        MinAtarPalette.CellColors(obs, 4, cells);
        Assert.Equal(2, cells[0]);
        Assert.Equal(4, cells[5]);
        Assert.Equal(0, cells[1]);
    }
}
