using System.Diagnostics;
using System.Runtime.Intrinsics;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using Bellman.Nn.Kernels;

namespace Bellman.Benchmarks;

/// <summary>One GEMM problem: C (m×n) = op(A) (m×k) · op(B) (k×n), named like "64x256x256 NT" (m x n x k, then A and B: N or T).</summary>
public sealed record GemmShape(int M, int N, int K, bool TransposeA = false, bool TransposeB = false)
{
    public double Flop => 2.0 * M * N * K;

    public override string ToString() => $"{M}x{N}x{K} {(TransposeA ? 'T' : 'N')}{(TransposeB ? 'T' : 'N')}";

    /// <summary>The products of a 4-256-256-2 MLP at batch 64 (forward X·Wᵀ, backward dY·W and dYᵀ·X), greedy m = 1, conv im2col.</summary>
    public static GemmShape[] RlShapes =>
    [
        new(64, 256, 256), new(64, 256, 256, TransposeB: true), new(64, 256, 256, TransposeA: true),
        new(64, 256, 4, TransposeB: true), new(64, 4, 256), new(64, 2, 256, TransposeB: true), new(64, 256, 2),
        new(256, 4, 64, TransposeA: true),
        new(1, 256, 4, TransposeB: true), new(1, 256, 256, TransposeB: true), new(1, 256, 256), new(1, 2, 256, TransposeB: true),
        new(16, 100, 9), new(32, 441, 288),
    ];

    /// <summary>The products of MinAtar's reference network at batch 32 (Linear 1024→128 forward, dX and dW; a
    /// transposed-weight forward for comparison; the per-image convolution products).</summary>
    public static GemmShape[] MinAtarShapes =>
    [
        new(32, 128, 1024, TransposeB: true), new(32, 128, 1024), new(32, 1024, 128), new(128, 1024, 32, TransposeA: true),
        new(16, 64, 36), new(16, 36, 64, TransposeB: true), new(8, 128, 1024, TransposeB: true), new(8, 128, 1024), new(64, 128, 1024, TransposeB: true), new(64, 128, 1024),
    ];
}

/// <summary>
/// Gemm.Multiply against the scalar reference on the shapes RL networks use. The GFLOP/s column is 2·m·n·k / mean.
/// Run: <c>dotnet run -c Release --project bench/Bellman.Benchmarks -- --filter *GemmBenchmarks*</c>.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(GflopsConfig))]
public class GemmBenchmarks
{
    private float[] _a = [], _b = [], _c = [];

    public static IEnumerable<GemmShape> Shapes => GemmShape.RlShapes;

    [ParamsSource(nameof(Shapes))]
    public GemmShape Shape { get; set; } = GemmShape.RlShapes[0];

    [GlobalSetup]
    public void Setup() => (_a, _b, _c) = GemmQuickBench.Operands(Shape);

    [Benchmark(Baseline = true)]
    public void Reference() => Gemm.MultiplyReference(_a, _b, _c, Shape.M, Shape.N, Shape.K, Shape.TransposeA, Shape.TransposeB);

    [Benchmark]
    public void Multiply() => Gemm.Multiply(_a, _b, _c, Shape.M, Shape.N, Shape.K, Shape.TransposeA, Shape.TransposeB);
}

/// <summary>Gemm.Multiply with 1 and 2 threads on products above <see cref="Gemm.ParallelThreshold"/>.</summary>
[MemoryDiagnoser]
[Config(typeof(GflopsConfig))]
public class GemmThreadBenchmarks
{
    private float[] _a = [], _b = [], _c = [];

    public static IEnumerable<GemmShape> Shapes =>
        [new(64, 256, 256), new(64, 256, 256, TransposeB: true), new(256, 256, 256), new(32, 441, 288), new(512, 512, 512)];

    [ParamsSource(nameof(Shapes))]
    public GemmShape Shape { get; set; } = new(64, 256, 256);

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        (_a, _b, _c) = GemmQuickBench.Operands(Shape);
        Gemm.MaxThreads = Threads;
    }

    [GlobalCleanup]
    public void Cleanup() => Gemm.MaxThreads = 1;

    [Benchmark]
    public void Multiply() => Gemm.Multiply(_a, _b, _c, Shape.M, Shape.N, Shape.K, Shape.TransposeA, Shape.TransposeB);
}

