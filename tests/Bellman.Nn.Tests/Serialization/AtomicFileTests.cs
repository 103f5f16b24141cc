using Bellman.Nn.Serialization;
using Xunit;

namespace Bellman.Nn.Tests.Serialization;

public sealed class AtomicFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("bellman-atomic-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void ReplacesTheTargetAndLeavesNoTemporaryFile()
    {
        string path = Path.Combine(_dir, "sub", "f.bin");
        AtomicFile.WriteAllBytes(path, [1, 2, 3]);
        AtomicFile.WriteAllBytes(path, [4, 5]);
        Assert.Equal([4, 5], File.ReadAllBytes(path));
        Assert.Equal(["f.bin"], Directory.GetFiles(Path.Combine(_dir, "sub")).Select(Path.GetFileName));
    }

    [Fact]
    public void AFailedWriteLeavesTheOldContentAndNoTemporaryFile()
    {
        string path = Path.Combine(_dir, "f.bin");
        AtomicFile.WriteAllBytes(path, [1, 2, 3]);
        var e = Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, s =>
        {
            s.Write(new byte[10_000]); // half-written...
            throw new InvalidOperationException("disk full");
        }));
        Assert.Equal("disk full", e.Message);
        Assert.Equal([1, 2, 3], File.ReadAllBytes(path));
        Assert.Equal(["f.bin"], Directory.GetFiles(_dir).Select(Path.GetFileName));
    }

    [Fact]
    public void TheTargetIsNeverSeenHalfWritten()
    {
        // While the content is being written the target still holds the previous complete file.
        string path = Path.Combine(_dir, "f.bin");
        AtomicFile.WriteAllBytes(path, [9]);
        AtomicFile.Write(path, s =>
        {
            s.Write(new byte[4096]);
            s.Flush();
            Assert.Equal([9], File.ReadAllBytes(path));
            s.Write(new byte[4096]);
        });
        Assert.Equal(8192, new FileInfo(path).Length);
    }
}
