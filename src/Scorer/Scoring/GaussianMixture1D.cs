using System.Numerics;

namespace EasyHard.Scorer.Scoring;

/// <summary>
/// Parameters of a two-component one-dimensional Gaussian mixture: component 0 (clean) and component 1 (noisy),
/// with π₁ the weight of component 1.
/// </summary>
internal record struct GaussianMixture1D(double Mu0, double Var0, double Mu1, double Var1, double Pi1)
{
    /// <summary>
    /// A few EM iterations on <paramref name="x"/> (Dempster, Laird &amp; Rubin 1977), warm-started from
    /// <paramref name="start"/> when given, else from the moments of x (μ − σ/2 and μ + σ, π₁ = 0.3). Variances are
    /// floored at <paramref name="varianceFloor"/> so a tight cluster cannot collapse to a spike; π₁ stays within
    /// [10⁻³, 1 − 10⁻³]; component 1 is returned as the higher-mean one. On the host in double precision: a class's
    /// window is a few hundred values, far below what a device kernel launch pays for.
    /// </summary>
    public static GaussianMixture1D Fit(ReadOnlySpan<float> x, GaussianMixture1D? start, int iterations, double varianceFloor)
    {
        int n = x.Length;
        double mean = 0;
        foreach (var value in x)
        {
            mean += value;
        }

        mean /= Math.Max(n, 1);
        double variance = 0;
        foreach (var value in x)
        {
            variance += (value - mean) * (value - mean);
        }

        variance /= Math.Max(n, 1);
        double std = Math.Sqrt(Math.Max(variance, varianceFloor));
        var m = start ?? new GaussianMixture1D(mean - (0.5 * std), variance, mean + std, variance, 0.3);
        double mu0 = m.Mu0, mu1 = m.Mu1, pi1 = m.Pi1;
        double var0 = Math.Max(m.Var0, varianceFloor), var1 = Math.Max(m.Var1, varianceFloor);

        // Vector lanes over the window, then the remainder: the E step's exponentials are most of a refit.
        var values = new double[n];
        for (int i = 0; i < n; i++)
        {
            values[i] = x[i];
        }

        var noisy = new double[n];
        int lanes = Vector<double>.Count, whole = n - (n % lanes);
        for (int iteration = 0; iteration < iterations; iteration++)
        {
            // E step: r₁ = σ(log π₁/(1 − π₁) + log N(x; μ₁, v₁) − log N(x; μ₀, v₀)).
            double prior = Math.Log(pi1) - Math.Log(1 - pi1) - (0.5 * Math.Log(var1)) + (0.5 * Math.Log(var0));
            double half0 = 0.5 / var0, half1 = 0.5 / var1;
            var n1Lanes = Vector<double>.Zero;
            var sum1Lanes = Vector<double>.Zero;
            var sumLanes = Vector<double>.Zero;
            for (int i = 0; i < whole; i += lanes)
            {
                var xi = new Vector<double>(values, i);
                var d0 = xi - new Vector<double>(mu0);
                var d1 = xi - new Vector<double>(mu1);
                var logOdds = new Vector<double>(prior) - (new Vector<double>(half1) * d1 * d1) + (new Vector<double>(half0) * d0 * d0);
                var r1 = Vector<double>.One / (Vector<double>.One + Vector.Exp(-logOdds));
                r1.CopyTo(noisy, i);
                n1Lanes += r1;
                sum1Lanes += r1 * xi;
                sumLanes += xi;
            }

            double n1 = 1e-9 + Vector.Sum(n1Lanes), sum1 = Vector.Sum(sum1Lanes), sum = Vector.Sum(sumLanes);
            for (int i = whole; i < n; i++)
            {
                double d0 = values[i] - mu0, d1 = values[i] - mu1;
                double r1 = 1.0 / (1.0 + Math.Exp(-(prior - (half1 * d1 * d1) + (half0 * d0 * d0))));
                noisy[i] = r1;
                n1 += r1;
                sum1 += r1 * values[i];
                sum += values[i];
            }

            double n0 = 1e-9 + (n - (n1 - 1e-9)), sum0 = sum - sum1;

            // M step: weighted means, then variances around the new means.
            mu0 = sum0 / n0;
            mu1 = sum1 / n1;
            double squares0 = 0, squares1 = 0;
            for (int i = 0; i < n; i++)
            {
                double d0 = values[i] - mu0, d1 = values[i] - mu1;
                squares0 += (1 - noisy[i]) * d0 * d0;
                squares1 += noisy[i] * d1 * d1;
            }

            var0 = Math.Max(squares0 / n0, varianceFloor);
            var1 = Math.Max(squares1 / n1, varianceFloor);
            pi1 = Math.Clamp(n1 / (n0 + n1), 1e-3, 1 - 1e-3);
        }

        return mu0 > mu1
            ? new GaussianMixture1D(mu1, var1, mu0, var0, 1 - pi1)
            : new GaussianMixture1D(mu0, var0, mu1, var1, pi1);
    }
}
