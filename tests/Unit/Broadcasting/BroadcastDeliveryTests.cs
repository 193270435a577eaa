using LiveState.Blazor.Tests.Infrastructure;

namespace LiveState.Blazor.Tests.Broadcasting;

/// <summary>How a broadcast delivers: what a caller's error leaves behind, and what a blocking render holds up.</summary>
public sealed class BroadcastDeliveryTests : IDisposable
{
    private readonly LiveTestServer _server = new();

    public void Dispose() => _server.Dispose();

    private FakeRenderTarget Register(string circuitId, LiveIdentity identity, RenderBehaviour behaviour = RenderBehaviour.Render)
    {
        var target = new FakeRenderTarget(behaviour);
        _server.Registry.Register(circuitId, identity).AddTarget(target);
        return target;
    }

    [Fact]
    public async Task AFilterThatThrowsHalfwayLeavesNoCircuitDeafToLaterBroadcasts()
    {
        var first = Register("first", new LiveIdentity("user:a", "a"));
        Register("second", new LiveIdentity("user:b", "b"));

        // The filter accepts the first circuit (claiming its render), then throws on the second.
        await Assert.ThrowsAsync<InvalidOperationException>(async () =>
            await _server.Broadcaster.BroadcastAsync(c => c.UserId == "a" ? true : throw new InvalidOperationException("filter broke")));

        await Wait.UntilAsync(() => first.Renders == 1, "the render claimed before the filter threw was delivered");
        Assert.Equal(1, await _server.Broadcaster.BroadcastToGroupAsync("user:a"));
        Assert.Equal(2, first.Renders);
    }

    [Fact]
    public async Task AUserListWithANullIdLeavesNoCircuitDeaf()
    {
        var alice = Register("alice", new LiveIdentity("user:alice", "alice"));

        await Assert.ThrowsAsync<ArgumentNullException>(async () => await _server.Broadcaster.BroadcastToUsersAsync(["alice", null!]));
        await Assert.ThrowsAsync<ArgumentNullException>(async () => await _server.Broadcaster.BroadcastToUsersAsync(Users("alice", null!)));

        // The list is checked before anything is claimed; the enumeration had claimed alice's render, which is still delivered.
        await Wait.UntilAsync(() => alice.Renders == 1, "the render claimed before the null id was delivered");
        Assert.Equal(1, await _server.Broadcaster.BroadcastToUsersAsync(["alice"]));
        Assert.Equal(2, alice.Renders);

        static IEnumerable<string> Users(params string[] ids)
        {
            foreach (var id in ids)
            {
                yield return id;
            }
        }
    }
}
