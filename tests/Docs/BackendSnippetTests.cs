using Bunit;
using LiveState.Blazor.Docs.Snippets;
using LiveState.Blazor.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace LiveState.Blazor.Docs;

/// <summary>docs/scaling.md, "Writing a backend": the example backend connects two servers and routes by topic.</summary>
public sealed class BackendSnippetTests : IAsyncDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(60));
    private readonly List<BunitContext> _servers = [];

    private CancellationToken Ct => _timeout.Token;

    [Fact]
    public async Task The_in_process_backend_brings_a_broadcast_to_the_other_server_only_when_it_hosts_the_target()
    {
        var bus = new InProcessBus();
        var (one, two) = (await StartAsync(bus), await StartAsync(bus));
        var backendTwo = two.Services.GetRequiredService<InProcessBackend>();
        one.RenderLive<SharedCounter>(new LiveIdentity("board"));
        one.RenderLive<SharedCounter>(new LiveIdentity("only-here"));
        var memberCircuit = two.OpenCircuit(new LiveIdentity("board"));
        var member = memberCircuit.Render<SharedCounter>();
        var bystander = two.RenderLive<SharedCounter>(new LiveIdentity("elsewhere", "bob"));
        var broadcaster = one.Services.GetRequiredService<ILiveBroadcaster>();
        var (memberRenders, bystanderRenders) = (member.RenderCount, bystander.RenderCount);

        // A group both servers host: one circuit here and one on the other server.
        Assert.Equal(2, await broadcaster.BroadcastToGroupAsync("board", cancellationToken: Ct));
        member.WaitForAssertion(() => Assert.Equal(memberRenders + 1, member.RenderCount), Deadline);
        Assert.Equal(1, backendTwo.Received);

        // A group only this server hosts: the other server is not even handed the message.
        Assert.Equal(1, await broadcaster.BroadcastToGroupAsync("only-here", cancellationToken: Ct));
        Assert.Equal(1, backendTwo.Received);

        // A user hosted there, and a filter decided here over the other server's circuits.
        Assert.Equal(1, await broadcaster.BroadcastToUsersAsync(["bob"], cancellationToken: Ct));
        bystander.WaitForAssertion(() => Assert.Equal(bystanderRenders + 1, bystander.RenderCount), Deadline);
        Assert.Equal(1, await broadcaster.BroadcastAsync(c => c.GroupId == "elsewhere", cancellationToken: Ct));
        bystander.WaitForAssertion(() => Assert.Equal(bystanderRenders + 2, bystander.RenderCount), Deadline);
        Assert.Equal(3, backendTwo.Received);
        Assert.Equal(memberRenders + 1, member.RenderCount);

        // When its last circuit in the group closes, the other server stops receiving the group's messages.
        memberCircuit.Dispose();
        Assert.Equal(1, await broadcaster.BroadcastToGroupAsync("board", cancellationToken: Ct));
        Assert.Equal(3, backendTwo.Received);
    }

    private async Task<BunitContext> StartAsync(InProcessBus bus)
    {
        var server = new BunitContext();
        _servers.Add(server);
        server.AddLiveState();
        InProcessBackendSetup.Register(server.Services, bus);
        foreach (var hosted in server.Services.GetServices<IHostedService>())
        {
            await hosted.StartAsync(Ct);
        }

        return server;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var server in _servers)
        {
            foreach (var hosted in server.Services.GetServices<IHostedService>())
            {
                await hosted.StopAsync(CancellationToken.None);
            }

            await server.DisposeAsync();
        }

        _timeout.Dispose();
    }
}
