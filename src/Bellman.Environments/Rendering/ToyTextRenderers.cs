using Bellman.Environments.ToyText;

namespace Bellman.Environments.Rendering;

/// <summary>
/// A toy-text grid as coloured tiles (Gymnasium draws bundled sprites; Bellman draws their colours): one tile
/// per cell, a 1-px border around each, and the agent as a disc in its cell.
/// </summary>
internal sealed class GridRenderer : IEnvironmentRenderer
{
    private readonly TabularEnvironment _env;
    private readonly int _rows, _columns, _cell;
    private readonly Func<int, int, Rgb> _tile;

    public GridRenderer(TabularEnvironment env, int rows, int columns, int cellSize, Func<int, int, Rgb> tile)
    {
        (_env, _rows, _columns, _cell, _tile) = (env, rows, columns, cellSize, tile);
    }

    public int Width => _columns * _cell;

    public int Height => _rows * _cell;

    public int FramesPerSecond => 4;

    public static Rgb Border => new(180, 200, 230);

    public static Rgb Agent => new(200, 40, 40);

    public void Render(RgbFrame frame)
    {
        EnvironmentRenderers.CheckSize(this, frame, _env.Name);
        var c = new Canvas(frame, yUp: false);
        c.Clear(Border);
        for (int r = 0; r < _rows; r++)
            for (int col = 0; col < _columns; col++)
                c.FillRectangle(col * _cell + 1, r * _cell + 1, _cell - 2, _cell - 2, _tile(r, col));
        int state = _env.State;
        int ar = state / _columns, ac = state % _columns;
        c.FillCircle((ac + 0.5) * _cell, (ar + 0.5) * _cell, _cell * 0.3, Agent);
    }
}

/// <summary>
/// Taxi-v4, 550x350: Gymnasium's 11x7 character map in 50-px cells. Outer border and interior walls dark,
/// floor light, the four stands R, G, Y, B in their colours, the destination framed in its colour, the
/// waiting passenger as a disc on its stand, the taxi as a yellow box (with the passenger's disc when aboard).
/// </summary>
internal sealed class TaxiRenderer(Taxi env) : IEnvironmentRenderer
{
    private const int Cell = 50;
    private static readonly Rgb Wall = new(70, 70, 70), Floor = new(225, 225, 225), Passenger = new(40, 40, 160), TaxiColor = new(250, 190, 20);
    private static readonly Rgb[] StandColors = [new(220, 60, 60), new(60, 170, 75), new(230, 200, 50), new(60, 100, 220)];

    public int Width => 11 * Cell;

    public int Height => 7 * Cell;

    public int FramesPerSecond => 4;

    public void Render(RgbFrame frame)
    {
        EnvironmentRenderers.CheckSize(this, frame, env.Name);
        var c = new Canvas(frame, yUp: false);
        var map = Taxi.Map;
        for (int r = 0; r < map.Count; r++)
            for (int col = 0; col < map[r].Length; col++)
            {
                char ch = map[r][col];
                c.FillRectangle(col * Cell, r * Cell, Cell, Cell, ch is '+' or '-' or '|' ? Wall : Floor);
            }
        var (taxiRow, taxiCol, passenger, destination) = Taxi.Decode(env.State);
        for (int k = 0; k < Taxi.Locations.Count; k++)
        {
            var (x, y) = CellOrigin(Taxi.Locations[k]);
            if (k == destination) c.FillRectangle(x, y, Cell, Cell, StandColors[k]);
            c.FillRectangle(x + 6, y + 6, Cell - 12, Cell - 12, k == destination ? Floor : StandColors[k]);
            if (k == destination) c.FillRectangle(x + 12, y + 12, Cell - 24, Cell - 24, StandColors[k]);
        }
        var (tx, ty) = CellOrigin((taxiRow, taxiCol));
        c.FillRectangle(tx + 8, ty + 14, Cell - 16, Cell - 24, TaxiColor);
        if (passenger < Taxi.Locations.Count)
        {
            var (px, py) = CellOrigin(Taxi.Locations[passenger]);
            c.FillCircle(px + Cell / 2.0, py + Cell / 2.0, Cell * 0.18, Passenger);
        }
        else c.FillCircle(tx + Cell / 2.0, ty + Cell / 2.0, Cell * 0.14, Passenger);
    }

    /// <summary>The top-left pixel of grid cell (row, col): the map character at (row + 1, 2·col + 1).</summary>
    private static (double X, double Y) CellOrigin((int Row, int Col) cell) => ((2 * cell.Col + 1) * Cell, (cell.Row + 1) * Cell);
}
