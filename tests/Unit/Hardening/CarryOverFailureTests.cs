using System.Security.Claims;
using LiveState.Blazor.Circuits;
using LiveState.Blazor.State;
using LiveState.Blazor.Tests.Infrastructure;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.Extensions.DependencyInjection;

namespace LiveState.Blazor.Tests.Hardening;

/// <summary>
/// Issue 14, item 5: carrying the anonymous cart into the user's group at sign-in never loses it, whether the merge
/// throws or the store fails between storing the merge and clearing the anonymous cart.
/// </summary>
public sealed class CarryOverFailureTests : IDisposable
{
    private static readonly string Anonymous = LiveIdentity.BrowserGroup("carry");
    private readonly FlakyStore _store = new();
    private readonly LiveTestServer _server;

    public CarryOverFailureTests() => _server = new LiveTestServer(services: s =>
    {
        s.AddSingleton<ISessionGroupStore>(sp => _store.Wrap(ActivatorUtilities.CreateInstance<InMemorySessionGroupStore>(sp)));
        s.AddScoped<ILiveSignInHandler, ThrowingOnceCarrier>();
    });

    public void Dispose() => _server.Dispose();

    [Fact]
    public async Task AMergeThatThrowsLeavesTheAnonymousCartWhereItWasAndTheNextSignInCarriesIt()
    {
        await _server.States.MutateAsync<Cart>(Anonymous, c => c.Items.Add("apple"));
        ThrowingOnceCarrier.Throw = true;

        await OpenAsync("tab-1");

        Assert.Equal(["apple"], _server.States.Get<Cart>(Anonymous).Items);
        Assert.Empty(_server.States.Get<Cart>("user:alice").Items);

        await OpenAsync("tab-2");
        Assert.Equal(["apple"], _server.States.Get<Cart>("user:alice").Items);
        Assert.Empty(_server.States.Get<Cart>(Anonymous).Items);
    }

    [Fact]
    public async Task AStoreFailingWhenTheMergeIsStoredLeavesTheAnonymousCart()
    {
        await _server.States.MutateAsync<Cart>(Anonymous, c => c.Items.Add("pear"));
        _store.FailNext(group: "user:alice", slot: SlotKey<Cart>.Value);

        await OpenAsync("tab-1");

        Assert.Equal(["pear"], _server.States.Get<Cart>(Anonymous).Items);
        Assert.Empty(_server.States.Get<Cart>("user:alice").Items);
        await OpenAsync("tab-2");
        Assert.Equal(["pear"], _server.States.Get<Cart>("user:alice").Items);
    }

    [Fact]
    public async Task AStoreFailingBetweenTheMergeAndTheClearLosesNothing()
    {
        await _server.States.MutateAsync<Cart>(Anonymous, c => c.Items.Add("plum"));

        // The second update of the anonymous cart slot is the clear, after the merge was stored.
        _store.FailNext(group: Anonymous, slot: SlotKey<Cart>.Value);

        await OpenAsync("tab-1");

        Assert.Equal(["plum"], _server.States.Get<Cart>("user:alice").Items);
        Assert.Equal(["plum"], _server.States.Get<Cart>(Anonymous).Items);
    }

    [Fact]
    public async Task ATabStillAnonymousThatAddsDuringTheCarryKeepsWhatItAdded()
    {
        await _server.States.MutateAsync<Cart>(Anonymous, c => c.Items.Add("fig"));
        _store.BeforeUpdate = async (group, slot) =>
        {
            if (group == "user:alice" && slot == SlotKey<Cart>.Value)
            {
                _store.BeforeUpdate = null;
                await _server.States.MutateAsync<Cart>(Anonymous, c => c.Items.Add("kiwi"));
            }
        };

        await OpenAsync("tab-1");

        Assert.Equal(["fig"], _server.States.Get<Cart>("user:alice").Items);
        Assert.Equal(["fig", "kiwi"], _server.States.Get<Cart>(Anonymous).Items);
    }

    private async Task OpenAsync(string circuitId)
    {
        var scope = _server.Services.CreateAsyncScope();
        var user = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, "alice")], "Cookies"));
        user.AddIdentity(new ClaimsIdentity([new Claim(LiveStateClaimTypes.BrowserId, "carry")]) { Label = LiveStateClaimTypes.BrowserIdentityLabel });
        ((ServerAuthenticationStateProvider)scope.ServiceProvider.GetRequiredService<AuthenticationStateProvider>())
            .SetAuthenticationState(Task.FromResult(new AuthenticationState(user)));
        await scope.ServiceProvider.GetServices<CircuitHandler>().OfType<LiveCircuitHandler>().Single().OpenAsync(circuitId, CancellationToken.None);
    }

    private sealed class ThrowingOnceCarrier : ILiveSignInHandler
    {
        public static bool Throw { get; set; }

        public Task OnSignedInAsync(LiveSignInContext context, CancellationToken cancellationToken) =>
            context.CarryOverAsync<Cart>(
                (anonymous, user) =>
                {
                    if (Throw)
                    {
                        Throw = false;
                        throw new InvalidOperationException("the merge failed");
                    }

                    return new Cart { Items = [.. user.Items, .. anonymous.Items] };
                },
                cancellationToken).AsTask();
    }

    /// <summary>The in-memory store, with a failure (as Redis failing between two round trips) injected on demand.</summary>
    private sealed class FlakyStore
    {
        private ISessionGroupStore _inner = default!;
        private (string Group, string Slot)? _failNext;

        public Func<string, string, Task>? BeforeUpdate { get; set; }

        public ISessionGroupStore Wrap(ISessionGroupStore inner)
        {
            _inner = inner;
            return new Store(this);
        }

        public void FailNext(string group, string slot) => _failNext = (group, slot);

        private sealed class Store(FlakyStore owner) : ISessionGroupStore
        {
            public ValueTask<SessionGroupSlot<T>?> GetAsync<T>(string groupId, string slotKey, CancellationToken cancellationToken = default) where T : class =>
                owner._inner.GetAsync<T>(groupId, slotKey, cancellationToken);

            public async ValueTask<SessionGroupSlot<T>> UpdateAsync<T>(string groupId, string slotKey, Func<T?, T> update, CancellationToken cancellationToken = default) where T : class
            {
                if (owner.BeforeUpdate is { } before)
                {
                    await before(groupId, slotKey);
                }

                if (owner._failNext == (groupId, slotKey))
                {
                    owner._failNext = null;
                    throw new LiveStateUnavailableException("The store failed (injected).");
                }

                return await owner._inner.UpdateAsync(groupId, slotKey, update, cancellationToken);
            }

            public ValueTask<bool> DeleteAsync(string groupId, CancellationToken cancellationToken = default) => owner._inner.DeleteAsync(groupId, cancellationToken);

            public IAsyncEnumerable<string> ListGroupsAsync(CancellationToken cancellationToken = default) => owner._inner.ListGroupsAsync(cancellationToken);
        }
    }
}
