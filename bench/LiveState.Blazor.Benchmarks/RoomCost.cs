using System.Diagnostics;
using LiveState.Blazor.Benchmarks.Infrastructure;
using LiveState.Blazor.Circuits;
using LiveState.Blazor.Rooms;
using Microsoft.Extensions.DependencyInjection;

namespace LiveState.Blazor.Benchmarks;

/// <summary>
/// What rooms cost (issue 16), against the plain group broadcast in the same run: M circuits (each its own anonymous
/// browser, each with a broadcast target and a room handle whose presence it reads) sit in one room. The cases, paired
/// round by round in alternating order:
/// <list type="bullet">
/// <item>the baseline, <c>BroadcastToGroupAsync(room:bench)</c>: reaches the M members' targets;</item>
/// <item>a metadata change reaching the M members: member 0 sets <c>status</c> to a new value and the operation ends
/// when every member's presence reader has re-rendered (<c>PresenceUpdateInterval</c> zero, so no change is coalesced
/// away: the cost of one change, not of one window);</item>
/// <item>a join and a leave: one more circuit joins the room (authorizer asked, registry move, its metadata entry
/// written, the members' presence readers told) and leaves it again.</item>
/// </list>
/// Hand-off dispatchers (<see cref="FakeComponent"/>): delivery is measured, not rendering. Process CPU time, so work a
/// change leaves to other threads is counted.
/// </summary>
internal static class RoomCost
{
    private const string RoomId = "bench";

    public static int Run(int members, int rounds)
    {
        Paired.PrintEnvironment($"Rooms: one room of {members:N0} circuits; a metadata change reaching them and a join + leave vs a broadcast to the room's group; {rounds} rounds of {Paired.Window.TotalMilliseconds:F0} ms windows alternating");
        using var world = RoomWorld.Create(members);

        PairedSide broadcast = new("group broadcast", async () => await world.Broadcaster.BroadcastToGroupAsync(world.GroupId));
        var status = 0L;
        PairedSide metadata = new("metadata change", async () =>
        {
            var expected = Interlocked.Read(ref world.Renders) + members;
            await world.Writer.SetMetadataAsync("status", (++status).ToString(System.Globalization.CultureInfo.InvariantCulture));
            world.WaitForRenders(expected);
            return members;
        });
        PairedSide joinLeave = new("join + leave", async () =>
        {
            var handle = await world.Joiner.Rooms.JoinAsync(RoomId, world.JoinerMetadata, world.JoinerOwner, CancellationToken.None);
            await handle.LeaveAsync();
            return members;
        });

        var results = Paired.Run([broadcast, metadata, joinLeave], rounds);
        (int, int)[] ratios = [(1, 0), (2, 0)];
        Console.WriteLine(Paired.Header(["group broadcast", "metadata change", "join + leave"], ratios));
        Console.WriteLine(Paired.Row($"one room", members, 1, results, ratios));
        Console.WriteLine();
        Console.WriteLine($"Per operation, not per member. Members' presence renders per metadata change: {members:N0} (waited for). Broadcasts reached {world.Broadcaster.BroadcastToGroupAsync(world.GroupId).AsTask().GetAwaiter().GetResult():N0} circuits. Load average now {Paired.LoadAverage()}.");
        return 0;
    }

    private sealed class RoomWorld : IDisposable
    {
        private readonly ServiceProvider _services;
        private readonly List<IServiceScope> _scopes = [];

        public long Renders;

        private RoomWorld(ServiceProvider services) => _services = services;

        public ILiveBroadcaster Broadcaster => _services.GetRequiredService<ILiveBroadcaster>();

        public string GroupId { get; } = LiveRooms.GroupId(RoomId);

        public ILiveRoom Writer { get; private set; } = default!;

        public LiveCircuitContext Joiner { get; private set; } = default!;

        public RoomOwner JoinerOwner { get; private set; } = default!;

        public IReadOnlyDictionary<string, string> JoinerMetadata { get; } = new Dictionary<string, string> { ["name"] = "joiner" };

        public static RoomWorld Create(int members)
        {
            var services = new ServiceCollection()
                .AddLogging()
                .AddLiveState(options => options.PresenceUpdateInterval = TimeSpan.Zero)
                .AddRoomAuthorizer((_, _) => ValueTask.FromResult(true))
                .Services.BuildServiceProvider();
            var world = new RoomWorld(services);
            for (var i = 0; i < members; i++)
            {
                var context = world.Open($"member-{i}");
                var handle = context.Rooms.JoinAsync(RoomId, new Dictionary<string, string> { ["name"] = $"member {i}" }, new CountingOwner(world), CancellationToken.None).GetAwaiter().GetResult();
                _ = handle.Presence; // the member reads who is here: its presence changes re-render it
                if (i == 0)
                {
                    world.Writer = handle;
                }
            }

            world.Joiner = world.Open("joiner");
            world.JoinerOwner = new CountingOwner(null);
            return world;
        }

        private LiveCircuitContext Open(string id)
        {
            var scope = _services.CreateScope();
            _scopes.Add(scope);
            var context = scope.ServiceProvider.GetRequiredService<LiveCircuitContext>();
            context.Attach(id, new LiveIdentity(LiveIdentity.BrowserGroup(id))).AddTarget(new LiveTarget(new FakeComponent()));
            return context;
        }

        public void WaitForRenders(long expected)
        {
            var watch = Stopwatch.StartNew();
            var spin = new SpinWait();
            while (Interlocked.Read(ref Renders) < expected)
            {
                if (watch.Elapsed > TimeSpan.FromSeconds(10))
                {
                    throw new InvalidOperationException($"A metadata change rendered {Interlocked.Read(ref Renders) - expected} fewer presence readers than the room has members.");
                }

                spin.SpinOnce();
            }
        }

        public void Dispose()
        {
            foreach (var scope in _scopes)
            {
                scope.Dispose();
            }

            _services.Dispose();
        }
    }

    /// <summary>A room handle's owner: a hand-off dispatcher, and a render that counts.</summary>
    private sealed class CountingOwner(RoomWorld? world) : RoomOwner
    {
        private readonly FakeComponent _component = new();

        public override bool IsAlive => true;

        public override void Render()
        {
            _component.StateHasChanged();
            if (world is not null)
            {
                Interlocked.Increment(ref world.Renders);
            }
        }

        public override Task? Dispatch(Func<Task> work) => _component.InvokeAsync(work);
    }
}
