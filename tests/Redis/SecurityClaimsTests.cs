using System.Collections.Concurrent;
using System.Security.Claims;
using LiveState.Blazor.Identity;
using LiveState.Blazor.Redis.Internal;
using LiveState.Blazor.Redis.Tests.Infrastructure;
using LiveState.Blazor.Simulation;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace LiveState.Blazor.Redis.Tests;

/// <summary>
/// Issue 14, "claims in docs/security.md that their cited tests do not prove", the Redis side: isolation under concurrent
/// moves on two servers, carry-over exactly once through Redis's compare-and-set retry and with a failure between the
/// claim and the merge, cookieless requests that leave nothing in Redis, and what bounds a group's circuits.
/// </summary>
[Collection("redis")]
public sealed class SecurityClaimsTests(RedisFixture redis)
{
    private static string NewId(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..10];

    [Fact]
    public async Task ConcurrentMovesOnTwoServersNeverShowAnotherGroupsStateAndBroadcastsReachExactlyTheMatches()
    {
        await using var cluster = await LiveCluster.StartRedisAsync(redis.Server, nodes: 2);
        var groups = Enumerable.Range(0, 4).Select(i => NewId("iso" + i)).ToArray();
        var violations = new ConcurrentQueue<string>();
        var circuits = new List<FakeCircuit>();
        foreach (var (node, n) in cluster.Nodes.SelectMany(node => Enumerable.Range(0, 10).Select(n => (node, n))))
        {
            circuits.Add(node.Open(new LiveIdentity(groups[n % groups.Length]), onRender: c =>
            {
                // What a component of the circuit would show: its group's state, never another group's.
                var group = c.Entry.Info.Identity.GroupId;
                if (c.Node.States.Get<Marked>(group).Group is { } shown && shown != group)
                {
                    violations.Enqueue($"{c.Id} in {group} was shown {shown}'s state");
                }
            }));
        }

        await cluster.WaitForPresenceAsync(circuits.Count);

        // Moves on both servers, updates and broadcasts of every group from both, all at once.
        var workers = new List<Task>();
        for (var w = 0; w < 4; w++)
        {
            var seed = w;
            workers.Add(Task.Run(async () =>
            {
                var random = new Random(seed);
                for (var i = 0; i < 150; i++)
                {
                    var group = groups[random.Next(groups.Length)];
                    var node = cluster.Nodes[random.Next(cluster.Nodes.Count)];
                    switch ((seed + i) % 3)
                    {
                        case 0:
                            var circuit = circuits[random.Next(circuits.Count)];
                            circuit.Node.LocalRegistry.Move(circuit.Id, new LiveIdentity(group));
                            break;
                        case 1:
                            await node.States.MutateAsync<Marked>(group, m => { m.Group = group; m.Writes++; });
                            break;
                        default:
                            await node.Broadcaster.BroadcastToGroupAsync(group);
                            break;
                    }
                }
            }));
        }

        await Task.WhenAll(workers);
        await cluster.WaitForPresenceAsync(circuits.Count);

        // Every message sent so far has been handled: a broadcast after them on each group's channel has arrived.
        await FlushAsync(cluster, groups, circuits);
        Assert.Empty(violations);

        // Each server shows each group it hosts as Redis holds it.
        foreach (var circuit in circuits)
        {
            var group = circuit.Entry.Info.Identity.GroupId;
            var stored = await circuit.Node.States.GetAsync<Marked>(group);
            Assert.True(stored.Group is null || stored.Group == group);
            await Wait.UntilAsync(() => circuit.Node.States.Get<Marked>(group).Writes == stored.Writes, $"{circuit} shows its group as stored");
        }

        // One broadcast per group reaches exactly its circuits, wherever they moved: each circuit renders once.
        var before = circuits.ToDictionary(c => c, c => c.Renders);
        foreach (var group in groups)
        {
            var members = circuits.Count(c => c.Entry.Info.Identity.GroupId == group);
            Assert.Equal(members, await cluster.First.Broadcaster.BroadcastToGroupAsync(group));
        }

        // Fenced: a second broadcast per group arrives after the first on every server that hosts it, so a wrong
        // delivery of the first would have happened by the time the second is seen.
        await FlushAsync(cluster, groups, circuits);
        Assert.All(circuits, c => Assert.Equal(before[c] + 2, c.Renders));
        Assert.Empty(violations);
    }

