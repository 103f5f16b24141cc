namespace Bellman.Nn.Optimizers;

/// <summary>An optimizer named in an algorithm's options (the <c>optimizer</c> key: adam, rmsprop or sgd).</summary>
public enum OptimizerKind
{
    /// <summary><see cref="Optimizers.Adam"/> (PyTorch's formula).</summary>
    Adam,
    /// <summary><see cref="Optimizers.RmsProp"/> (as in the Nature DQN, MinAtar and A2C; centered optional).</summary>
    Rmsprop,
    /// <summary>Plain <see cref="Optimizers.Sgd"/>.</summary>
    Sgd,
}
