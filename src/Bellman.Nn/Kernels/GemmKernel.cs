using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace Bellman.Nn.Kernels;

/// <summary>
/// The SIMD GEMM behind <see cref="Gemm.Multiply"/>, written once over a vector width
/// <typeparamref name="TV"/> (V lanes) and specialised by the JIT for 512, 256 and 128 bits.
/// <para>
/// Main path (register tiles): C is cut into column panels of W = 2V columns (32 with AVX-512). Each panel of
/// op(B) (k × W) is read in place when B is not transposed and the panel is full; otherwise it is packed,
/// zero-padded, into a thread-local scratch of k·W floats (this is where op(B) = Bᵀ gets transposed, 8 × 8
/// blocks at a time with AVX). Down the panel a register tile of R rows × W columns (R = 8 where the ISA has
/// 32 vector registers, else 6) keeps 2R accumulators: for each p it loads two vectors of op(B)[p, j..j+W),
/// broadcasts op(A)[i+r, p] for each r and fuses a multiply-add. op(A) is never packed: row r of the tile is
/// read at a + r·rowStride + p·depthStride, strides (k, 1) for A and (1, m) for Aᵀ. A partial last panel
/// is computed into a small edge buffer and merged.
/// </para>
/// <para>
/// Other paths, chosen by shape only: m = 1 with op(B) = B (a row vector times a matrix, vectorised along n);
/// n ≤ V/2 with A stored k × m, or op(B) = Bᵀ with m·(k + n) &lt; n·k (Cᵀ = op(B)ᵀ·op(A)ᵀ through the tiles, packing
/// the smaller operand, then transposed);
/// n &lt; V/2, or op(B) = Bᵀ with m &lt; 8, with rows of op(A) contiguous (dot products of rows).
/// </para>
/// <para>
/// Summation order: on the tile, row-vector and transposed-output paths every element is the chain
/// c = fma(a[p], b[p], c) for p = 0..k−1 from 0, then added to the old C when accumulating; the same chain
/// in every tile shape, panel and thread split. The dot-product path sums V lane-wise chains, then the lanes,
/// then the k mod V tail. Either way the order is fixed by (m, n, k, transposes), so equal inputs give equal bits.
/// </para>
/// </summary>
internal static unsafe class GemmKernel<TV> where TV : struct, ISimdFloat<TV>
{
    /// <summary>
    /// Rows per register tile: 8 (16 accumulators) with 32 vector registers (AVX-512, Arm64), else 6
    /// (12 accumulators + 2 B vectors + 1 broadcast = 15 of the 16 AVX2/SSE registers).
    /// </summary>
    private static readonly int TileRows = Avx512F.IsSupported || AdvSimd.Arm64.IsSupported ? 8 : 6;

    /// <summary>Columns per panel: two vectors.</summary>
    internal static int PanelWidth => 2 * TV.Count;

    /// <summary>With op(B) = Bᵀ, fewer rows than this use dot products instead of packing Bᵀ.</summary>
    private const int DotRowsBelow = 8;

    [ThreadStatic] private static float[]? t_panel;
    [ThreadStatic] private static float[]? t_result;

    /// <summary>
    /// Fewer than half a vector of output columns: a register tile would mostly compute padding, so such products
    /// (op(A) not transposed, or one row) take dot products at every row count.
    /// </summary>
    internal static bool FewColumns(int n) => n < TV.Count / 2;

    /// <summary>C = op(A)·op(B) (or C +=) for m, n, k ≥ 1 on pinned row-major buffers.</summary>
    public static void Run(float* a, float* b, float* c, int m, int n, int k,
        bool transposeA, bool transposeB, bool accumulate, int threads)
    {
        if (m == 1 && !transposeB)
        {
            // op(A) is a row vector whatever its storage: a[p].
            RowTimesMatrix(a, b, c, n, k, accumulate);
            return;
        }
        if ((m == 1 || !transposeA) && (FewColumns(n) || (transposeB && m < DotRowsBelow)))
        {
            // Few columns (the tile would mostly compute padding) or, for op(B) = Bᵀ, too few rows to repay
            // transposing B: C[i, j] is the dot product of contiguous rows A[i, :] and Bᵀ[j, :].
            RowsDotRows(a, b, c, m, n, k, transposeB, accumulate);
            return;
        }

        if (transposeA && n <= TV.Count / 2 && m >= TV.Count)
        {
            // Few columns (at most half a vector: n = 4 with AVX2 would fill half of one vector of the tile) but A
            // stored k × m (e.g. dW = dYᵀ·X of an input layer): compute Cᵀ = op(B)ᵀ·op(A)ᵀ, whose panels run along m,
            // then transpose it into C. Same per-element chain as the tiles, so the same bits.
            ThroughTranspose(a, b, c, m, n, k, transposeA: true, transposeB, accumulate);
            return;
        }

        if (transposeB && !transposeA && threads <= 1 && (long)m * (k + n) < (long)n * k)
        {
            // op(B) = Bᵀ with fewer rows than columns (a Linear forward x·Wᵀ, batch below out features): packing A
            // (m·k, plus transposing the m·n result) moves less than packing Bᵀ (n·k), so compute Cᵀ = B·Aᵀ with W's
            // rows as the broadcast side. fma(a, b, c) = fma(b, a, c), so the same chain and the same bits.
            ThroughTranspose(a, b, c, m, n, k, transposeA: false, transposeB: true, accumulate);
            return;
        }

        if (threads <= 1) Panels(a, b, c, m, n, k, transposeA, transposeB, accumulate, 0, (n + PanelWidth - 1) / PanelWidth, 0, m);
        else RunParallel(a, b, c, m, n, k, transposeA, transposeB, accumulate, threads);
    }

