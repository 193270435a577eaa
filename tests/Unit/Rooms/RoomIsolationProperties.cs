using FsCheck.Xunit;
using LiveState.Blazor.Broadcasting;
using LiveState.Blazor.Rooms;
using LiveState.Blazor.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace LiveState.Blazor.Tests.Rooms;

/// <summary>
/// Issue 16: random scripts of circuits opening and closing, joining and leaving three rooms (several handles per
/// circuit and room), writing room state, setting metadata, broadcasting to a room and writing a session group's own
/// state, checked against a model after every step: a room's state is its own, a write or a metadata change re-renders
/// exactly the readers of that room, a broadcast to a room reaches exactly its members, and nothing that happens in one
/// room renders anything of a circuit outside it.
/// </summary>
public sealed class RoomIsolationProperties
{
    private static readonly string[] RoomIds = ["a", "b", "c"];
    private static readonly string[] Users = ["u0", "u1", "u2"];
    private static readonly string[] Browsers = ["b0", "b1", "b2"];

    [Property(MaxTest = 1000)]
    public void NoMessageOrRenderCrossesRooms(byte[] script)
    {
        using var world = new World();
        for (var i = 0; i + 2 < script.Length; i += 3)
        {
            world.Step(script[i], script[i + 1], script[i + 2]);
            world.AssertModel();
        }
    }

    private sealed class World : IDisposable
    {
        private readonly LiveTestServer _server = new(
            options => options.PresenceUpdateInterval = TimeSpan.Zero,
            services => services.AddSingleton<ILiveRoomAuthorizer>(new ScriptedAuthorizer()));

        private readonly List<ModelCircuit> _circuits = [];
        private readonly List<ModelHandle> _handles = [];
        private readonly Dictionary<string, int> _values = new(StringComparer.Ordinal);
        private int _nextId;
        private int _nextMetadata;

        public void Dispose()
        {
            foreach (var circuit in _circuits)
            {
                circuit.Circuit.Dispose();
            }

            _server.Dispose();
        }

        private static LiveIdentity IdentityFor(byte a) => (a % 2) switch
        {
            0 => new LiveIdentity(LiveIdentity.BrowserGroup(Browsers[a / 2 % 3])),
            _ => new LiveIdentity(LiveIdentity.UserGroup(Users[a / 2 % 3]), Users[a / 2 % 3]),
        };

        private IEnumerable<ModelCircuit> Open => _circuits.Where(c => c.IsOpen);

        private IEnumerable<ModelHandle> Joined => _handles.Where(h => h.Room.IsJoined);

        private bool IsIn(ModelCircuit circuit, string roomId) => Joined.Any(h => h.Circuit == circuit && h.RoomId == roomId);

        private static T? Pick<T>(List<T> items, byte a) where T : class => items.Count == 0 ? null : items[a % items.Count];

        public void Step(byte op, byte a, byte b)
        {
            var roomId = RoomIds[b % RoomIds.Length];
            switch (op % 9)
            {
                case 0 or 1:
                    var id = $"c{_nextId++}";
                    _circuits.Add(new ModelCircuit(AttachedCircuit.Open(_server, id, IdentityFor(a))));
                    break;

                case 2 when Pick(Open.ToList(), a) is { } closing:
                    var rooms = RoomIds.Where(r => IsIn(closing, r)).ToList();
                    var identity = _server.Registry.Find(closing.Circuit.Id)!.Identity;
                    var notifier = _server.Services.GetRequiredService<IChangeNotifier>();
                    Expect(
                        () =>
                        {
                            closing.Circuit.Close();
                            closing.IsOpen = false;

                            // As the circuit handler does on close: the presence readers of its groups re-render.
                            foreach (var group in identity.Memberships)
                            {
                                notifier.PresenceChangedAsync(group).AsTask().GetAwaiter().GetResult();
                            }
                        },
                        inRooms: rooms,
                        exact: false);

                    // Its session group's presence too, outside the check: the other tabs of its browser or user read
                    // that legitimately, whatever rooms they are in.
                    notifier.PresenceChangedAsync(identity.GroupId).AsTask().GetAwaiter().GetResult();
                    break;

                case 3 when Pick(Open.ToList(), a) is { } joining:
                    Expect(
                        () =>
                        {
                            var owner = new FakeRoomOwner();
                            var room = joining.Circuit.JoinAsync(roomId, owner).GetAwaiter().GetResult();
                            _ = room.State<Counter>();
                            _ = room.Presence;
                            _handles.Add(new ModelHandle(joining, roomId, room, owner));
                        },
                        inRooms: [roomId],
                        exact: false);
                    break;

                case 4 when Pick(Joined.ToList(), a) is { } leaving:
                    Expect(() => leaving.Room.LeaveAsync().GetAwaiter().GetResult(), inRooms: [leaving.RoomId], exact: false);
                    break;

                case 5 when Pick(Joined.ToList(), a) is { } writer:
                    Expect(() => writer.Room.State<Counter>().MutateAsync(c => c.Value += 1 + (b % 5)).GetAwaiter().GetResult(), inRooms: [writer.RoomId], exact: true);
                    _values[writer.RoomId] = Value(writer.RoomId) + 1 + (b % 5);
                    break;

                case 6 when Pick(Joined.ToList(), a) is { } typist:
                    var status = $"typing {_nextMetadata++}";
                    Expect(() => typist.Room.SetMetadataAsync("status", status).GetAwaiter().GetResult(), inRooms: [typist.RoomId], exact: true);
                    Assert.All(Joined.Where(h => h.RoomId == typist.RoomId), h => Assert.Contains(h.Room.Presence.Members, m => m.Get("status") == status));
                    Assert.All(Joined.Where(h => h.RoomId != typist.RoomId), h => Assert.DoesNotContain(h.Room.Presence.Members, m => m.Get("status") == status));
                    break;

                case 7:
                    var members = Open.Where(c => IsIn(c, roomId)).ToList();
                    var reached = 0;
                    Expect(() => reached = _server.Broadcaster.BroadcastToGroupAsync(LiveRooms.GroupId(roomId)).AsTask().GetAwaiter().GetResult(), inRooms: [roomId], exact: true, broadcast: true);
                    Assert.Equal(members.Count, reached);
                    break;

                case 8 when Pick(Open.ToList(), a) is { } own:
                    // A session group's own state is no room's: no room reader renders.
                    var group = _server.Registry.Find(own.Circuit.Id)!.GroupId;
                    Expect(() => _server.States.MutateAsync<Counter>(group, c => c.Value++).GetAwaiter().GetResult(), inRooms: [], exact: false);
                    break;
            }
        }

