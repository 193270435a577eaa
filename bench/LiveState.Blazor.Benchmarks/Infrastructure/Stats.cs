namespace LiveState.Blazor.Benchmarks.Infrastructure;

/// <summary>Medians and the percentile bootstrap the paired tables use.</summary>
internal static class Stats
{
    /// <summary>Resamples per bootstrap interval.</summary>
    public const int Resamples = 4_000;

    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    /// <summary>
    /// A percentile bootstrap 95% interval for the median of <paramref name="values"/>: the rounds are resampled with
    /// replacement <see cref="Resamples"/> times (fixed seed, so a table can be reproduced from its rounds), and the
    /// 2.5th and 97.5th percentiles of the resampled medians are the interval. With few rounds it is coarse: it can
    /// only take values the rounds themselves took.
    /// </summary>
    public static (double Low, double High) BootstrapMedianInterval(IReadOnlyList<double> values)
    {
        if (values.Count == 0)
        {
            return (double.NaN, double.NaN);
        }

        var random = new Random(13);
        var medians = new double[Resamples];
        var sample = new double[values.Count];
        for (var r = 0; r < Resamples; r++)
        {
            for (var i = 0; i < sample.Length; i++)
            {
                sample[i] = values[random.Next(values.Count)];
            }

            medians[r] = Median(sample);
        }

        Array.Sort(medians);
        return (medians[(int)(0.025 * (Resamples - 1))], medians[(int)(0.975 * (Resamples - 1))]);
    }
}