    /// <summary>
    /// The tile path on up to <paramref name="threads"/> workers. Each owns whole output elements (a range of panels,
    /// or of rows when there are fewer panels than threads), so every element is summed exactly as single-threaded.
    /// A separate method so that the closure is allocated only here.
    /// </summary>
    private static void RunParallel(float* a, float* b, float* c, int m, int n, int k,
        bool transposeA, bool transposeB, bool accumulate, int threads)
    {
        int panels = (n + PanelWidth - 1) / PanelWidth;
        nint pa = (nint)a, pb = (nint)b, pc = (nint)c;
        bool byPanels = panels >= threads;
        int units = byPanels ? panels : (m + TileRows - 1) / TileRows;
        int workers = Math.Min(threads, units);
        EngineThreads.For(workers, w =>
        {
            int start = (int)((long)units * w / workers), end = (int)((long)units * (w + 1) / workers);
            if (byPanels)
                Panels((float*)pa, (float*)pb, (float*)pc, m, n, k, transposeA, transposeB, accumulate, start, end, 0, m);
            else
                Panels((float*)pa, (float*)pb, (float*)pc, m, n, k, transposeA, transposeB, accumulate,
                    0, panels, start * TileRows, Math.Min(m, end * TileRows));
        });
    }

    /// <summary>
    /// C (+)= op(A)·op(B) computed as Cᵀ (n × m) = op(B)ᵀ·op(A)ᵀ into a thread-local buffer, then transposed into C.
    /// op(A)ᵀ is A in its plain storage when A is stored k × m (else Aᵀ, packed by the panels); op(B)ᵀ is B in its
    /// plain storage when B is stored n × k (else read as transposed storage).
    /// </summary>
    private static void ThroughTranspose(float* a, float* b, float* c, int m, int n, int k, bool transposeA, bool transposeB, bool accumulate)
    {
        float* cT = Aligned(ref t_result, n * m);
        {
            int panels = (m + PanelWidth - 1) / PanelWidth;
            Panels(b, a, cT, n, m, k, transposeA: !transposeB, transposeB: !transposeA, accumulate: false, 0, panels, 0, n);
            if (!accumulate)
            {
                Transpose(cT, n, m, c);
                return;
            }
            for (int i = 0; i < m; i++)
            {
                float* row = c + (nint)i * n;
                for (int j = 0; j < n; j++) row[j] += cT[(nint)j * m + i];
            }
        }
    }

    /// <summary>Computes column panels [firstPanel, endPanel) for rows [rowStart, rowEnd).</summary>
    private static void Panels(float* a, float* b, float* c, int m, int n, int k, bool transposeA, bool transposeB,
        bool accumulate, int firstPanel, int endPanel, int rowStart, int rowEnd)
    {
        int width = PanelWidth, v = TV.Count;
        float* packed = Aligned(ref t_panel, k * width + 8 * width);
        {
            float* edge = packed + k * width;
            for (int panel = firstPanel; panel < endPanel; panel++)
            {
                int j = panel * width;
                int cols = Math.Min(width, n - j);
                bool twoVectors = cols > v;
                float* bp;
                nint ldb;
                if (!transposeB && cols == (twoVectors ? width : v) && !PackInPlacePanel(k, rowEnd - rowStart))
                {
                    bp = b + j;
                    ldb = n;
                }
                else
                {
                    PackPanel(b, packed, n, k, j, cols, twoVectors ? width : v, transposeB);
                    bp = packed;
                    ldb = width;
                }

                // Row r of op(A) starts at a + r·rowStride and steps depthStride per p. A partial last panel is
                // computed into the small edge buffer, then its first cols columns are merged into C.
                nint rowStride = transposeA ? 1 : k, depthStride = transposeA ? m : 1;
                bool partial = cols != (twoVectors ? width : v);
                float* cTile = partial ? edge : c + j;
                nint ldc = partial ? width : n;
                bool add = accumulate && !partial;
                int i = rowStart;
                while (i < rowEnd)
                {
                    int rows = rowEnd - i >= TileRows ? TileRows : rowEnd - i >= 4 ? 4 : rowEnd - i >= 2 ? 2 : 1;
                    float* ai = a + i * rowStride;
                    float* ci = partial ? cTile : cTile + (nint)i * n;
                    switch (rows)
                    {
                        case 8: Tile8(ai, rowStride, depthStride, bp, ldb, k, ci, ldc, twoVectors, add); break;
                        case 6: Tile6(ai, rowStride, depthStride, bp, ldb, k, ci, ldc, twoVectors, add); break;
                        case 4: Tile4(ai, rowStride, depthStride, bp, ldb, k, ci, ldc, twoVectors, add); break;
                        case 2: Tile2(ai, rowStride, depthStride, bp, ldb, k, ci, ldc, twoVectors, add); break;
                        default: Tile1(ai, rowStride, depthStride, bp, ldb, k, ci, ldc, twoVectors, add); break;
                    }
                    if (partial) MergeEdge(edge, c + (nint)i * n + j, n, rows, cols, accumulate);
                    i += rows;
                }
            }
        }
    }

