using System.Diagnostics.Metrics;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;
using System.Text.RegularExpressions;
using LiveState.Blazor.Diagnostics;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.Extensions.DependencyInjection;

namespace LiveState.Blazor.Tests.Diagnostics;

/// <summary>
/// LiveState's instruments and spans speak ASP.NET Core 10's dialect, checked against the Blazor Server assembly this
/// test runs on: its circuit meter names <c>aspnetcore.components.circuit.active</c> in unit <c>{circuit}</c> and its
/// circuit spans carry <c>aspnetcore.components.circuit.id</c>, so LiveState's data joins Blazor's on a dashboard.
/// </summary>
public sealed partial class TelemetryConventionTests
{
    private static readonly Lazy<HashSet<string>> BlazorServerStrings = new(() =>
    {
        // The literals compiled into Microsoft.AspNetCore.Components.Server (its CircuitMetrics and CircuitActivitySource).
        using var pe = new PEReader(File.OpenRead(typeof(CircuitHandler).Assembly.Location));
        var metadata = pe.GetMetadataReader();
        var strings = new HashSet<string>(StringComparer.Ordinal);
        for (var handle = MetadataTokens.UserStringHandle(1); !handle.IsNil; handle = metadata.GetNextHandle(handle))
        {
            strings.Add(metadata.GetUserString(handle));
        }

        return strings;
    });

    [Fact]
    public void SpansCarryTheCircuitIdUnderTheTagBlazorServerUses()
    {
        Assert.Contains("Microsoft.AspNetCore.Components.Server.Circuits", BlazorServerStrings.Value);
        Assert.Contains(LiveStateActivity.CircuitIdTag, BlazorServerStrings.Value);
        Assert.Equal("aspnetcore.components.circuit.id", LiveStateActivity.CircuitIdTag);
    }

    [Fact]
    public void InstrumentsAreNamedAndMeasuredAsBlazorServerNamesItsCircuits()
    {
        // What ASP.NET Core 10 publishes for circuits: the thing, then its state, and a unit in the singular.
        Assert.Contains("aspnetcore.components.circuit.active", BlazorServerStrings.Value);
        Assert.Contains("{circuit}", BlazorServerStrings.Value);
        Assert.DoesNotContain("{circuits}", BlazorServerStrings.Value);

        var instruments = Published();

        Assert.Contains(instruments, i => i.Name == "livestate.circuit.active" && i.Unit == "{circuit}" && i.GetType().Name.StartsWith("UpDownCounter", StringComparison.Ordinal));
        Assert.All(instruments, i =>
        {
            Assert.Matches(InstrumentName(), i.Name);
            Assert.True(i.Unit == "s" || SingularUnit().IsMatch(i.Unit ?? string.Empty), $"{i.Name}: unit '{i.Unit}' is neither seconds nor a singular {{thing}}");
            Assert.False(string.IsNullOrWhiteSpace(i.Description), $"{i.Name} has no description");
        });

        // A histogram of durations ends in .duration, in seconds (aspnetcore.components.circuit.duration).
        Assert.All(instruments.Where(i => i.GetType().Name.StartsWith("Histogram", StringComparison.Ordinal)), i =>
        {
            Assert.EndsWith(".duration", i.Name, StringComparison.Ordinal);
            Assert.Equal("s", i.Unit);
        });

        // OpenTelemetry's rule: no name is also the namespace of another.
        var names = instruments.Select(i => i.Name).ToList();
        Assert.All(names, name => Assert.DoesNotContain(names, other => other.StartsWith(name + ".", StringComparison.Ordinal)));
    }

    private static List<Instrument> Published()
    {
        using var server = new Infrastructure.LiveTestServer();
        var factory = server.Services.GetRequiredService<IMeterFactory>();
        var published = new List<Instrument>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, _) =>
            {
                // This server's meter only: other tests create theirs in parallel.
                if (instrument.Meter.Name == LiveStateMetrics.MeterName && ReferenceEquals(instrument.Meter.Scope, factory))
                {
                    lock (published)
                    {
                        published.Add(instrument);
                    }
                }
            },
        };
        listener.Start();
        _ = server.Services.GetRequiredService<LiveStateMetrics>();

        lock (published)
        {
            Assert.NotEmpty(published);
            return [.. published];
        }
    }

    [GeneratedRegex(@"^livestate(\.[a-z]+(_[a-z]+)*)+$")]
    private static partial Regex InstrumentName();

    // {circuit}, {update}, {retry}: one lower-case word or words joined by _, not a plural in s.
    [GeneratedRegex(@"^\{[a-z]+(_[a-z]+)*(?<!s)\}$")]
    private static partial Regex SingularUnit();
}
