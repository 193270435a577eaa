using System.Globalization;

namespace LiveState.Blazor.LatencyHarness;

/// <summary>Percentiles by the nearest-rank method: p is the smallest sample with at least p% of samples at or below it.</summary>
internal sealed record Stats(int Count, double P50, double P95, double P99, double Mean, double Min, double Max)
{
    public static Stats Of(IReadOnlyCollection<double> samples)
    {
        if (samples.Count == 0)
        {
            throw new ArgumentException("No samples.", nameof(samples));
        }

        var sorted = samples.Order().ToArray();
        return new Stats(sorted.Length, Rank(sorted, 0.50), Rank(sorted, 0.95), Rank(sorted, 0.99), sorted.Average(), sorted[0], sorted[^1]);
    }

    public static double Rank(double[] sorted, double p) => sorted[Math.Max(0, (int)Math.Ceiling(p * sorted.Length) - 1)];

    public string Row(string name) => string.Create(CultureInfo.InvariantCulture,
        $"| {name} | {Count} | {P50:F2} | {P95:F2} | {P99:F2} | {Mean:F2} | {Min:F2} | {Max:F2} |");

    public const string Header = """
        | scenario | samples | p50 ms | p95 ms | p99 ms | mean ms | min ms | max ms |
        |---|---:|---:|---:|---:|---:|---:|---:|
        """;

    /// <summary>
    /// The ratio of two scenarios' percentile <paramref name="p"/> (nearest rank over all their samples) with a 95%
    /// interval from a paired block bootstrap: the rounds (one block of each scenario, taken back to back) are
    /// resampled with replacement, each scenario's samples of the chosen rounds pooled, and the ratio of their
    /// percentiles taken, <paramref name="resamples"/> times; the interval is the 2.5th to 97.5th percentile of those
    /// ratios. Resampling whole rounds keeps what a burst of load did to both scenarios together.
    /// </summary>
    public static (double Ratio, double Low, double High) RatioWithInterval(IReadOnlyList<List<double>> numerator, IReadOnlyList<List<double>> denominator, double p, int resamples = 2_000)
    {
        var rounds = Math.Min(numerator.Count, denominator.Count);
        static double Percentile(IEnumerable<double> samples, double p)
        {
            var sorted = samples.ToArray();
            Array.Sort(sorted);
            return Rank(sorted, p);
        }

        var ratio = Percentile(numerator.Take(rounds).SelectMany(b => b), p) / Percentile(denominator.Take(rounds).SelectMany(b => b), p);
        var random = new Random(95);
        var ratios = new double[resamples];
        var num = new List<double>();
        var den = new List<double>();
        for (var r = 0; r < resamples; r++)
        {
            num.Clear();
            den.Clear();
            for (var i = 0; i < rounds; i++)
            {
                var round = random.Next(rounds);
                num.AddRange(numerator[round]);
                den.AddRange(denominator[round]);
            }

            ratios[r] = Percentile(num, p) / Percentile(den, p);
        }

        Array.Sort(ratios);
        return (ratio, ratios[(int)(0.025 * (resamples - 1))], ratios[(int)(0.975 * (resamples - 1))]);
    }

    public static string RatioText(string what, (double Ratio, double Low, double High) ratio, string target) => string.Create(CultureInfo.InvariantCulture,
        $"{what} = {ratio.Ratio:F2}, 95% interval [{ratio.Low:F2}, {ratio.High:F2}] (paired block bootstrap over rounds; target {target})");
}