    /// <summary>
    /// Whether to copy a full panel of op(B) = B anyway. Read in place, the panel's k lines sit n floats apart (1 KB for
    /// n = 256, so they crowd a few L1 sets) and are fetched again by every tile down the panel; packed, they are one
    /// contiguous k × W block that stays in L1 (up to 48 KB, Zen 5's L1). The copy pays when at least 16 tiles share
    /// the panel: measured in one process, rules interleaved, Zen 5: the weight gradient dW = dYᵀ·X at 256×256×256
    /// 190 → 215 GFLOP/s and at 300×400×256 191 → 211, while the DQN's 64-row products (8 tiles) lose ≈ 8% when packed.
    /// </summary>
    private static bool PackInPlacePanel(int k, int rows) => k * PanelWidth <= 12288 && rows >= 16 * TileRows;

    /// <summary>Copies (or adds) rows × cols of the edge buffer (row stride <see cref="PanelWidth"/>) into C.</summary>
    private static void MergeEdge(float* edge, float* c, nint ldc, int rows, int cols, bool accumulate)
    {
        for (int r = 0; r < rows; r++)
        {
            float* src = edge + r * PanelWidth, dst = c + r * ldc;
            for (int jj = 0; jj < cols; jj++) dst[jj] = accumulate ? dst[jj] + src[jj] : src[jj];
        }
    }

    /// <summary>
    /// Copies op(B)[0..k, j..j+cols) into <paramref name="packed"/> (row stride <see cref="PanelWidth"/>),
    /// zero-filling columns cols..padTo.
    /// </summary>
    private static void PackPanel(float* b, float* packed, int n, int k, int j, int cols, int padTo, bool transposeB)
    {
        int width = PanelWidth;
        if (transposeB)
        {
            // B is n × k: column jj of the panel is the contiguous row j + jj of B. With AVX, whole 8 × 8 blocks
            // are transposed in registers, eight rows of B at a time along the whole depth: with the panel's 32 rows
            // at once, rows k = 1024 floats (4 KB) apart all fall in one L1 set and evict each other (MinAtar's
            // Linear(1024→128) forward packs x so: 42.5 → 39.3 µs); the rest goes element by element.
            int jj = 0;
            if (Avx.IsSupported)
            {
                int blocks = cols / 8, k8 = k - k % 8;
                float* rows = b + (nint)j * k;
                for (int q = 0; q < blocks; q++)
                    for (int p0 = 0; p0 < k8; p0 += 8)
                        Transpose8x8(rows + (nint)q * 8 * k + p0, k, packed + (nint)p0 * width + q * 8, width);
                for (int q = 0; q < 8 * blocks; q++)
                    for (int p = k8; p < k; p++)
                        packed[(nint)p * width + q] = rows[(nint)q * k + p];
                jj = 8 * blocks;
            }
            for (; jj < cols; jj++)
            {
                float* src = b + (nint)(j + jj) * k;
                float* dst = packed + jj;
                for (int p = 0; p < k; p++) dst[(nint)p * width] = src[p];
            }
        }
        else if (cols == width)
        {
            int v = TV.Count;
            for (int p = 0; p < k; p++)
            {
                float* src = b + (nint)p * n + j, dst = packed + (nint)p * width;
                TV.Store(TV.Load(src), dst);
                TV.Store(TV.Load(src + v), dst + v);
            }
        }
        else
        {
            for (int p = 0; p < k; p++)
                new ReadOnlySpan<float>(b + (nint)p * n + j, cols).CopyTo(new Span<float>(packed + (nint)p * width, cols));
        }

        if (cols < padTo)
            for (int p = 0; p < k; p++)
                new Span<float>(packed + (nint)p * width + cols, padTo - cols).Clear();
    }

