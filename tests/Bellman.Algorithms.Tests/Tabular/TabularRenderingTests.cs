using Bellman.Algorithms.Tabular;
using Xunit;

namespace Bellman.Algorithms.Tests.Tabular;

public sealed class TabularRenderingTests
{
    [Fact]
    public void ValuesAreDrawnInFixedWidthCells()
    {
        string text = TabularRendering.RenderValues([0.5, -12.25, 1, 0], 2, decimals: 2);
        Assert.Equal("  0.50 -12.25\n  1.00   0.00\n", text);
    }

    [Fact]
    public void FrozenLakePolicyWithTerminalCellsMarked()
    {
        var r = ReferenceModel.Load(ReferenceModel.FrozenLakeNotSlippery);
        var terminal = TabularRendering.TerminalStates(r.Model);
        Assert.Equal([5, 7, 11, 12, 15], terminal);
        var marks = terminal.ToDictionary(s => s, s => s == 15 ? "G" : "H");
        string text = TabularRendering.RenderPolicy(r.Policy, r.Columns, ActionGlyphs.FrozenLakeAscii, marks);
        Assert.Equal("v > v <\nv H v H\n> v v H\nH > > G\n", text);
        string arrows = TabularRendering.RenderPolicy(r.Policy, r.Columns, ActionGlyphs.FrozenLake, marks);
        Assert.StartsWith("↓ → ↓ ←\n", arrows);
    }

    [Fact]
    public void CliffWalkingPolicyUsesItsOwnActionOrder()
    {
        var r = ReferenceModel.Load(ReferenceModel.CliffWalking);
        var marks = Enumerable.Range(37, 10).ToDictionary(s => s, _ => "C");
        marks[47] = "G";
        var lines = TabularRendering.RenderPolicy(r.Policy, 12, ActionGlyphs.CliffWalkingAscii, marks).Split('\n');
        Assert.Equal("> > > > > > > > > > > v", lines[0]);
        Assert.Equal("^ C C C C C C C C C C G", lines[3]);
        Assert.Contains("-13.125", TabularRendering.RenderValues(r.V, 12, 3));
    }

    [Fact]
    public void BadInputsAreRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => TabularRendering.RenderValues([1.0], 0));
        Assert.Contains("policy[0] = 4 has no glyph", Assert.Throws<ArgumentException>(() => TabularRendering.RenderPolicy([4], 1, ActionGlyphs.FrozenLake)).Message);
        Assert.Contains("marks names state 3", Assert.Throws<ArgumentException>(() => TabularRendering.RenderValues([1.0], 1, 3, new Dictionary<int, string> { [3] = "H" })).Message);
    }
}
