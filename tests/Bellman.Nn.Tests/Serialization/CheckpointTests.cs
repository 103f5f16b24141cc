using System.Text.Json;
using Bellman.Nn.Optimizers;
using Bellman.Nn.Serialization;
using Xunit;

namespace Bellman.Nn.Tests.Serialization;

public sealed class CheckpointTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("bellman-ckpt-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private sealed record RunInfo(string Algorithm, long Steps, double[] Returns);

    private static Parameter[] Model(int inputs = 4, int seed = 1)
    {
        var w = new Parameter("0.weight", 3, inputs);
        var b = new Parameter("0.bias", 3);
        var rng = new Random(seed);
        for (int i = 0; i < w.Size; i++) w.Data[i] = (float)rng.NextDouble();
        for (int i = 0; i < b.Size; i++) b.Data[i] = (float)rng.NextDouble();
        return [w, b];
    }

    private static void Train(Optimizer opt, int steps, int seed)
    {
        var rng = new Random(seed);
        for (int s = 0; s < steps; s++)
        {
            foreach (var p in opt.Parameters)
                for (int i = 0; i < p.Size; i++) p.Grad[i] = (float)(rng.NextDouble() - 0.5);
            opt.Step();
        }
    }

    [Fact]
    public void SaveThenLoadRestoresWeightsOptimizerAndMetadata()
    {
        var model = Model();
        var adam = new Adam(model, 1e-2, amsGrad: true);
        Train(adam, 3, seed: 7);
        string prefix = Path.Combine(_dir, "runs", "final");
        var paths = Checkpoint.Save(prefix, model, adam, new RunInfo("dqn", 3, [1.5, 2.5]));
        Assert.Equal(prefix + ".safetensors", paths.Tensors);
        Assert.Equal(prefix + ".json", paths.Json);

        var restored = Model(seed: 99);
        var adam2 = new Adam(restored, 1e-2, amsGrad: true);
        CheckpointInfo info = Checkpoint.Load(prefix, restored, adam2);
        for (int i = 0; i < model.Length; i++) Assert.Equal(model[i].Data, restored[i].Data);
        Assert.Equal(3, adam2.StepCount);
        Assert.Equal(new RunInfo("dqn", 3, [1.5, 2.5]).Returns, info.MetadataAs<RunInfo>()!.Returns);
        Assert.Equal("dqn", info.Metadata.GetProperty("Algorithm").GetString());
        Assert.Equal("Adam", info.Optimizer!.Algorithm);

        // Identical subsequent training.
        Train(adam, 2, seed: 8);
        Train(adam2, 2, seed: 8);
        for (int i = 0; i < model.Length; i++) Assert.Equal(model[i].Data, restored[i].Data);
        Assert.Equal(["final.json", "final.safetensors"], Directory.GetFiles(Path.Combine(_dir, "runs")).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void TheTensorsFileIsPlainSafetensorsWithOptimizerBuffersPrefixed()
    {
        var model = Model();
        var opt = new Sgd(model, 0.1, momentum: 0.9);
        Train(opt, 1, seed: 1);
        var paths = Checkpoint.Save(Path.Combine(_dir, "m"), model, opt);
        var file = SafeTensors.Read(paths.Tensors);
        Assert.Equal(["0.weight", "0.bias", "optimizer.momentum_buffer.0.weight", "optimizer.momentum_buffer.0.bias"], file.Tensors.Select(t => t.Name));
        Assert.Equal("pt", file.Metadata["format"]);
        using var json = JsonDocument.Parse(File.ReadAllBytes(paths.Json));
        Assert.Equal("bellman-checkpoint", json.RootElement.GetProperty("format").GetString());
        Assert.Equal(4, json.RootElement.GetProperty("parameters").GetProperty("0.weight")[1].GetInt32());
        Assert.Equal(1, json.RootElement.GetProperty("optimizer").GetProperty("StepCount").GetInt64());
    }

    [Fact]
    public void WeightsOnlyCheckpointsAndWeightsOnlyLoads()
    {
        var model = Model();
        Checkpoint.Save(Path.Combine(_dir, "w"), model);
        var restored = Model(seed: 5);
        var info = Checkpoint.Load(Path.Combine(_dir, "w.safetensors"), restored);
        Assert.Equal(model[0].Data, restored[0].Data);
        Assert.Null(info.Optimizer);
        Assert.Equal(JsonValueKind.Null, info.Metadata.ValueKind);

        var e = Assert.Throws<CheckpointMismatchException>(() => Checkpoint.Load(Path.Combine(_dir, "w"), Model(), new Adam(Model())));
        Assert.Contains("no optimizer state", e.Message);

        // A checkpoint with optimizer state loads into a model alone.
        var adam = new Adam(model);
        Checkpoint.Save(Path.Combine(_dir, "full"), model, adam);
        Checkpoint.Load(Path.Combine(_dir, "full"), Model(seed: 3));
    }

    [Fact]
    public void ShapeMismatchNamesTheParameterAndBothShapes()
    {
        Checkpoint.Save(Path.Combine(_dir, "c"), Model(inputs: 4));
        var wider = Model(inputs: 8);
        float[] before = (float[])wider[1].Data.Clone();
        var e = Assert.Throws<CheckpointMismatchException>(() => Checkpoint.Load(Path.Combine(_dir, "c"), wider));
        Assert.Contains("0.weight: checkpoint has [3, 4], model has [3, 8]", e.Message);
        Assert.Equal(before, wider[1].Data); // nothing loaded, not even the matching bias
    }

    [Fact]
    public void MissingAndUnexpectedParametersAreListed()
    {
        var model = Model();
        Checkpoint.Save(Path.Combine(_dir, "c"), model);
        var other = new[] { new Parameter("0.weight", 3, 4), new Parameter("1.bias", 2) };
        var e = Assert.Throws<CheckpointMismatchException>(() => Checkpoint.Load(Path.Combine(_dir, "c"), other));
        Assert.Contains("1.bias: missing from the checkpoint (model has [2])", e.Message);
        Assert.Contains("0.bias: in the checkpoint ([3]) but not in the model", e.Message);
    }

    [Fact]
    public void OptimizerMismatchIsReportedAndChangesNothing()
    {
        var model = Model();
        var adam = new Adam(model);
        Train(adam, 2, seed: 1);
        Checkpoint.Save(Path.Combine(_dir, "c"), model, adam);
        var target = Model(seed: 4);
        float[] before = (float[])target[0].Data.Clone();
        var sgd = new Sgd(target, 0.1, momentum: 0.9);
        var e = Assert.Throws<CheckpointMismatchException>(() => Checkpoint.Load(Path.Combine(_dir, "c"), target, sgd));
        Assert.Contains("'Adam'", e.Message);
        Assert.Equal(before, target[0].Data);
        Assert.Equal(0, sgd.StepCount);
    }

    [Fact]
    public void AMixedPairFromTwoSavesIsDetected()
    {
        var model = Model();
        Checkpoint.Save(Path.Combine(_dir, "a"), model);
        model[0].Data[0] += 1;
        Checkpoint.Save(Path.Combine(_dir, "b"), model);
        File.Copy(Path.Combine(_dir, "b.safetensors"), Path.Combine(_dir, "a.safetensors"), overwrite: true);
        var e = Assert.Throws<InvalidDataException>(() => Checkpoint.Load(Path.Combine(_dir, "a"), Model()));
        Assert.Contains("SHA-256 mismatch", e.Message);
    }

    [Fact]
    public void MalformedSidecarsAreRejected()
    {
        Checkpoint.Save(Path.Combine(_dir, "c"), Model());
        string json = Path.Combine(_dir, "c.json");
        File.WriteAllText(json, "{\"format\": \"something-else\", \"version\": 1}");
        Assert.Contains("format 'something-else'", Assert.Throws<InvalidDataException>(() => Checkpoint.Load(json, Model())).Message);
        File.WriteAllText(json, "{\"format\": \"bellman-checkpoint\", \"version\": 99}");
        Assert.Contains("version 99", Assert.Throws<InvalidDataException>(() => Checkpoint.Load(json, Model())).Message);
        File.WriteAllText(json, "{not json");
        Assert.Contains("not valid JSON", Assert.Throws<InvalidDataException>(() => Checkpoint.Load(json, Model())).Message);
    }

    [Fact]
    public void ReadGivesTheContentsWithoutAModel()
    {
        var model = Model();
        var opt = new RmsProp(model, 1e-3, centered: true);
        Train(opt, 2, seed: 3);
        Checkpoint.Save(Path.Combine(_dir, "c"), model, opt, new Dictionary<string, object> { ["hidden"] = new[] { 64, 64 }, ["env"] = "CartPole-v1" });
        CheckpointFile file = Checkpoint.Read(Path.Combine(_dir, "c"));
        Assert.Equal(["0.weight", "0.bias"], file.Parameters.Select(t => t.Name));
        Assert.Equal(model[1].Data, file.Parameters[1].Data);
        Assert.Equal(["square_avg.0.weight", "square_avg.0.bias", "grad_avg.0.weight", "grad_avg.0.bias"], file.Optimizer!.Buffers.Select(t => t.Name));
        Assert.Equal(2, file.Optimizer.Scalars.ParameterSteps["0.bias"]);
        Assert.Equal([64, 64], file.Metadata.GetProperty("hidden").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal("CartPole-v1", file.MetadataAs<Dictionary<string, JsonElement>>()!["env"].GetString());
    }

    [Fact]
    public void PathsForFoldersAndExtensions()
    {
        Assert.Equal(Path.Combine(_dir, "checkpoint.safetensors"), Checkpoint.PathsFor(_dir).Tensors);
        Assert.Equal("x/m.json", Checkpoint.PathsFor("x/m.safetensors").Json);
        Assert.Equal("x/m.safetensors", Checkpoint.PathsFor("x/m.json").Tensors);
        Assert.Equal("x/m.v2.safetensors", Checkpoint.PathsFor("x/m.v2").Tensors);
    }
}