    /// <summary>
    /// dst (cols × rows) = srcᵀ for src rows × cols, both row-major: 8 × 8 blocks in AVX registers, the edges element by
    /// element. The blocks are visited so that the eight rows a block reads or writes across are those of the narrower
    /// matrix: along dst's rows (loads stepping down src, `cols` apart) when rows ≥ cols, else along src's rows (stores
    /// stepping down dst, `rows` apart). Walking the other way, eight rows a long row apart fall into few L1 sets
    /// (256 × 64: 4.1–4.4 → 1.7–2.1 µs; 256 × 256: 14–28 → 11.5 µs on a Zen 4 core).
    /// </summary>
    internal static void Transpose(float* src, int rows, int cols, float* dst)
    {
        int r8 = 0, c8 = 0;
        if (Avx.IsSupported)
        {
            (r8, c8) = (rows - rows % 8, cols - cols % 8);
            if (rows >= cols)
            {
                for (int j = 0; j < c8; j += 8)
                    for (int i = 0; i < r8; i += 8)
                        Transpose8x8(src + (nint)i * cols + j, cols, dst + (nint)j * rows + i, rows);
            }
            else
            {
                for (int i = 0; i < r8; i += 8)
                    for (int j = 0; j < c8; j += 8)
                        Transpose8x8(src + (nint)i * cols + j, cols, dst + (nint)j * rows + i, rows);
            }
        }
        for (int i = 0; i < rows; i++)
            for (int j = i < r8 ? c8 : 0; j < cols; j++)
                dst[(nint)j * rows + i] = src[(nint)i * cols + j];
    }

