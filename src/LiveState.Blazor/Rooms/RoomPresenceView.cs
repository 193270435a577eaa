namespace LiveState.Blazor.Rooms;

/// <summary>
/// <see cref="ILiveRoomPresence"/>: the room's circuits from presence, each with its entry of the room's
/// <see cref="RoomMembers"/> slot. Built once per change of either (readers of one render share it).
/// </summary>
internal sealed class RoomPresenceView(RoomHandle room) : ILiveRoomPresence
{
    private Snapshot? _last;

    public string RoomId => room.Id;

    public int Count => room.CanRead ? room.Rooms.Presence.CountGroup(room.GroupId) : 0;

    public IReadOnlyList<LiveRoomMember> Members => Current().Members;

    public IReadOnlyList<LiveRoomUser> Users => Current().Users;

    private Snapshot Current()
    {
        if (!room.CanRead)
        {
            return Snapshot.Empty;
        }

        var rooms = room.Rooms;
        var circuits = rooms.Presence.GetCircuitsOfGroup(room.GroupId);
        var members = rooms.States.Get<RoomMembers>(room.GroupId);
        var self = rooms.Context.Circuit?.Id;
        var last = Volatile.Read(ref _last);
        if (last is not null && last.Matches(circuits, members, self))
        {
            return last;
        }

        var next = Snapshot.Build(circuits, members, self);
        Volatile.Write(ref _last, next);
        return next;
    }

    private sealed class Snapshot
    {
        public static readonly Snapshot Empty = new([], null, null, [], []);

        private readonly IReadOnlyList<LiveCircuitInfo> _circuits;
        private readonly RoomMembers? _slot;
        private readonly string? _self;

        private Snapshot(IReadOnlyList<LiveCircuitInfo> circuits, RoomMembers? slot, string? self, LiveRoomMember[] members, LiveRoomUser[] users)
        {
            _circuits = circuits;
            _slot = slot;
            _self = self;
            Members = members;
            Users = users;
        }

        public LiveRoomMember[] Members { get; }

        public LiveRoomUser[] Users { get; }

        public bool Matches(IReadOnlyList<LiveCircuitInfo> circuits, RoomMembers slot, string? self)
        {
            if (!ReferenceEquals(slot, _slot) || !string.Equals(self, _self, StringComparison.Ordinal) || circuits.Count != _circuits.Count)
            {
                return false;
            }

            // The registry hands out the same snapshot of a circuit until the circuit changes.
            for (var i = 0; i < circuits.Count; i++)
            {
                if (!ReferenceEquals(circuits[i], _circuits[i]))
                {
                    return false;
                }
            }

            return true;
        }

        public static Snapshot Build(IReadOnlyList<LiveCircuitInfo> circuits, RoomMembers slot, string? self)
        {
            var members = new LiveRoomMember[circuits.Count];
            var userKeys = new string[circuits.Count];
            for (var i = 0; i < circuits.Count; i++)
            {
                var circuit = circuits[i];
                var (memberKey, userKey) = MemberKeys.For(circuit);
                var entry = slot.Members.GetValueOrDefault(circuit.CircuitId);
                members[i] = new LiveRoomMember(
                    memberKey,
                    circuit.UserId,
                    isSelf: string.Equals(circuit.CircuitId, self, StringComparison.Ordinal),
                    circuit.IsConnected,
                    entry is null ? RoomMetadata.Empty : new System.Collections.ObjectModel.ReadOnlyDictionary<string, string>(entry.Metadata),
                    entry?.UpdatedAt);
                userKeys[i] = userKey;
            }

            var order = Enumerable.Range(0, members.Length)
                .OrderBy(i => circuits[i].OpenedAt)
                .ThenBy(i => members[i].Key, StringComparer.Ordinal)
                .ToArray();
            var sorted = new LiveRoomMember[members.Length];
            var byUser = new Dictionary<string, List<LiveRoomMember>>(StringComparer.Ordinal);
            var userOrder = new List<string>();
            for (var i = 0; i < order.Length; i++)
            {
                var member = sorted[i] = members[order[i]];
                var key = userKeys[order[i]];
                if (!byUser.TryGetValue(key, out var list))
                {
                    byUser[key] = list = [];
                    userOrder.Add(key);
                }

                list.Add(member);
            }

            var users = new LiveRoomUser[userOrder.Count];
            for (var i = 0; i < users.Length; i++)
            {
                var list = byUser[userOrder[i]];
                users[i] = new LiveRoomUser(userOrder[i], list[0].UserId, [.. list]);
            }

            return new Snapshot([.. circuits], slot, self, sorted, users);
        }
    }
}
