using FsCheck.Xunit;
using LiveState.Blazor.Circuits;
using LiveState.Blazor.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace LiveState.Blazor.Tests.Hardening;

/// <summary>
/// Random scripts of users, browsers, teams, circuits opening, closing and moving, updates and broadcasts of every
/// form, checked against a model after every step: no circuit ever sees another group's state, and every broadcast
/// reaches exactly the circuits that match it.
/// </summary>
public sealed class IsolationProperties
{
    private static readonly string[] Users = ["u0", "u1", "u2", "u3"];
    private static readonly string[] Browsers = ["b0", "b1", "b2", "b3"];
    private static readonly string[] Teams = ["team:red", "team:blue"];

    [Property(MaxTest = 1000)]
    public void NoCircuitSeesAnotherGroupsStateAndBroadcastsReachExactlyTheMatches(byte[] script)
    {
        using var world = new World();
        for (var i = 0; i + 2 < script.Length; i += 3)
        {
            world.Step(script[i], script[i + 1], script[i + 2]);
            world.AssertIsolation();
        }
    }

    private sealed class World : IDisposable
    {
        private readonly LiveTestServer _server = new();
        private readonly List<ModelCircuit> _open = [];
        private readonly Dictionary<string, int> _values = new(StringComparer.Ordinal);
        private int _nextId;

        public void Dispose() => _server.Dispose();

        private static LiveIdentity IdentityFor(byte a) => (a % 4) switch
        {
            0 => new LiveIdentity(LiveIdentity.BrowserGroup(Browsers[a / 4 % 4])),
            1 => new LiveIdentity(LiveIdentity.UserGroup(Users[a / 4 % 4]), Users[a / 4 % 4]),
            2 => new LiveIdentity(LiveIdentity.UserGroup(Users[a / 4 % 4]), Users[a / 4 % 4], [Teams[a / 16 % 2]]),
            _ => new LiveIdentity(Teams[a / 4 % 2], Users[a / 8 % 4]),
        };

        private static string GroupFor(byte a) => (a % 3) switch
        {
            0 => LiveIdentity.BrowserGroup(Browsers[a / 3 % 4]),
            1 => LiveIdentity.UserGroup(Users[a / 3 % 4]),
            _ => Teams[a / 3 % 2],
        };

        private ModelCircuit? Pick(byte a) => _open.Count == 0 ? null : _open[a % _open.Count];

        public void Step(byte op, byte a, byte b)
        {
            switch (op % 10)
            {
                case 0 or 1:
                    Open(IdentityFor(a));
                    break;
                case 2 when Pick(a) is { } closing:
                    _server.Registry.Unregister(closing.Id);
                    _open.Remove(closing);
                    break;
                case 3 when Pick(a) is { } writer:
                    Expect(() => writer.Context.State!.MutateAsync<Counter>(c => c.Value += 1 + (b % 5)).GetAwaiter().GetResult(), Matching(c => c.Identity.BelongsTo(writer.Identity.GroupId)));
                    _values[writer.Identity.GroupId] = Value(writer.Identity.GroupId) + 1 + (b % 5);
                    break;
                case 4:
                    var group = GroupFor(a);
                    Expect(() => _server.States.MutateAsync<Counter>(group, c => c.Value = b).GetAwaiter().GetResult(), Matching(c => c.Identity.BelongsTo(group)));
                    _values[group] = b;
                    break;
                case 5:
                    var target = GroupFor(a);
                    var except = b % 2 == 0 ? Pick(b)?.Id : null;
                    ExpectBroadcast(() => _server.Broadcaster.BroadcastToGroupAsync(target, except), Matching(c => c.Identity.BelongsTo(target) && c.Id != except));
                    break;
                case 6:
                    var users = Users.Where((_, i) => (a & (1 << i)) != 0).ToArray();
                    ExpectBroadcast(() => _server.Broadcaster.BroadcastToUsersAsync(users), Matching(c => c.Identity.UserId is { } u && users.Contains(u)));
                    break;
                case 7 when Pick(a) is { } one:
                    ExpectBroadcast(() => _server.Broadcaster.BroadcastToCircuitAsync(one.Id), Matching(c => c == one));
                    break;
                case 8:
                    var user = Users[a % 4];
                    var filterGroup = GroupFor(b);
                    var all = b % 3 == 0;
                    ExpectBroadcast(
                        () => all ? _server.Broadcaster.BroadcastToAllAsync() : _server.Broadcaster.BroadcastAsync(c => c.UserId == user || c.GroupId == filterGroup),
                        Matching(c => all || c.Identity.UserId == user || c.Identity.GroupId == filterGroup));
                    break;
                case 9 when Pick(a) is { } moving:
                    var next = IdentityFor(b);
                    _server.Registry.Move(moving.Id, next);
                    moving.Identity = next;
                    break;
            }
        }

        private void Open(LiveIdentity identity)
        {
            var id = $"c{_nextId++}";
            var context = ActivatorUtilities.CreateInstance<LiveCircuitContext>(_server.Services);
            var circuit = context.Attach(id, identity);
            var model = new ModelCircuit(id, identity, context, new FakeRenderTarget());
            circuit.AddTarget(model.Target);
            _open.Add(model);
        }

        private int Value(string group) => _values.GetValueOrDefault(group);

        private HashSet<ModelCircuit> Matching(Func<ModelCircuit, bool> predicate) => _open.Where(predicate).ToHashSet();

        private Dictionary<ModelCircuit, int> Renders() => _open.ToDictionary(c => c, c => c.Target.Renders);

        private void Expect(Action act, HashSet<ModelCircuit> expected)
        {
            var before = Renders();
            act();
            AssertRendered(before, expected);
        }

        private void ExpectBroadcast(Func<ValueTask<int>> broadcast, HashSet<ModelCircuit> expected)
        {
            var before = Renders();
            var reached = broadcast().AsTask().GetAwaiter().GetResult();
            Assert.Equal(expected.Count, reached);
            AssertRendered(before, expected);
        }

        private static void AssertRendered(Dictionary<ModelCircuit, int> before, HashSet<ModelCircuit> expected)
        {
            foreach (var (circuit, renders) in before)
            {
                var rendered = circuit.Target.Renders > renders;
                Assert.True(rendered == expected.Contains(circuit), $"{circuit.Id} ({circuit.Identity.GroupId}) rendered={rendered}, expected={expected.Contains(circuit)}");
            }
        }

        public void AssertIsolation()
        {
            Assert.Equal(_open.Count, _server.Registry.Count);
            foreach (var circuit in _open)
            {
                var state = circuit.Context.State!;
                Assert.Equal(circuit.Identity.GroupId, state.GroupId);
                Assert.Equal(Value(circuit.Identity.GroupId), state.Get<Counter>().Value);
            }
        }
    }

    private sealed class ModelCircuit(string id, LiveIdentity identity, LiveCircuitContext context, FakeRenderTarget target)
    {
        public string Id { get; } = id;

        public LiveIdentity Identity { get; set; } = identity;

        public LiveCircuitContext Context { get; } = context;

        public FakeRenderTarget Target { get; } = target;
    }
}
