using System.Collections.Concurrent;
using LiveState.Blazor.Backends;
using Microsoft.Extensions.DependencyInjection;

namespace LiveState.Blazor.Docs.Snippets;

// snippet-begin: in-process-backend
/// <summary>Connects the LiveState servers of one process (a demo, a test): the "network" of the backend below.</summary>
public sealed class InProcessBus
{
    private readonly ConcurrentDictionary<InProcessBackend, bool> _servers = new();

    public void Join(InProcessBackend server) => _servers[server] = true;

    public void Leave(InProcessBackend server) => _servers.TryRemove(server, out _);

    public IEnumerable<InProcessBackend> Others(InProcessBackend sender) => _servers.Keys.Where(s => s != sender);
}

/// <summary>A minimal backend: routes each message to the servers that host its target, and nowhere else.</summary>
public sealed class InProcessBackend(InProcessBus bus) : LiveStateBackend
{
    private readonly ConcurrentDictionary<LiveTopic, bool> _hosted = new();
    private ILiveStateHost? _host;
    private int _received;

    /// <summary>Messages this server was handed by the others (what routing saves).</summary>
    public int Received => Volatile.Read(ref _received);

    public override Task StartAsync(ILiveStateHost host, CancellationToken cancellationToken)
    {
        _host = host;
        foreach (var topic in host.Topics)
        {
            _hosted[topic] = true;
        }

        bus.Join(this);
        return Task.CompletedTask;
    }

    public override Task StopAsync(CancellationToken cancellationToken)
    {
        bus.Leave(this);
        return Task.CompletedTask;
    }

    // Quick and never throws: a real backend queues a (un)subscribe here.
    public override void OnTopicChanged(LiveTopic topic, bool hosted)
    {
        if (hosted)
        {
            _hosted[topic] = true;
        }
        else
        {
            _hosted.TryRemove(topic, out _);
        }
    }

    public override async ValueTask<int> PublishAsync(LiveMessage message, CancellationToken cancellationToken = default)
    {
        var reached = 0;
        foreach (var server in bus.Others(this))
        {
            // A filter is a delegate of this server's: decide it here, send the chosen circuits by id.
            var forServer = message.Target == LiveTargetKind.Filter
                ? LiveMessage.BroadcastToCircuits(
                    server._host!.LocalCircuits.GetAll().Where(message.Filter!).Select(c => c.CircuitId).ToArray(),
                    message.ExceptCircuitId)
                : message;
            if (server.Hosts(forServer))
            {
                Interlocked.Increment(ref server._received);
                reached += await server._host!.DeliverAsync(forServer, cancellationToken);
            }
        }

        return reached;
    }

    private bool Hosts(LiveMessage message) => message.Target switch
    {
        LiveTargetKind.Group => _hosted.ContainsKey(LiveTopic.Group(message.GroupId!)),
        LiveTargetKind.Users => message.Ids.Any(user => _hosted.ContainsKey(LiveTopic.User(user))),
        LiveTargetKind.Circuits => message.Ids.Any(id => _host!.LocalCircuits.Find(id) is not null),
        _ => true,
    };
}
// snippet-end: in-process-backend

public static class InProcessBackendSetup
{
    public static void Register(IServiceCollection services, InProcessBus bus)
    {
        // snippet-begin: add-backend
        services.AddSingleton(bus);                    // one bus shared by the servers of this process
        services.AddLiveState().AddBackend<InProcessBackend>();
        // snippet-end: add-backend
    }
}
