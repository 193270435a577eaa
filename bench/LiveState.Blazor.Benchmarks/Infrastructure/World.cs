using LiveState.Blazor.Broadcasting;
using LiveState.Blazor.Circuits;
using LiveState.Blazor.State;
using Microsoft.Extensions.DependencyInjection;

namespace LiveState.Blazor.Benchmarks.Infrastructure;

/// <summary>
/// N open tabs, three times over: registered with LiveState (each with a render target on its own dispatcher),
/// subscribed to baseline 1's single event, and subscribed to baseline 2's per-user lists.
/// Tabs 0-2 are alice's (one group, three tabs); tabs 3-5 are bob's, carol's and dave's; every other tab
/// is a user of its own (and so a group of its own). Every tab is signed in, so both of the registry's indexes (group
/// and user) are full. Baseline 2 keeps two dictionaries, one keyed by user and one by group, as a hand-written app
/// that targets both would.
/// </summary>
internal sealed class World : IDisposable
{
    public const string Alice = "alice";

    public static readonly string AliceGroup = LiveIdentity.UserGroup(Alice);

    public static readonly string[] ThreeUsers = ["bob", "carol", "dave"];

    private readonly ServiceProvider _services;

    private World(int circuits, Action<ILiveStateBuilder>? configure)
    {
        var builder = new ServiceCollection()
            .AddLogging()
            .AddLiveState();
        configure?.Invoke(builder);
        _services = builder.Services.BuildServiceProvider();
        UserIds = new string[circuits];
        GroupIds = new string[circuits];
        Registry = _services.GetRequiredService<CircuitRegistry>();
        Broadcaster = _services.GetRequiredService<Broadcaster>();
        State = _services.GetRequiredService<SessionGroupStateService>();

        var random = new Random(20_251_128);
        for (var i = 0; i < circuits; i++)
        {
            var userId = UserOf(i);
            var identity = new LiveIdentity(LiveIdentity.UserGroup(userId), userId);
            UserIds[i] = userId;
            GroupIds[i] = identity.GroupId;

            var live = new FakeComponent();
            Registry.Register(CircuitId(random), identity).AddTarget(new LiveTarget(live));
            LiveComponents.Add(live);

            var single = new FakeComponent();
            _ = new SingleEventSubscriber(Notifier, single, identity.GroupId, userId);
            SingleEventComponents.Add(single);

            var perUser = new FakeComponent();
            PerUser.Subscribe(userId, perUser);
            PerGroup.Subscribe(identity.GroupId, perUser);
            PerUserComponents.Add(perUser);
        }
    }

    public CircuitRegistry Registry { get; }

    public Broadcaster Broadcaster { get; }

    public SessionGroupStateService State { get; }

    public SingleEventNotifier Notifier { get; } = new();

    public PerUserEventLists PerUser { get; } = new();

    /// <summary>Baseline 2's lists keyed by group id (the same components as <see cref="PerUser"/>).</summary>
    public PerUserEventLists PerGroup { get; } = new();

    /// <summary>Each tab's user id.</summary>
    public string[] UserIds { get; }

    /// <summary>Each tab's group id.</summary>
    public string[] GroupIds { get; }

    public List<FakeComponent> LiveComponents { get; } = [];

    public List<FakeComponent> SingleEventComponents { get; } = [];

    public List<FakeComponent> PerUserComponents { get; } = [];

    /// <param name="circuits">Open tabs.</param>
    /// <param name="configure">Further LiveState set-up, such as <c>AddRedis</c>.</param>
    public static World Create(int circuits, Action<ILiveStateBuilder>? configure = null)
    {
        if (circuits < 6)
        {
            throw new ArgumentOutOfRangeException(nameof(circuits), "At least six tabs: three of alice, one each of bob, carol and dave.");
        }

        return new World(circuits, configure);
    }

    public static string UserOf(int tab) => tab switch
    {
        < 3 => Alice,
        < 6 => ThreeUsers[tab - 3],
        _ => Guid.CreateVersion7().ToString(),
    };

    /// <summary>A circuit id shaped like Blazor's: 32 random bytes, base64url.</summary>
    public static string CircuitId(Random random)
    {
        Span<byte> bytes = stackalloc byte[32];
        random.NextBytes(bytes);
        return Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    /// <summary>Total renders of a set of components (to check a benchmark reached exactly whom it should).</summary>
    public static long Renders(IEnumerable<FakeComponent> components) => components.Sum(c => (long)c.Renders);

    /// <summary>Starts the hosted services a host would start (the Redis backend's subscriptions and presence).</summary>
    public async Task StartHostedServicesAsync()
    {
        foreach (var service in _services.GetServices<Microsoft.Extensions.Hosting.IHostedService>())
        {
            await service.StartAsync(CancellationToken.None);
        }
    }

    public void Dispose()
    {
        foreach (var service in _services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().Reverse())
        {
            service.StopAsync(CancellationToken.None).GetAwaiter().GetResult();
        }

        // The Redis backend's services are only asynchronously disposable.
        _services.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }
}
