using Bunit;
using LiveState.Blazor.Circuits;
using LiveState.Blazor.State;
using LiveState.Blazor.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace LiveState.Blazor.Tests.State;

/// <summary>
/// Issue 14, item 2: with a store that answers asynchronously (Redis), a render that asks for a slot the server does not
/// hold yet loads it in the background. The load must re-render only what reads that slot, never every circuit of the
/// server, and page loads of groups without state (first visits without a cookie) must leave no cache entry behind.
/// </summary>
public sealed class RemoteStoreLoadTests : IDisposable
{
    private readonly RemoteStore _store = new();
    private readonly LiveTestServer _server;

    public RemoteStoreLoadTests() => _server = new LiveTestServer(services: s => s.AddSingleton<ISessionGroupStore>(_store));

    public void Dispose() => _server.Dispose();

    private SlotCache Cache => _server.Services.GetRequiredService<SessionGroupStateService>().Cache;

    [Fact]
    public async Task CookielessPageLoadsRenderNoOtherCircuitAndLeaveNothingCached()
    {
        var bystanders = new List<FakeRenderTarget>();
        for (var i = 0; i < 200; i++)
        {
            var target = new FakeRenderTarget();
            _server.Registry.Register($"c{i}", new LiveIdentity($"user:u{i}", $"u{i}")).AddTarget(target);
            bystanders.Add(target);
        }

        // 100 prerenders of fresh groups: each reads a slot nobody holds.
        for (var i = 0; i < 100; i++)
        {
            Assert.Equal(0, _server.States.Get<Counter>(LiveIdentity.BrowserGroup($"visitor-{i}")).Value);
        }

        await Wait.UntilAsync(() => _store.Reads == 100 && _store.Pending == 0, "every load finished");

        // Fenced: a load that does render (a group shown here) has rendered before the bystanders are checked.
        var shown = new FakeRenderTarget();
        _server.Registry.Register("shown", new LiveIdentity("user:shown", "shown")).AddTarget(shown);
        _store.Seed("user:shown", new Counter { Value = 3 });
        Assert.Equal(0, _server.States.Get<Counter>("user:shown").Value);

        await Wait.UntilAsync(() => shown.Renders == 1, "the circuit that asked rendered the loaded value");
        Assert.Equal(3, _server.States.Get<Counter>("user:shown").Value);

        Assert.All(bystanders, b => Assert.Equal(0, b.Renders));
        Assert.Equal(1, Cache.Count);
    }

    [Fact]
    public async Task ALoadReRendersTheCircuitsWatchingTheGroupOnly()
    {
        var watcher = new FakeRenderTarget { Reads = c => c.Kind == LiveChangeKind.Slot && c.GroupId == "app:board" };
        var member = new FakeRenderTarget();
        var watching = _server.Registry.Register("watching", new LiveIdentity("user:a", "a"));
        watching.AddTarget(watcher);
        watching.Watch("app:board");
        _server.Registry.Register("other", new LiveIdentity("user:b", "b")).AddTarget(member);
        _store.Seed("app:board", new Counter { Value = 8 });

        _ = _server.States.Get<Counter>("app:board");

        await Wait.UntilAsync(() => watcher.Renders == 1, "the watching circuit rendered the board");
        Assert.Equal(8, _server.States.Get<Counter>("app:board").Value);
        Assert.Equal(0, member.Renders);
    }

    [Fact]
    public async Task AReadByIdOfAGroupNobodyHereShowsReRendersTheCircuitThatAskedWhenTheStoreAnswers()
    {
        _store.Seed("app:board", new Counter { Value = 5 });
        var tab = _server.Open<BoardReader>(new LiveIdentity("user:a", "a"));
        var bystander = new FakeRenderTarget();
        _server.Registry.Register("bystander", new LiveIdentity("user:b", "b")).AddTarget(bystander);

        tab.Component.WaitForAssertion(() => Assert.Equal("5", tab.Component.Find(".board").TextContent), Wait.Deadline);

        // Another server writes the board; this server hears nothing of it (no circuit here shows the group). A broadcast
        // re-renders the tab: it shows what it has, checks the store, and re-renders once more with what is newer.
        _store.Seed("app:board", new Counter { Value = 7 }, version: 2);
        await _server.Broadcaster.BroadcastToCircuitAsync(tab.Id);
        tab.Component.WaitForAssertion(() => Assert.Equal("7", tab.Component.Find(".board").TextContent), Wait.Deadline);

        // Nothing newer: the checks stop there, and nobody else re-rendered.
        var reads = _store.Reads;
        await Wait.UntilAsync(() => _store.Pending == 0, "the last check finished");
        Assert.InRange(_store.Reads - reads, 0, 1);
        Assert.Equal(0, bystander.Renders);
    }

    /// <summary>A store that answers every read asynchronously, like a network store.</summary>
    private sealed class RemoteStore : AsyncTestStore
    {
        protected override async Task<SessionGroupSlot<T>?> AnswerAsync<T>(Func<SessionGroupSlot<T>?> read, CancellationToken cancellationToken)
            where T : class
        {
            // A timer, not a yield: the read can never have completed by the time the caller looks at it.
            await Task.Delay(1, cancellationToken);
            return read();
        }
    }
}