/// <summary>Adds a GFLOP/s column (2·m·n·k / mean time) to the default BenchmarkDotNet columns.</summary>
public sealed class GflopsConfig : ManualConfig
{
    public GflopsConfig() => AddColumn(new GflopsColumn());

    private sealed class GflopsColumn : IColumn
    {
        public string Id => nameof(GflopsColumn);
        public string ColumnName => "GFLOP/s";
        public bool AlwaysShow => true;
        public ColumnCategory Category => ColumnCategory.Custom;
        public int PriorityInCategory => 0;
        public bool IsNumeric => true;
        public UnitType UnitType => UnitType.Dimensionless;
        public string Legend => "2·m·n·k floating-point operations per second / 1e9, from the mean";
        public bool IsAvailable(Summary summary) => true;
        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
        {
            double? meanNs = summary[benchmarkCase]?.ResultStatistics?.Mean;
            return benchmarkCase.Parameters["Shape"] is GemmShape shape && meanNs is > 0
                ? (shape.Flop / meanNs.Value).ToString("F1")
                : "-";
        }
    }
}

/// <summary>
/// A quick measurement (seconds, not minutes): per shape, the median over 21 timed batches of calls by the thread's CPU
/// time (<see cref="Bellman.Cli.Diagnostics.ThreadClock"/>, so other processes on the core do not count), after 0.4 s
/// of warm-up so the JIT has tiered up. Reports GFLOP/s = 2·m·n·k / median time and ns per call.
/// </summary>
public static class GemmQuickBench
{
    public static (float[] A, float[] B, float[] C) Operands(GemmShape shape)
    {
        var rng = new Rng(42);
        float[] a = new float[shape.M * shape.K], b = new float[shape.K * shape.N];
        for (int i = 0; i < a.Length; i++) a[i] = rng.NextFloat() - 0.5f;
        for (int i = 0; i < b.Length; i++) b[i] = rng.NextFloat() - 0.5f;
        return (a, b, new float[shape.M * shape.N]);
    }

    /// <summary>Measures every shape whose name contains <paramref name="filter"/> (all when null).</summary>
    public static void Run(TextWriter output, string? filter = null)
    {
        GemmShape[] extra = [new(256, 256, 256), new(512, 512, 512), .. GemmShape.MinAtarShapes];
        output.WriteLine($"Vector512 accelerated: {Vector512.IsHardwareAccelerated}, cores: {Environment.ProcessorCount}, " +
            $"measured one-core FMA peak: {Bellman.Cli.Diagnostics.CorePeak.MeasureGflops():F1} GFLOP/s");
        output.WriteLine($"{"shape (m x n x k, op)",-22} {"threads",7} {"GFLOP/s",9} {"ns/call",11}");
        foreach (GemmShape shape in GemmShape.RlShapes.Concat(extra).Where(s => filter is null || s.ToString().Contains(filter)))
        {
            foreach (int threads in (long)shape.M * shape.N * shape.K >= Gemm.ParallelThreshold ? new[] { 1, 2 } : [1])
            {
                Gemm.MaxThreads = threads;
                double seconds = MedianSeconds(shape);
                output.WriteLine($"{shape,-22} {threads,7} {shape.Flop / seconds / 1e9,9:F1} {seconds * 1e9,11:F0}");
            }
        }
        Gemm.MaxThreads = 1;
    }

    private static double MedianSeconds(GemmShape s)
    {
        var (a, b, c) = Operands(s);
        int reps = (int)Math.Max(1, 2e7 / s.Flop);
        var warmup = Stopwatch.StartNew();
        while (warmup.ElapsedMilliseconds < 400)
            for (int i = 0; i < reps; i++) Gemm.Multiply(a, b, c, s.M, s.N, s.K, s.TransposeA, s.TransposeB);
        var times = new double[21];
        for (int t = 0; t < times.Length; t++)
        {
            double start = Bellman.Cli.Diagnostics.ThreadClock.Seconds();
            for (int i = 0; i < reps; i++) Gemm.Multiply(a, b, c, s.M, s.N, s.K, s.TransposeA, s.TransposeB);
            times[t] = (Bellman.Cli.Diagnostics.ThreadClock.Seconds() - start) / reps;
        }
        Array.Sort(times);
        return times[times.Length / 2];
    }
}
