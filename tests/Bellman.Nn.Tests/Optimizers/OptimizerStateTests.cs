using Xunit;
using Bellman.Nn.Optimizers;
using Bellman.Nn.Serialization;
using static Bellman.Nn.Tests.Optimizers.TestParams;

namespace Bellman.Nn.Tests.Optimizers;

public class OptimizerStateTests
{
    public static TheoryData<string> Kinds => new() { "sgd", "nesterov", "adam", "amsgrad", "adamw", "rmsprop", "rmsprop-centered-momentum", "rmsprop-tf-like" };

    private static Optimizer Create(string kind, IReadOnlyList<Parameter> ps) => kind switch
    {
        "sgd" => new Sgd(ps, 0.05, momentum: 0.9, dampening: 0.1, weightDecay: 0.01),
        "nesterov" => new Sgd(ps, 0.05, momentum: 0.9, nesterov: true),
        "adam" => new Adam(ps, 0.01, weightDecay: 0.01),
        "amsgrad" => new Adam(ps, 0.01, amsGrad: true),
        "adamw" => new AdamW(ps, 0.01),
        "rmsprop" => new RmsProp(ps, 0.01),
        "rmsprop-centered-momentum" => new RmsProp(ps, 0.01, momentum: 0.9, centered: true, weightDecay: 0.01),
        "rmsprop-tf-like" => new RmsProp(ps, 7e-4, eps: 1e-5, tfLike: true),
        _ => throw new ArgumentException(kind),
    };

    private static Parameter[] Model(int seed)
    {
        var w = new Parameter("0.weight", 3, 5);
        var b = new Parameter("0.bias", 3);
        RandomArray(seed, 15).CopyTo(w.Data, 0);
        RandomArray(seed + 1, 3).CopyTo(b.Data, 0);
        return [w, b];
    }

    private static void Steps(Optimizer opt, int from, int count)
    {
        for (int s = from; s < from + count; s++)
        {
            foreach (var p in opt.Parameters) RandomArray(100 + s * 7 + p.Size, p.Size).CopyTo(p.Grad, 0);
            opt.Step();
        }
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void StateDictRoundTripGivesIdenticalSubsequentSteps(string kind)
    {
        var modelA = Model(1);
        var a = Create(kind, modelA);
        Steps(a, 0, 3);
        a.LearningRate *= 0.5; // a schedule moved it; the state carries it
        OptimizerState state = a.StateDict();

        var modelB = Model(1);
        for (int i = 0; i < modelA.Length; i++) modelA[i].Data.CopyTo(modelB[i].Data, 0);
        var b = Create(kind, modelB);
        b.LoadStateDict(state);
        Assert.Equal(a.StepCount, b.StepCount);
        Assert.Equal(a.LearningRate, b.LearningRate);

        Steps(a, 3, 2);
        Steps(b, 3, 2);
        for (int i = 0; i < modelA.Length; i++) Assert.Equal(modelA[i].Data, modelB[i].Data);
        Assert.Equal(Names(a.StateDict()), Names(b.StateDict()));
    }

    [Fact]
    public void StateDictNamesBuffersByKindAndParameter()
    {
        var ps = Model(1);
        var s = new Adam(ps, amsGrad: true).StateDict();
        Assert.Equal(["exp_avg.0.weight", "exp_avg.0.bias", "exp_avg_sq.0.weight", "exp_avg_sq.0.bias", "max_exp_avg_sq.0.weight", "max_exp_avg_sq.0.bias"], Names(s));
        Assert.Equal([3, 5], s.Buffers[0].Shape);
        Assert.Equal("Adam", s.Scalars.Algorithm);
        Assert.Equal(0.9, s.Scalars.Hyperparameters["beta1"]);
        Assert.Empty(new Sgd(ps, 0.1).StateDict().Buffers);
    }

    [Fact]
    public void StateDictIsASnapshot()
    {
        var ps = Model(1);
        var opt = new Adam(ps);
        var s = opt.StateDict();
        Steps(opt, 0, 1);
        Assert.All(s.Buffers, t => Assert.All(t.Data, x => Assert.Equal(0f, x)));
    }

    [Fact]
    public void MismatchesAreReportedByName()
    {
        var a = new Adam(Model(1));
        Steps(a, 0, 1);
        var good = a.StateDict();

        string Fail(Optimizer target, OptimizerState s) => Assert.Throws<ArgumentException>(() => target.LoadStateDict(s)).Message;

        Assert.Contains("'Adam'", Fail(new Sgd(Model(1), 0.1), good));
        Assert.Contains("hyperparameter 'beta1': state has 0.9, optimizer has 0.8", Fail(new Adam(Model(1), beta1: 0.8), good));

        var missing = good with { Buffers = good.Buffers.Where(t => t.Name != "exp_avg.0.bias").ToArray() };
        Assert.Contains("buffer 'exp_avg.0.bias' is missing", Fail(new Adam(Model(1)), missing));

        var extra = good with { Buffers = [.. good.Buffers, new NamedTensor("exp_avg.1.weight", [2], new float[2])] };
        Assert.Contains("unexpected buffer 'exp_avg.1.weight'", Fail(new Adam(Model(1)), extra));

        var reshaped = good with { Buffers = good.Buffers.Select(t => t.Name == "exp_avg_sq.0.weight" ? t with { Shape = [5, 3] } : t).ToArray() };
        Assert.Contains("buffer 'exp_avg_sq.0.weight': state has shape [5, 3]", Fail(new Adam(Model(1)), reshaped));

        var renamed = new Adam([new Parameter("0.weight", 3, 5), new Parameter("1.bias", 3)]);
        string msg = Fail(renamed, good);
        Assert.Contains("step count of parameter '1.bias' is missing", msg);
        Assert.Contains("step count for unknown parameter '0.bias'", msg);

        // Nothing changed after a failed load.
        var target = new Adam(Model(1));
        Fail(target, missing);
        Assert.Equal(0, target.StepCount);
        Assert.All(target.StateDict().Buffers, t => Assert.All(t.Data, x => Assert.Equal(0f, x)));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void StepAllocatesNothing(string kind)
    {
        var ps = Model(1);
        var opt = Create(kind, ps);
        opt.Step(); // JIT and first-touch
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10; i++) opt.Step();
        long after = GC.GetAllocatedBytesForCurrentThread();
        Assert.Equal(0, after - before);
    }

    private static string[] Names(OptimizerState s) => s.Buffers.Select(t => t.Name).ToArray();
}