    private static async Task FlushAsync(LiveCluster cluster, string[] groups, List<FakeCircuit> circuits)
    {
        foreach (var group in groups)
        {
            var members = circuits.Where(c => c.Entry.Info.Identity.GroupId == group).ToList();
            var seen = members.ToDictionary(c => c, c => c.Renders);
            await cluster.First.Broadcaster.BroadcastToGroupAsync(group);
            await Wait.UntilAsync(() => members.All(c => c.Renders > seen[c]), $"the flush of {group} arrived");
        }
    }

    [Fact]
    public async Task TabsSigningInAtOnceOnTwoServersCarryTheAnonymousCartExactlyOnce()
    {
        var browser = NewId("carry");
        await using var cluster = await LiveCluster.StartRedisAsync(redis.Server, nodes: 2, services: s => s.AddScoped<ILiveSignInHandler, Carrier>());
        var anonymous = LiveIdentity.BrowserGroup(browser);
        var user = NewId("alice");
        await cluster.First.States.MutateAsync<Basket>(anonymous, b => b.Items.Add("apple"));

        await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(() => SignInAsync(cluster.Nodes[i % 2], $"tab-{browser}-{i}", user, browser))));

        Assert.Equal(["apple"], (await cluster.Last.States.GetAsync<Basket>(LiveIdentity.UserGroup(user))).Items);
        Assert.Empty((await cluster.Last.States.GetAsync<Basket>(anonymous)).Items);
    }

    [Fact]
    public async Task AMergeThatRedisMakesRunAgainOnAConflictCarriesTheCartOnceAndKeepsTheConcurrentWrite()
    {
        var browser = NewId("carry");
        var user = NewId("alice");
        var userGroup = LiveIdentity.UserGroup(user);
        await using var cluster = await LiveCluster.StartRedisAsync(redis.Server, nodes: 2, services: s => s.AddScoped<ILiveSignInHandler, Carrier>());
        var (one, two) = (cluster.First, cluster.Last);
        var anonymous = LiveIdentity.BrowserGroup(browser);
        await one.States.MutateAsync<Basket>(anonymous, b => b.Items.Add("apple"));
        var merges = 0;
        Carrier.OnMerge = () =>
        {
            // The first merge computed its result from the user's cart as it was; another server writes the cart before
            // the compare-and-set, which then fails and runs the merge again from the newer cart.
            if (Interlocked.Increment(ref merges) == 1)
            {
                two.States.MutateAsync<Basket>(userGroup, b => b.Items.Add("tea")).GetAwaiter().GetResult();
            }
        };

        try
        {
            await SignInAsync(one, "tab-" + browser, user, browser);
        }
        finally
        {
            Carrier.OnMerge = null;
        }

        Assert.Equal(2, merges);
        Assert.Equal(["tea", "apple"], (await two.States.GetAsync<Basket>(userGroup)).Items);
        Assert.Empty((await two.States.GetAsync<Basket>(anonymous)).Items);
    }

    [Fact]
    public async Task ARedisFailureBetweenTheClaimAndTheMergeLosesNothingAndTheNextSignInCarriesTheCartOnce()
    {
        var flaky = new FlakyStore();
        var browser = NewId("carry");
        var user = NewId("alice");
        var userGroup = LiveIdentity.UserGroup(user);
        var anonymous = LiveIdentity.BrowserGroup(browser);
        await using var cluster = await LiveCluster.StartRedisAsync(redis.Server, nodes: 2, services: s =>
        {
            s.AddScoped<ILiveSignInHandler, Carrier>();
            s.Replace(ServiceDescriptor.Singleton<ISessionGroupStore>(sp => flaky.Wrap(sp.GetRequiredService<RedisSessionGroupStore>())));
        });
        var (one, two) = (cluster.First, cluster.Last);
        await one.States.MutateAsync<Basket>(anonymous, b => b.Items.Add("plum"));

        // The claim is stored; the merge's write into the user's cart fails, as Redis failing between the two would.
        flaky.FailNext(userGroup, SlotKey<Basket>.Value);
        await SignInAsync(one, "tab-1-" + browser, user, browser);
        Assert.Null(flaky.Pending);
        Assert.Equal(["plum"], (await two.States.GetAsync<Basket>(anonymous)).Items);
        Assert.Empty((await two.States.GetAsync<Basket>(userGroup)).Items);

        // The next sign-in, on the other server, carries it once.
        await SignInAsync(two, "tab-2-" + browser, user, browser);
        Assert.Equal(["plum"], (await one.States.GetAsync<Basket>(userGroup)).Items);
        Assert.Empty((await one.States.GetAsync<Basket>(anonymous)).Items);

        // A failure between the merge and the clear leaves the value in both groups (the documented price), never in neither.
        await one.States.MutateAsync<Basket>(anonymous, b => b.Items.Add("fig"));
        flaky.FailNext(anonymous, SlotKey<Basket>.Value);
        await SignInAsync(one, "tab-3-" + browser, user, browser);
        Assert.Null(flaky.Pending);
        Assert.Equal(["plum", "fig"], (await two.States.GetAsync<Basket>(userGroup)).Items);
        Assert.Equal(["fig"], (await two.States.GetAsync<Basket>(anonymous)).Items);
    }

    [Fact]
    public async Task CookielessPageLoadsCreateNoStateInRedisAndLeaveNoCacheEntryOrMessage()
    {
        var app = NewId("app");
        await using var cluster = await LiveCluster.StartRedisAsync(redis.Server, nodes: 2, application: app);
        var (node, other) = (cluster.First, cluster.Last);
        await using var admin = await RedisAdmin.ConnectAsync(redis.Server.EndPoint);
        var keysBefore = await KeysAsync(admin, app);
        var cached = node.Cache.Count;
        var heard = other.MessagesReceived;
        var middleware = new LiveStateMiddleware(
            async context =>
            {
                // What a prerender does: read the group's state, from the cache and from the store.
                var group = LiveIdentity.BrowserGroup(DefaultLiveIdentityResolver.FindBrowserId(context.User)!);
                _ = node.States.Get<Counter>(group);
                _ = await node.States.GetAsync<Counter>(group);
            },
            node.Services.GetRequiredService<BrowserIdCookie>(),
            node.Services.GetRequiredService<IOptionsMonitor<LiveStateOptions>>(),
            TimeProvider.System,
            NullLogger<LiveStateMiddleware>.Instance);

        for (var i = 0; i < 2_000; i++)
        {
            var context = new DefaultHttpContext();
            context.Request.Method = "GET";
            context.Request.Path = "/";
            context.Request.Headers.Accept = "text/html";
            await middleware.InvokeAsync(context);
            Assert.Contains(".LiveState.Browser=", context.Response.Headers.SetCookie.ToString(), StringComparison.Ordinal);
        }

        // A later message from the same server is seen by the other: nothing the loads published is still on its way.
        await node.Broadcaster.BroadcastToAllAsync();
        await Wait.UntilAsync(() => other.MessagesReceived > heard, "the other server heard the fence");
        Assert.Equal(heard + 1, other.MessagesReceived);
        Assert.Equal(keysBefore, await KeysAsync(admin, app));
        Assert.Equal(cached, node.Cache.Count);
        await foreach (var group in node.States.ListGroupsAsync())
        {
            Assert.Fail($"a group was created: {group}");
        }
    }

    private static async Task<List<string>> KeysAsync(RedisAdmin admin, string app)
    {
        var keys = ((RedisResult[])(await admin.ExecuteAsync("KEYS", $"livestate:{app}:*"))!).Select(k => (string)k!).ToList();
        keys.Sort(StringComparer.Ordinal);
        return keys;
    }

    [Fact]
    public async Task MaxCircuitsPerGroupBoundsAGroupsCircuitsOnEachServerNotTheCluster()
    {
        await using var cluster = await LiveCluster.StartRedisAsync(redis.Server, nodes: 2, liveState: o => o.MaxCircuitsPerGroup = 3);
        var (one, two) = (cluster.First, cluster.Last);
        var browser = NewId("tabs");
        var group = LiveIdentity.BrowserGroup(browser);
        for (var i = 0; i < 3; i++)
        {
            await OpenAsync(one, $"one-{browser}-{i}", Anonymous(browser));
        }

        // The fourth tab on the same server is refused, though the other server has none of the group.
        var refused = await Assert.ThrowsAsync<LiveStateCircuitLimitException>(() => OpenAsync(one, $"one-{browser}-3", Anonymous(browser)));
        Assert.Equal(3, refused.Limit);
        Assert.Equal(3, one.LocalRegistry.CountGroup(group));

        // Each server bounds its own: the other server takes three more, and refuses a fourth.
        for (var i = 0; i < 3; i++)
        {
            await OpenAsync(two, $"two-{browser}-{i}", Anonymous(browser));
        }

        await Assert.ThrowsAsync<LiveStateCircuitLimitException>(() => OpenAsync(two, $"two-{browser}-3", Anonymous(browser)));
        await cluster.WaitForPresenceAsync(6);
        Assert.All(cluster.Nodes, n => Assert.Equal(6, n.Presence.CountGroup(group)));
    }

    private static ClaimsPrincipal Anonymous(string browser) =>
        new(new ClaimsIdentity([new Claim(LiveStateClaimTypes.BrowserId, browser)]) { Label = LiveStateClaimTypes.BrowserIdentityLabel });

    private static Task SignInAsync(LiveNode node, string circuitId, string user, string browser)
    {
        var principal = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, user)], "Cookies"));
        principal.AddIdentity(new ClaimsIdentity([new Claim(LiveStateClaimTypes.BrowserId, browser)]) { Label = LiveStateClaimTypes.BrowserIdentityLabel });
        return OpenAsync(node, circuitId, principal);
    }

    // Through LiveState's real circuit handler (sign-in handlers, the circuit cap), as Blazor opens a circuit.
    private static Task OpenAsync(LiveNode node, string circuitId, ClaimsPrincipal principal)
    {
        var scope = node.Services.CreateAsyncScope();
        var circuit = SimulatedCircuit.Create(new WithUser(scope.ServiceProvider, new FixedAuthentication(principal)));
        return circuit.OpenAsync(circuitId);
    }

    [SessionGroupSlot("test.basket")]
    public sealed class Basket
    {
        public List<string> Items { get; set; } = [];
    }

    [SessionGroupSlot("test.marked")]
    public sealed class Marked
    {
        public string? Group { get; set; }

        public int Writes { get; set; }
    }

    private sealed class Carrier : ILiveSignInHandler
    {
        public static Action? OnMerge { get; set; }

        public Task OnSignedInAsync(LiveSignInContext context, CancellationToken cancellationToken) =>
            context.CarryOverAsync<Basket>(
                (anonymous, user) =>
                {
                    OnMerge?.Invoke();
                    return new Basket { Items = [.. user.Items, .. anonymous.Items] };
                },
                cancellationToken).AsTask();
    }

    private sealed class FixedAuthentication(ClaimsPrincipal user) : AuthenticationStateProvider
    {
        public override Task<AuthenticationState> GetAuthenticationStateAsync() => Task.FromResult(new AuthenticationState(user));
    }

    private sealed class WithUser(IServiceProvider inner, AuthenticationStateProvider authentication) : IServiceProvider
    {
        public object? GetService(Type serviceType) =>
            serviceType == typeof(AuthenticationStateProvider) ? authentication : inner.GetService(serviceType);
    }

    /// <summary>The Redis store, with one failure (as Redis failing between two round trips) injected on demand.</summary>
    private sealed class FlakyStore
    {
        private ISessionGroupStore _inner = default!;

        public (string Group, string Slot)? Pending { get; private set; }

        public ISessionGroupStore Wrap(ISessionGroupStore inner)
        {
            _inner = inner;
            return new Store(this);
        }

        public void FailNext(string group, string slot) => Pending = (group, slot);

        private sealed class Store(FlakyStore owner) : ISessionGroupStore
        {
            public ValueTask<SessionGroupSlot<T>?> GetAsync<T>(string groupId, string slotKey, CancellationToken cancellationToken = default) where T : class =>
                owner._inner.GetAsync<T>(groupId, slotKey, cancellationToken);

            public ValueTask<SessionGroupSlot<T>> UpdateAsync<T>(string groupId, string slotKey, Func<T?, T> update, CancellationToken cancellationToken = default) where T : class
            {
                if (owner.Pending == (groupId, slotKey))
                {
                    owner.Pending = null;
                    throw new LiveStateUnavailableException("Redis failed (injected).");
                }

                return owner._inner.UpdateAsync(groupId, slotKey, update, cancellationToken);
            }

            public ValueTask<bool> DeleteAsync(string groupId, CancellationToken cancellationToken = default) => owner._inner.DeleteAsync(groupId, cancellationToken);

            public IAsyncEnumerable<string> ListGroupsAsync(CancellationToken cancellationToken = default) => owner._inner.ListGroupsAsync(cancellationToken);
        }
    }
}