        private int Value(string roomId) => _values.GetValueOrDefault(roomId);

        /// <summary>
        /// Runs <paramref name="act"/> (something that happens in <paramref name="inRooms"/>) and checks who rendered: never
        /// a reader of another room, never a circuit outside these rooms; with <paramref name="exact"/>, every reader of the
        /// rooms (for a broadcast: none, the component's own target takes broadcasts) and every circuit in them.
        /// </summary>
        private void Expect(Action act, IReadOnlyCollection<string> inRooms, bool exact, bool broadcast = false)
        {
            var handles = _handles.ToList();
            var circuits = Open.ToList();
            var ownersBefore = handles.ToDictionary(h => h, h => h.Owner.Renders);
            var circuitsBefore = circuits.ToDictionary(c => c, c => c.Circuit.Everything.Renders);
            var readers = handles.Where(h => h.Room.IsJoined && inRooms.Contains(h.RoomId)).ToHashSet();
            var inside = circuits.Where(c => inRooms.Any(r => IsIn(c, r))).ToHashSet();

            act();

            // A circuit that joined is inside too: the room's presence change reaches it once it is a member.
            inside.UnionWith(circuits.Where(c => c.IsOpen && inRooms.Any(r => IsIn(c, r))));

            foreach (var handle in handles)
            {
                var rendered = handle.Owner.Renders > ownersBefore[handle];
                if (!readers.Contains(handle) || broadcast)
                {
                    Assert.False(rendered, $"{handle} rendered for something in {string.Join(",", inRooms)}");
                }
                else if (exact)
                {
                    Assert.True(rendered, $"{handle} did not render for something in its room");
                }
            }

            foreach (var circuit in circuits.Where(c => c.IsOpen))
            {
                var rendered = circuit.Circuit.Everything.Renders > circuitsBefore[circuit];
                if (!inside.Contains(circuit) && !(inRooms.Count == 0 && exact))
                {
                    // A write to a session group's own state renders its own circuits: not this check's business.
                    if (inRooms.Count > 0)
                    {
                        Assert.False(rendered, $"{circuit.Circuit.Id} (in {string.Join(",", RoomIds.Where(r => IsIn(circuit, r)))}) rendered for something in {string.Join(",", inRooms)}");
                    }
                }
                else if (exact)
                {
                    Assert.True(rendered, $"{circuit.Circuit.Id} did not render for something in its room");
                }
            }
        }

        public void AssertModel()
        {
            foreach (var roomId in RoomIds)
            {
                var members = Open.Count(c => IsIn(c, roomId));
                Assert.Equal(members, _server.Registry.CountGroup(LiveRooms.GroupId(roomId)));
                Assert.Equal(Value(roomId), _server.States.Get<Counter>(LiveRooms.GroupId(roomId)).Value);
            }

            foreach (var circuit in Open)
            {
                var expected = RoomIds.Where(r => IsIn(circuit, r)).Select(LiveRooms.GroupId).ToArray();
                Assert.Equal(expected, _server.Registry.Find(circuit.Circuit.Id)!.Identity.Memberships);
            }

            foreach (var handle in Joined)
            {
                Assert.Equal(Value(handle.RoomId), handle.Room.State<Counter>().Value.Value);
                Assert.Equal(Open.Count(c => IsIn(c, handle.RoomId)), handle.Room.Presence.Count);
                Assert.Single(handle.Room.Presence.Members, m => m.IsSelf);
            }
        }
    }

    private sealed class ModelCircuit(AttachedCircuit circuit)
    {
        public AttachedCircuit Circuit { get; } = circuit;

        public bool IsOpen { get; set; } = true;
    }

    private sealed record ModelHandle(ModelCircuit Circuit, string RoomId, RoomHandle Room, FakeRoomOwner Owner)
    {
        public override string ToString() => $"{Circuit.Circuit.Id}'s handle of {RoomId}";
    }
}
