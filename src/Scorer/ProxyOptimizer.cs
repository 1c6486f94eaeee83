namespace EasyHard.Scorer;

/// <summary>The proxy's optimizer (<c>Scorer:Proxy:Optimizer</c>).</summary>
public enum ProxyOptimizer
{
    /// <summary>Adam; on the CPU each head's slice steps alone, so heads train on threads side by side.</summary>
    Adam,

    /// <summary>SGD with momentum 0.9.</summary>
    Sgd,
}
