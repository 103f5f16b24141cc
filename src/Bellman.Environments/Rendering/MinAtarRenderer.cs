using Bellman.Environments.MinAtar;

namespace Bellman.Environments.Rendering;

/// <summary>
/// A MinAtar game drawn as its GUI draws it: the 10×10 grid, each cell in the colour of its highest true channel
/// (<see cref="MinAtarPalette"/>: black when empty, then seaborn's cubehelix colours), 32 pixels a cell.
/// </summary>
internal sealed class MinAtarRenderer : IEnvironmentRenderer
{
    private const int Cell = 32;
    private readonly MinAtarEnvironment _env;
    private readonly Rgb[] _palette;
    private readonly byte[] _cells = new byte[MinAtarGame.Size * MinAtarGame.Size];

    public MinAtarRenderer(MinAtarEnvironment env)
    {
        _env = env;
        _palette = [.. MinAtarPalette.Colors(env.Game.ChannelCount).Select(c => new Rgb(c.R, c.G, c.B))];
    }

    public int Width => MinAtarGame.Size * Cell;

    public int Height => MinAtarGame.Size * Cell;

    // MinAtar's GUI plays at 10 frames a second (its Gymnasium wrapper's render_fps is 30; 10 reads better).
    public int FramesPerSecond => 10;

    public void Render(RgbFrame frame)
    {
        EnvironmentRenderers.CheckSize(this, frame, _env.Name);
        MinAtarPalette.CellColors(_env.Observation, _env.Game.ChannelCount, _cells);
        for (int y = 0; y < Height; y++)
            for (int x = 0; x < Width; x++)
                frame[x, y] = _palette[_cells[(y / Cell * MinAtarGame.Size) + (x / Cell)]];
    }
}
