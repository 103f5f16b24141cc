namespace Bellman.Environments.Rendering;

/// <summary>
/// A tiny rasterizer over an <see cref="RgbFrame"/> (no antialiasing): a pixel is painted when its centre
/// (x + ½, y + ½) lies inside the shape. With <see cref="YUp"/> the coordinates are pygame's before
/// Gymnasium's final vertical flip: y grows upwards from the bottom edge, so y_pixel = height − y.
/// </summary>
public sealed class Canvas(RgbFrame frame, bool yUp = true)
{
    /// <summary>The frame drawn on.</summary>
    public RgbFrame Frame { get; } = frame ?? throw new ArgumentNullException(nameof(frame));

    /// <summary>Whether y grows upwards (classic-control layouts) rather than downwards (toy-text grids).</summary>
    public bool YUp { get; } = yUp;

    /// <summary>Paints the whole frame.</summary>
    public void Clear(Rgb color) => Frame.Fill(color);

    /// <summary>
    /// Fills a simple polygon (even-odd rule, vertices in order, either winding): one scanline per pixel row,
    /// crossings of the row's centre sorted, pixels between pairs painted.
    /// </summary>
    public void FillPolygon(ReadOnlySpan<(double X, double Y)> vertices, Rgb color)
    {
        int n = vertices.Length;
        if (n < 3) return;
        Span<(double X, double Y)> v = n <= 64 ? stackalloc (double, double)[n] : new (double, double)[n];
        double minY = double.PositiveInfinity, maxY = double.NegativeInfinity;
        for (int i = 0; i < n; i++)
        {
            v[i] = (vertices[i].X, ToRow(vertices[i].Y));
            minY = Math.Min(minY, v[i].Y);
            maxY = Math.Max(maxY, v[i].Y);
        }
        int y0 = Math.Max(0, (int)Math.Floor(minY - 0.5)), y1 = Math.Min(Frame.Height - 1, (int)Math.Ceiling(maxY - 0.5));
        Span<double> xs = n <= 64 ? stackalloc double[n] : new double[n];
        for (int y = y0; y <= y1; y++)
        {
            double cy = y + 0.5;
            int count = 0;
            for (int i = 0, j = n - 1; i < n; j = i++)
            {
                var (a, b) = (v[i], v[j]);
                if ((a.Y <= cy) != (b.Y <= cy)) xs[count++] = a.X + (cy - a.Y) / (b.Y - a.Y) * (b.X - a.X);
            }
            xs[..count].Sort();
            for (int k = 0; k + 1 < count; k += 2) Span(y, xs[k], xs[k + 1], color);
        }
    }

    /// <summary>Fills the disc of radius <paramref name="radius"/> around (<paramref name="cx"/>, <paramref name="cy"/>).</summary>
    public void FillCircle(double cx, double cy, double radius, Rgb color)
    {
        if (!(radius > 0)) return;
        double row = ToRow(cy);
        int y0 = Math.Max(0, (int)Math.Floor(row - radius)), y1 = Math.Min(Frame.Height - 1, (int)Math.Ceiling(row + radius));
        for (int y = y0; y <= y1; y++)
        {
            double dy = y + 0.5 - row, h = radius * radius - dy * dy;
            if (h < 0) continue;
            double half = Math.Sqrt(h);
            Span(y, cx - half, cx + half, color);
        }
    }

    /// <summary>A straight segment <paramref name="width"/> pixels wide (at least one pixel is painted per step along it).</summary>
    public void Line(double x0, double y0, double x1, double y1, Rgb color, double width = 1)
    {
        double dx = x1 - x0, dy = y1 - y0, length = Math.Sqrt(dx * dx + dy * dy);
        if (length == 0) return;
        double w = Math.Max(width, 1) / 2, nx = -dy / length * w, ny = dx / length * w;
        // Extend half a pixel along the segment so that 1-px axis-aligned lines cover their end pixels.
        double ex = dx / length * 0.5, ey = dy / length * 0.5;
        FillPolygon([(x0 - ex + nx, y0 - ey + ny), (x1 + ex + nx, y1 + ey + ny), (x1 + ex - nx, y1 + ey - ny), (x0 - ex - nx, y0 - ey - ny)], color);
    }

    /// <summary>Connected segments through <paramref name="points"/>.</summary>
    public void Polyline(ReadOnlySpan<(double X, double Y)> points, Rgb color, double width = 1)
    {
        for (int i = 0; i + 1 < points.Length; i++) Line(points[i].X, points[i].Y, points[i + 1].X, points[i + 1].Y, color, width);
    }

    /// <summary>Fills the axis-aligned rectangle with corner (<paramref name="x"/>, <paramref name="y"/>) and the given size.</summary>
    public void FillRectangle(double x, double y, double width, double height, Rgb color) =>
        FillPolygon([(x, y), (x + width, y), (x + width, y + height), (x, y + height)], color);

    /// <summary>(x, y) rotated by <paramref name="angle"/> radians counter-clockwise (pygame's <c>Vector2.rotate_rad</c>) then shifted.</summary>
    public static (double X, double Y) Rotate((double X, double Y) p, double angle, double shiftX = 0, double shiftY = 0)
    {
        var (s, c) = Math.SinCos(angle);
        return (p.X * c - p.Y * s + shiftX, p.X * s + p.Y * c + shiftY);
    }

    private double ToRow(double y) => YUp ? Frame.Height - y : y;

    private void Span(int y, double left, double right, Rgb color)
    {
        int x0 = Math.Max(0, (int)Math.Ceiling(left - 0.5)), x1 = Math.Min(Frame.Width - 1, (int)Math.Floor(right - 0.5));
        for (int x = x0; x <= x1; x++) Frame[x, y] = color;
    }
}
