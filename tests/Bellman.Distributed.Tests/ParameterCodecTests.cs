using Bellman.Algorithms.Networks;

namespace Bellman.Distributed.Tests;

public class ParameterCodecTests
{
    [Fact]
    public void Bytes_round_trip_into_another_network()
    {
        var spec = new NetworkSpec(PolicyKind.Mlp, [8], [16], 3, 1);
        var a = QNetwork.Create([4], 2, spec, false, new Rng(1));
        var b = QNetwork.Create([4], 2, spec, false, new Rng(2));
        ParameterCodec.Load(b, ParameterCodec.ToBytes(a));
        Assert.Equal(ParameterCodec.ToBytes(a), ParameterCodec.ToBytes(b));
        var wrong = QNetwork.Create([4], 2, new NetworkSpec(PolicyKind.Mlp, [9], [16], 3, 1), false, new Rng(1));
        Assert.Throws<InvalidDataException>(() => ParameterCodec.Load(wrong, ParameterCodec.ToBytes(a)));
    }

    [Fact]
    public void Actor_epsilons_follow_ape_x()
    {
        Assert.Equal(0.4, ApexOptions.ActorEpsilon(0, 8, 0.4, 7), 12);
        Assert.Equal(Math.Pow(0.4, 8), ApexOptions.ActorEpsilon(7, 8, 0.4, 7), 12);
        Assert.Equal(Math.Pow(0.4, 4.5), ApexOptions.ActorEpsilon(1, 3, 0.4, 7), 12);
        Assert.Equal(0.4, ApexOptions.ActorEpsilon(0, 1, 0.4, 7), 12);
    }
}
