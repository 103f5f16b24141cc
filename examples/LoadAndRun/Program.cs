using Bellman.Algorithms.Training;
using Bellman.Environments;

// Load any saved agent (a run folder's checkpoints/best, or a path given to Save) and run its greedy
// policy: the checkpoint names its algorithm, environment, options and network, so nothing else is needed.
if (args.Length == 0)
{
    Console.Error.WriteLine("usage: LoadAndRun CHECKPOINT [EPISODES]   (e.g. runs/dqn-CartPole-v1-s0/checkpoints/best)");
    return 2;
}
int episodes = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 3;
CheckpointMetadata meta;
Algorithm agent;
try
{
    meta = Algorithm.ReadMetadata(args[0]);
    agent = Algorithm.Load(args[0]);
}
catch (Exception e) when (e is IOException or InvalidDataException or ArgumentException)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}
using var _ = agent;
var env = EnvRegistry.Default.Make(meta.Env, meta.EnvOptions);
var action = new float[env.ActionSpace.FlatSize];
for (int k = 0; k < episodes; k++)
{
    var observation = env.Reset(seed: k);
    double episodeReturn = 0;
    int length = 0;
    while (true)
    {
        agent.Predict(observation, action);
        var step = env.Step(action);
        episodeReturn += step.Reward;
        length++;
        if (step.Terminated || step.Truncated) break;
        observation = env.Observation;
    }
    Console.WriteLine($"{meta.Algo} on {meta.Env}, episode {k + 1}: return {episodeReturn:0.###} in {length} steps");
}
return 0;
