using Bellman;
using Bellman.Algorithms.ValueBased;
using Bellman.Environments;

// Train DQN (double Q, 3-step returns) on CartPole, save it, load it back and watch one episode.
using var model = new Dqn("CartPole-v1", DqnPresets.Get("cartpole-nstep"), seed: 0);
model.Learn(50_000);
model.Save("cartpole-dqn");

using var agent = Dqn.Load("cartpole-dqn");
var env = EnvRegistry.Default.Make("CartPole-v1");
var observation = env.Reset(seed: 42);
double episodeReturn = 0;
while (true)
{
    var step = env.Step(agent.Predict(observation));
    episodeReturn += step.Reward;
    if (step.Terminated || step.Truncated) break;
    observation = env.Observation;
}
Console.WriteLine($"greedy return after {agent.State.Step} steps: {episodeReturn}");
