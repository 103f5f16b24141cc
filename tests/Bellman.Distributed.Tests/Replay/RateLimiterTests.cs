using Bellman.Distributed.Replay;

namespace Bellman.Distributed.Tests.Replay;

public class RateLimiterTests
{
    [Fact]
    public void Nothing_is_sampled_before_the_minimum_size()
    {
        var limiter = new RateLimiter(minSizeToSample: 100, samplesPerInsert: 0, errorBuffer: 0);
        limiter.Inserted(99);
        Assert.False(limiter.CanSample(1));
        limiter.Inserted(1);
        Assert.True(limiter.CanSample(1_000_000)); // ratio off: any amount once the minimum is there
    }

    [Fact]
    public void The_ratio_holds_the_learner_back_and_then_the_actors()
    {
        // r = 2 samples per insert, m = 10, b = 20: the cursor I·r − S must stay in [0, 40].
        var limiter = new RateLimiter(minSizeToSample: 10, samplesPerInsert: 2, errorBuffer: 20);
        limiter.Inserted(10); // cursor 20
        Assert.True(limiter.CanSample(20)); // → 0, the lower edge
        Assert.False(limiter.CanSample(21));
        limiter.Sampled(20); // cursor 0: the learner has to wait for inserts
        Assert.False(limiter.CanSample(1));
        Assert.True(limiter.CanInsert(20)); // → 40, the upper edge
        Assert.False(limiter.CanInsert(21));
        limiter.Inserted(20); // cursor 40: the actors have to wait for the learner
        Assert.False(limiter.CanInsert(1));
        limiter.Sampled(10);
        Assert.True(limiter.CanInsert(5));
    }

    [Fact]
    public void Inserts_are_never_held_back_before_the_minimum_size()
    {
        var limiter = new RateLimiter(minSizeToSample: 1000, samplesPerInsert: 4, errorBuffer: 64);
        limiter.Inserted(999);
        Assert.True(limiter.CanInsert(64));
    }
}
