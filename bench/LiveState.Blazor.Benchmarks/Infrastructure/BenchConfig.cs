using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Order;

namespace LiveState.Blazor.Benchmarks.Infrastructure;

/// <summary>
/// Allocations on, and one table section per category and parameter value, so the Ratio column compares the
/// library with baseline 1 measured in the same run under the same conditions. Every job (whatever <c>--job</c> picks)
/// runs server GC with background collections, as ASP.NET Core apps do; with <c>--inProcess</c> the host process
/// already does (bench/Directory.Build.props), and the job says so too.
/// </summary>
public sealed class BenchConfig : ManualConfig
{
    /// <summary>Creates the configuration.</summary>
    public BenchConfig()
    {
        AddJob(Job.Default.WithGcServer(true).WithGcConcurrent(true).AsMutator());
        AddDiagnoser(MemoryDiagnoser.Default);
        AddColumn(CategoriesColumn.Default);
        AddLogicalGroupRules(BenchmarkLogicalGroupRule.ByCategory, BenchmarkLogicalGroupRule.ByParams);
        WithOrderer(new DefaultOrderer(SummaryOrderPolicy.Declared, MethodOrderPolicy.Declared));
    }
}
