using System.Runtime.CompilerServices;
using Bunit;
using LiveState.Blazor.Circuits;
using LiveState.Blazor.Tests.Infrastructure;

namespace LiveState.Blazor.Tests.Components;

/// <summary>Issue 11: a subscription ends with its component; nothing is left behind after many create/dispose cycles.</summary>
public sealed class LiveComponentLifetimeTests : IDisposable
{
    private readonly LiveTestServer _server = new();

    public void Dispose() => _server.Dispose();

    [Fact]
    public void TenThousandLiveComponentsCreatedAndDisposedLeaveNoSubscriptionBehind()
    {
        var tab = _server.Open<Toggle>(new LiveIdentity("user:alice", "alice"));
        var circuit = _server.Registry.FindCircuit(tab.Id)!;
        var before = circuit.Targets.Length;
        var counterChanged = LiveChange.Slot("user:alice", SlotKey<Counter>.Value);
        var sampled = new List<WeakReference>();

        for (var i = 0; i < 10_000; i++)
        {
            tab.Component.Render(p => p.Add(t => t.Show, true));
            if (i % 100 == 0)
            {
                sampled.Add(Sample(tab.Component));
            }

            Assert.Equal(before + 1, circuit.Targets.Length);
            tab.Component.Render(p => p.Add(t => t.Show, false));
        }

        Assert.Equal(before, circuit.Targets.Length);
        Assert.False(circuit.Wants(counterChanged));
        for (var i = 0; i < 5 && sampled.Any(w => w.IsAlive); i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }

        Assert.Equal(0, sampled.Count(w => w.IsAlive));
    }

    [Fact]
    public async Task AComponentThatWatchesAnotherGroupStopsWatchingItWhenDisposed()
    {
        var tab = _server.Open<Toggle>(new LiveIdentity("user:alice", "alice"));
        tab.Component.Render(p => p.Add(t => t.Show, true).Add(t => t.Watch, "team:red"));
        Assert.Single(_server.Registry.CircuitsWatching("team:red"));

        await _server.States.MutateAsync<Counter>("team:red", c => c.Value = 4);
        tab.Component.WaitForAssertion(() => Assert.Equal("4", tab.Component.Find(".watched").TextContent), Wait.Deadline);

        tab.Component.Render(p => p.Add(t => t.Show, false));
        Assert.Empty(_server.Registry.CircuitsWatching("team:red"));
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference Sample(IRenderedComponent<Toggle> toggle) => new(toggle.FindComponent<WatchingProbe>().Instance);
}