    /// <summary>dst[p·ldd + r] = src[r·lds + p] for r, p &lt; 8: one 8 × 8 block transposed in AVX registers.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Transpose8x8(float* src, nint lds, float* dst, nint ldd)
    {
        Vector256<float> r0 = Avx.LoadVector256(src), r1 = Avx.LoadVector256(src + lds), r2 = Avx.LoadVector256(src + 2 * lds),
            r3 = Avx.LoadVector256(src + 3 * lds), r4 = Avx.LoadVector256(src + 4 * lds), r5 = Avx.LoadVector256(src + 5 * lds),
            r6 = Avx.LoadVector256(src + 6 * lds), r7 = Avx.LoadVector256(src + 7 * lds);
        Vector256<float> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1), t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3);
        Vector256<float> t4 = Avx.UnpackLow(r4, r5), t5 = Avx.UnpackHigh(r4, r5), t6 = Avx.UnpackLow(r6, r7), t7 = Avx.UnpackHigh(r6, r7);
        Vector256<float> u0 = Avx.Shuffle(t0, t2, 0x44), u1 = Avx.Shuffle(t0, t2, 0xEE), u2 = Avx.Shuffle(t1, t3, 0x44), u3 = Avx.Shuffle(t1, t3, 0xEE);
        Vector256<float> u4 = Avx.Shuffle(t4, t6, 0x44), u5 = Avx.Shuffle(t4, t6, 0xEE), u6 = Avx.Shuffle(t5, t7, 0x44), u7 = Avx.Shuffle(t5, t7, 0xEE);
        Avx.Store(dst, Avx.Permute2x128(u0, u4, 0x20));
        Avx.Store(dst + ldd, Avx.Permute2x128(u1, u5, 0x20));
        Avx.Store(dst + 2 * ldd, Avx.Permute2x128(u2, u6, 0x20));
        Avx.Store(dst + 3 * ldd, Avx.Permute2x128(u3, u7, 0x20));
        Avx.Store(dst + 4 * ldd, Avx.Permute2x128(u0, u4, 0x31));
        Avx.Store(dst + 5 * ldd, Avx.Permute2x128(u1, u5, 0x31));
        Avx.Store(dst + 6 * ldd, Avx.Permute2x128(u2, u6, 0x31));
        Avx.Store(dst + 7 * ldd, Avx.Permute2x128(u3, u7, 0x31));
    }

    /// <summary>
    /// A thread-local scratch of at least <paramref name="length"/> floats starting on a 64-byte boundary (a pinned
    /// array, so the address is stable): vector loads from the packed panel never straddle two cache lines, whatever
    /// alignment the allocator gave.
    /// </summary>
    private static float* Aligned(ref float[]? field, int length)
    {
        float[]? buffer = field;
        if (buffer is null || buffer.Length < length + 16)
            field = buffer = GC.AllocateArray<float>(Math.Max(length + 16, 2 * (buffer?.Length ?? 0)), pinned: true);
        nint address = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(buffer));
        return (float*)((address + 63) & ~(nint)63);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Tile8(float* a, nint rowStride, nint depthStride, float* b, nint ldb, int k, float* c, nint ldc, bool twoVectors, bool accumulate)
    {
        if (twoVectors) Tile(8, 2, a, rowStride, depthStride, b, ldb, k, c, ldc, accumulate);
        else Tile(8, 1, a, rowStride, depthStride, b, ldb, k, c, ldc, accumulate);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Tile6(float* a, nint rowStride, nint depthStride, float* b, nint ldb, int k, float* c, nint ldc, bool twoVectors, bool accumulate)
    {
        if (twoVectors) Tile(6, 2, a, rowStride, depthStride, b, ldb, k, c, ldc, accumulate);
        else Tile(6, 1, a, rowStride, depthStride, b, ldb, k, c, ldc, accumulate);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Tile4(float* a, nint rowStride, nint depthStride, float* b, nint ldb, int k, float* c, nint ldc, bool twoVectors, bool accumulate)
    {
        if (twoVectors) Tile(4, 2, a, rowStride, depthStride, b, ldb, k, c, ldc, accumulate);
        else Tile(4, 1, a, rowStride, depthStride, b, ldb, k, c, ldc, accumulate);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Tile2(float* a, nint rowStride, nint depthStride, float* b, nint ldb, int k, float* c, nint ldc, bool twoVectors, bool accumulate)
    {
        if (twoVectors) Tile(2, 2, a, rowStride, depthStride, b, ldb, k, c, ldc, accumulate);
        else Tile(2, 1, a, rowStride, depthStride, b, ldb, k, c, ldc, accumulate);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Tile1(float* a, nint rowStride, nint depthStride, float* b, nint ldb, int k, float* c, nint ldc, bool twoVectors, bool accumulate)
    {
        if (twoVectors) Tile(1, 2, a, rowStride, depthStride, b, ldb, k, c, ldc, accumulate);
        else Tile(1, 1, a, rowStride, depthStride, b, ldb, k, c, ldc, accumulate);
    }

    /// <summary>
    /// The register tile: C[0..rows, 0..vectors·V) (+)= Σ_p op(A)[r, p] · B[p, 0..vectors·V). <paramref name="rows"/>
    /// ∈ {1, 2, 4, 6, 8} and <paramref name="vectors"/> ∈ {1, 2} are constants at every call site, so the JIT
    /// keeps only the accumulators in use.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Tile(int rows, int vectors, float* a, nint rowStride, nint depthStride, float* b, nint ldb, int k,
        float* c, nint ldc, bool accumulate)
    {
        TV c00 = TV.Zero, c01 = TV.Zero, c10 = TV.Zero, c11 = TV.Zero, c20 = TV.Zero, c21 = TV.Zero, c30 = TV.Zero, c31 = TV.Zero;
        TV c40 = TV.Zero, c41 = TV.Zero, c50 = TV.Zero, c51 = TV.Zero, c60 = TV.Zero, c61 = TV.Zero, c70 = TV.Zero, c71 = TV.Zero;
        int v = TV.Count;
        float* a0 = a, a1 = a + rowStride, a2 = a + 2 * rowStride, a3 = a + 3 * rowStride;
        float* a4 = a + 4 * rowStride, a5 = a + 5 * rowStride, a6 = a + 6 * rowStride, a7 = a + 7 * rowStride;
        nint offset = 0;
        for (int p = 0; p < k; p++, offset += depthStride, b += ldb)
        {
            TV b0 = TV.Load(b);
            TV b1 = vectors == 2 ? TV.Load(b + v) : TV.Zero;
            TV x = TV.Broadcast(a0[offset]);
            c00 = TV.MultiplyAdd(x, b0, c00);
            if (vectors == 2) c01 = TV.MultiplyAdd(x, b1, c01);
            if (rows >= 2)
            {
                x = TV.Broadcast(a1[offset]);
                c10 = TV.MultiplyAdd(x, b0, c10);
                if (vectors == 2) c11 = TV.MultiplyAdd(x, b1, c11);
            }
            if (rows >= 4)
            {
                x = TV.Broadcast(a2[offset]);
                c20 = TV.MultiplyAdd(x, b0, c20);
                if (vectors == 2) c21 = TV.MultiplyAdd(x, b1, c21);
                x = TV.Broadcast(a3[offset]);
                c30 = TV.MultiplyAdd(x, b0, c30);
                if (vectors == 2) c31 = TV.MultiplyAdd(x, b1, c31);
            }
            if (rows >= 6)
            {
                x = TV.Broadcast(a4[offset]);
                c40 = TV.MultiplyAdd(x, b0, c40);
                if (vectors == 2) c41 = TV.MultiplyAdd(x, b1, c41);
                x = TV.Broadcast(a5[offset]);
                c50 = TV.MultiplyAdd(x, b0, c50);
                if (vectors == 2) c51 = TV.MultiplyAdd(x, b1, c51);
            }
            if (rows >= 8)
            {
                x = TV.Broadcast(a6[offset]);
                c60 = TV.MultiplyAdd(x, b0, c60);
                if (vectors == 2) c61 = TV.MultiplyAdd(x, b1, c61);
                x = TV.Broadcast(a7[offset]);
                c70 = TV.MultiplyAdd(x, b0, c70);
                if (vectors == 2) c71 = TV.MultiplyAdd(x, b1, c71);
            }
        }

        StoreRow(c, c00, c01, vectors, accumulate);
        if (rows >= 2) StoreRow(c + ldc, c10, c11, vectors, accumulate);
        if (rows >= 4)
        {
            StoreRow(c + 2 * ldc, c20, c21, vectors, accumulate);
            StoreRow(c + 3 * ldc, c30, c31, vectors, accumulate);
        }
        if (rows >= 6)
        {
            StoreRow(c + 4 * ldc, c40, c41, vectors, accumulate);
            StoreRow(c + 5 * ldc, c50, c51, vectors, accumulate);
        }
        if (rows >= 8)
        {
            StoreRow(c + 6 * ldc, c60, c61, vectors, accumulate);
            StoreRow(c + 7 * ldc, c70, c71, vectors, accumulate);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRow(float* c, TV s0, TV s1, int vectors, bool accumulate)
    {
        if (accumulate) s0 = TV.Add(TV.Load(c), s0);
        TV.Store(s0, c);
        if (vectors == 2)
        {
            if (accumulate) s1 = TV.Add(TV.Load(c + TV.Count), s1);
            TV.Store(s1, c + TV.Count);
        }
    }

    /// <summary>
    /// m = 1, op(B) = B: c[j] (+)= Σ_p a[p] · B[p, j] with the same per-element chain as the tiles,
    /// vectorised across j with sixteen (with 32 vector registers), eight, then four, then one independent accumulators
    /// so the FMA latency is hidden.
    /// </summary>
    private static void RowTimesMatrix(float* a, float* b, float* c, int n, int k, bool accumulate)
    {
        int v = TV.Count, j = 0;
        if (TileRows == 8)
        {
            // 32 vector registers: sixteen chains cover a whole 16V-wide row of B (1 KB with AVX-512), so B is
            // streamed once, row after row, instead of in 8V-wide column strips.
            for (; j + 16 * v <= n; j += 16 * v) RowStrip(16, a, b + j, c + j, n, k, accumulate);
        }
        // Eight independent chains: enough to cover the FMA latency at two FMAs per cycle.
        for (; j + 8 * v <= n; j += 8 * v) RowStrip(8, a, b + j, c + j, n, k, accumulate);
        for (; j + 4 * v <= n; j += 4 * v) RowStrip(4, a, b + j, c + j, n, k, accumulate);
        for (; j + v <= n; j += v) RowStrip(1, a, b + j, c + j, n, k, accumulate);
        for (; j < n; j++)
        {
            float s = 0;
            for (int p = 0; p < k; p++) s = float.MultiplyAddEstimate(a[p], b[(nint)p * n + j], s);
            c[j] = accumulate ? c[j] + s : s;
        }
    }

    /// <summary>
    /// c[0..vectors·V) (+)= Σ_p a[p] · B[p, 0..vectors·V) with one accumulator per vector, each the chain over
    /// p = 0..k−1. <paramref name="vectors"/> ∈ {1, 4, 8, 16} is a constant at every call site, so the JIT keeps only the
    /// accumulators in use (16 only where there are 32 vector registers).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void RowStrip(int vectors, float* a, float* bp, float* c, int n, int k, bool accumulate)
    {
        int v = TV.Count;
        TV s0 = TV.Zero, s1 = TV.Zero, s2 = TV.Zero, s3 = TV.Zero, s4 = TV.Zero, s5 = TV.Zero, s6 = TV.Zero, s7 = TV.Zero;
        TV s8 = TV.Zero, s9 = TV.Zero, s10 = TV.Zero, s11 = TV.Zero, s12 = TV.Zero, s13 = TV.Zero, s14 = TV.Zero, s15 = TV.Zero;
        for (int p = 0; p < k; p++, bp += n)
        {
            TV x = TV.Broadcast(a[p]);
            s0 = TV.MultiplyAdd(x, TV.Load(bp), s0);
            if (vectors >= 4)
            {
                s1 = TV.MultiplyAdd(x, TV.Load(bp + v), s1);
                s2 = TV.MultiplyAdd(x, TV.Load(bp + 2 * v), s2);
                s3 = TV.MultiplyAdd(x, TV.Load(bp + 3 * v), s3);
            }
            if (vectors >= 8)
            {
                s4 = TV.MultiplyAdd(x, TV.Load(bp + 4 * v), s4);
                s5 = TV.MultiplyAdd(x, TV.Load(bp + 5 * v), s5);
                s6 = TV.MultiplyAdd(x, TV.Load(bp + 6 * v), s6);
                s7 = TV.MultiplyAdd(x, TV.Load(bp + 7 * v), s7);
            }
            if (vectors >= 16)
            {
                s8 = TV.MultiplyAdd(x, TV.Load(bp + 8 * v), s8);
                s9 = TV.MultiplyAdd(x, TV.Load(bp + 9 * v), s9);
                s10 = TV.MultiplyAdd(x, TV.Load(bp + 10 * v), s10);
                s11 = TV.MultiplyAdd(x, TV.Load(bp + 11 * v), s11);
                s12 = TV.MultiplyAdd(x, TV.Load(bp + 12 * v), s12);
                s13 = TV.MultiplyAdd(x, TV.Load(bp + 13 * v), s13);
                s14 = TV.MultiplyAdd(x, TV.Load(bp + 14 * v), s14);
                s15 = TV.MultiplyAdd(x, TV.Load(bp + 15 * v), s15);
            }
        }
        if (vectors == 1)
        {
            StoreRow(c, s0, TV.Zero, 1, accumulate);
            return;
        }
        StoreRow(c, s0, s1, 2, accumulate);
        StoreRow(c + 2 * v, s2, s3, 2, accumulate);
        if (vectors >= 8)
        {
            StoreRow(c + 4 * v, s4, s5, 2, accumulate);
            StoreRow(c + 6 * v, s6, s7, 2, accumulate);
        }
        if (vectors >= 16)
        {
            StoreRow(c + 8 * v, s8, s9, 2, accumulate);
            StoreRow(c + 10 * v, s10, s11, 2, accumulate);
            StoreRow(c + 12 * v, s12, s13, 2, accumulate);
            StoreRow(c + 14 * v, s14, s15, 2, accumulate);
        }
    }

    /// <summary>
    /// C[i, j] (+)= A[i, :] · Bᵀ[j, :] for A stored m × k (or m = 1): dot products of contiguous rows. With
    /// op(B) = B, Bᵀ is first packed (n × k) into the thread-local scratch.
    /// </summary>
    private static void RowsDotRows(float* a, float* b, float* c, int m, int n, int k, bool transposeB, bool accumulate)
    {
        if (transposeB)
        {
            DotRows(a, b, c, m, n, k, accumulate);
            return;
        }
        float* bT = Aligned(ref t_panel, n * k);
        {
            for (int p = 0; p < k; p++)
                for (int j = 0; j < n; j++)
                    bT[(nint)j * k + p] = b[(nint)p * n + j];
            DotRows(a, bT, c, m, n, k, accumulate);
        }
    }

    /// <summary>C[i, j] (+)= A[i, :] · B[j, :] for A m × k and B n × k: two rows of A at a time, then the odd one.</summary>
    private static void DotRows(float* a, float* b, float* c, int m, int n, int k, bool accumulate)
    {
        int i = 0;
        for (; i + 2 <= m; i += 2)
            TwoRowsDotRows(a + (nint)i * k, b, c + (nint)i * n, n, k, accumulate);
        if (i < m) RowDotRows(a + (nint)i * k, b, c + (nint)i * n, n, k, accumulate);
    }

    /// <summary>
    /// <see cref="RowDotRows"/> for rows a and a + k at once (c and c + n): each B vector loaded once feeds two dot
    /// products, 2 × 4 accumulators. Every dot is summed exactly as in <see cref="RowDotRows"/>.
    /// </summary>
    private static void TwoRowsDotRows(float* a, float* b, float* c, int n, int k, bool accumulate)
    {
        int v = TV.Count, j = 0;
        int kv = k - k % v;
        float* a1 = a + k;
        float* c1 = c + n;
        for (; j + 4 <= n; j += 4)
        {
            float* b0 = b + (nint)j * k, b1 = b0 + k, b2 = b1 + k, b3 = b2 + k;
            TV s00 = TV.Zero, s01 = TV.Zero, s02 = TV.Zero, s03 = TV.Zero, s10 = TV.Zero, s11 = TV.Zero, s12 = TV.Zero, s13 = TV.Zero;
            for (int p = 0; p < kv; p += v)
            {
                TV x0 = TV.Load(a + p), x1 = TV.Load(a1 + p), y = TV.Load(b0 + p);
                s00 = TV.MultiplyAdd(x0, y, s00);
                s10 = TV.MultiplyAdd(x1, y, s10);
                y = TV.Load(b1 + p);
                s01 = TV.MultiplyAdd(x0, y, s01);
                s11 = TV.MultiplyAdd(x1, y, s11);
                y = TV.Load(b2 + p);
                s02 = TV.MultiplyAdd(x0, y, s02);
                s12 = TV.MultiplyAdd(x1, y, s12);
                y = TV.Load(b3 + p);
                s03 = TV.MultiplyAdd(x0, y, s03);
                s13 = TV.MultiplyAdd(x1, y, s13);
            }
            c[j] = FinishDot(s00, a, b0, kv, k, c[j], accumulate);
            c[j + 1] = FinishDot(s01, a, b1, kv, k, c[j + 1], accumulate);
            c[j + 2] = FinishDot(s02, a, b2, kv, k, c[j + 2], accumulate);
            c[j + 3] = FinishDot(s03, a, b3, kv, k, c[j + 3], accumulate);
            c1[j] = FinishDot(s10, a1, b0, kv, k, c1[j], accumulate);
            c1[j + 1] = FinishDot(s11, a1, b1, kv, k, c1[j + 1], accumulate);
            c1[j + 2] = FinishDot(s12, a1, b2, kv, k, c1[j + 2], accumulate);
            c1[j + 3] = FinishDot(s13, a1, b3, kv, k, c1[j + 3], accumulate);
        }
        for (; j < n; j++)
        {
            float* bj = b + (nint)j * k;
            TV s0 = TV.Zero, s1 = TV.Zero;
            for (int p = 0; p < kv; p += v)
            {
                TV y = TV.Load(bj + p);
                s0 = TV.MultiplyAdd(TV.Load(a + p), y, s0);
                s1 = TV.MultiplyAdd(TV.Load(a1 + p), y, s1);
            }
            c[j] = FinishDot(s0, a, bj, kv, k, c[j], accumulate);
            c1[j] = FinishDot(s1, a1, bj, kv, k, c1[j], accumulate);
        }
    }

    /// <summary>The end of one dot product: the lane sum of <paramref name="lanes"/> (zero when k &lt; V), then the
    /// p = kv..k−1 tail in order, then + old C when accumulating.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float FinishDot(TV lanes, float* a, float* b, int kv, int k, float old, bool accumulate)
    {
        float d = kv > 0 ? TV.Sum(lanes) : 0f;
        for (int p = kv; p < k; p++) d = float.MultiplyAddEstimate(a[p], b[p], d);
        return accumulate ? old + d : d;
    }

    /// <summary>
    /// c[j] (+)= a · B[j, :] for B stored n × k, four rows of B at a time. Each dot keeps V lane-wise chains over
    /// p ≡ lane (mod V), sums the lanes (<see cref="ISimdFloat{TSelf}.Sum"/>), then adds the k mod V tail in order.
    /// </summary>
    private static void RowDotRows(float* a, float* b, float* c, int n, int k, bool accumulate)
    {
        int v = TV.Count, j = 0;
        int kv = k - k % v;
        for (; j + 4 <= n; j += 4)
        {
            float* b0 = b + (nint)j * k, b1 = b0 + k, b2 = b1 + k, b3 = b2 + k;
            float d0 = 0, d1 = 0, d2 = 0, d3 = 0;
            if (kv > 0)
            {
                TV s0 = TV.Zero, s1 = TV.Zero, s2 = TV.Zero, s3 = TV.Zero;
                for (int p = 0; p < kv; p += v)
                {
                    TV x = TV.Load(a + p);
                    s0 = TV.MultiplyAdd(x, TV.Load(b0 + p), s0);
                    s1 = TV.MultiplyAdd(x, TV.Load(b1 + p), s1);
                    s2 = TV.MultiplyAdd(x, TV.Load(b2 + p), s2);
                    s3 = TV.MultiplyAdd(x, TV.Load(b3 + p), s3);
                }
                d0 = TV.Sum(s0);
                d1 = TV.Sum(s1);
                d2 = TV.Sum(s2);
                d3 = TV.Sum(s3);
            }
            for (int p = kv; p < k; p++)
            {
                d0 = float.MultiplyAddEstimate(a[p], b0[p], d0);
                d1 = float.MultiplyAddEstimate(a[p], b1[p], d1);
                d2 = float.MultiplyAddEstimate(a[p], b2[p], d2);
                d3 = float.MultiplyAddEstimate(a[p], b3[p], d3);
            }
            if (accumulate)
            {
                d0 += c[j];
                d1 += c[j + 1];
                d2 += c[j + 2];
                d3 += c[j + 3];
            }
            c[j] = d0;
            c[j + 1] = d1;
            c[j + 2] = d2;
            c[j + 3] = d3;
        }
        for (; j + 2 <= n; j += 2)
        {
            float* b0 = b + (nint)j * k, b1 = b0 + k;
            float d0 = 0, d1 = 0;
            if (kv > 0)
            {
                TV s0 = TV.Zero, s1 = TV.Zero;
                for (int p = 0; p < kv; p += v)
                {
                    TV x = TV.Load(a + p);
                    s0 = TV.MultiplyAdd(x, TV.Load(b0 + p), s0);
                    s1 = TV.MultiplyAdd(x, TV.Load(b1 + p), s1);
                }
                d0 = TV.Sum(s0);
                d1 = TV.Sum(s1);
            }
            for (int p = kv; p < k; p++)
            {
                d0 = float.MultiplyAddEstimate(a[p], b0[p], d0);
                d1 = float.MultiplyAddEstimate(a[p], b1[p], d1);
            }
            c[j] = accumulate ? c[j] + d0 : d0;
            c[j + 1] = accumulate ? c[j + 1] + d1 : d1;
        }
        if (j < n)
        {
            float* bj = b + (nint)j * k;
            float d = 0;
            if (kv > 0)
            {
                TV s = TV.Zero;
                for (int p = 0; p < kv; p += v) s = TV.MultiplyAdd(TV.Load(a + p), TV.Load(bj + p), s);
                d = TV.Sum(s);
            }
            for (int p = kv; p < k; p++) d = float.MultiplyAddEstimate(a[p], bj[p], d);
            c[j] = accumulate ? c[j] + d : d;
        }
    }
}
