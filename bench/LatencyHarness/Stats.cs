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
        double Rank(double p) => sorted[Math.Max(0, (int)Math.Ceiling(p * sorted.Length) - 1)];
        return new Stats(sorted.Length, Rank(0.50), Rank(0.95), Rank(0.99), sorted.Average(), sorted[0], sorted[^1]);
    }

    public string Row(string name) => string.Create(CultureInfo.InvariantCulture,
        $"| {name} | {Count} | {P50:F2} | {P95:F2} | {P99:F2} | {Mean:F2} | {Min:F2} | {Max:F2} |");

    public const string Header = """
        | scenario | samples | p50 ms | p95 ms | p99 ms | mean ms | min ms | max ms |
        |---|---:|---:|---:|---:|---:|---:|---:|
        """;
}
