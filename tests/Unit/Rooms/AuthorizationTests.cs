using Bunit;
using LiveState.Blazor.Tests.Hardening;
using LiveState.Blazor.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace LiveState.Blazor.Tests.Rooms;

/// <summary>Issue 16: who may join. A refusal is a typed exception and nothing of the room is read; a broken or missing rule refuses.</summary>
public sealed class AuthorizationTests
{
    private static readonly LiveIdentity Alice = new("user:alice", "alice");

    [Fact]
    public async Task WithoutAnAuthorizerEveryJoinIsRefusedWithAMessageThatSaysWhatToRegister()
    {
        using var server = new LiveTestServer();
        await server.States.MutateAsync<Counter>("room:a", c => c.Value = 42);

        using var tab = new RoomTab<RoomProbe>(server, "tab", Alice);

        tab.Component.WaitForAssertion(() => Assert.NotNull(tab.Component.Instance.Refused), Wait.Deadline);
        var refused = tab.Component.Instance.Refused!;
        Assert.Equal("a", refused.RoomId);
        Assert.True(refused.IsFailure);
        Assert.Contains("AddRoomAuthorizer", refused.Message, StringComparison.Ordinal);
        Assert.Empty(tab.Component.FindAll(".value"));
        Assert.Empty(server.Registry.Find(tab.Id)!.Identity.Memberships);
    }

    [Fact]
    public async Task ARefusedJoinShowsTheRefusalAndNothingOfTheRoom()
    {
        var authorizer = new ScriptedAuthorizer { Decide = (request, _) => ValueTask.FromResult(request.RoomId != "secret") };
        using var server = new LiveTestServer(services: s => s.AddSingleton<ILiveRoomAuthorizer>(authorizer));
        await server.States.MutateAsync<Counter>("room:secret", c => c.Value = 42);

        using var tab = new RoomTab<RoomProbe>(server, "tab", Alice, p => p.Add(x => x.RoomId, "secret"));

        tab.Component.WaitForAssertion(() => Assert.NotNull(tab.Component.Instance.Refused), Wait.Deadline);
        Assert.False(tab.Component.Instance.Refused!.IsFailure);
        Assert.Equal("secret", tab.Component.Instance.Refused!.RoomId);
        Assert.DoesNotContain("42", tab.Component.Markup, StringComparison.Ordinal);
        Assert.Empty(tab.Component.FindAll(".value"));
        Assert.Equal(0, server.Registry.CountGroup("room:secret"));

        // The room's members are not disturbed, and a write to it reaches no one here.
        var renders = tab.Component.Instance.Renders;
        await server.States.MutateAsync<Counter>("room:secret", c => c.Value = 43);
        Assert.Equal(renders, tab.Component.Instance.Renders);
    }

    [Fact]
    public async Task AnAuthorizerThatThrowsRefusesTheJoinAndTheFailureIsLogged()
    {
        var authorizer = new ScriptedAuthorizer { Decide = (_, _) => throw new InvalidOperationException("directory down") };
        using var server = new LiveTestServer(services: s =>
        {
            s.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Trace).AddFakeLogging());
            s.AddSingleton<ILiveRoomAuthorizer>(authorizer);
        });
        await using var circuit = await HandlerCircuit.OpenAsync(server, "c1", HandlerCircuit.SignedIn("alice", "b1"));

        var refused = await Assert.ThrowsAsync<LiveRoomAccessDeniedException>(() => circuit.JoinAsync("a", new FakeRoomOwner()));

        Assert.True(refused.IsFailure);
        Assert.IsType<InvalidOperationException>(refused.InnerException);
        Assert.Equal(0, server.Registry.CountGroup("room:a"));
        Assert.Contains(server.Services.GetFakeLogCollector().GetSnapshot(), e => e.Id.Id == 71 && e.Level == LogLevel.Error && e.Exception is InvalidOperationException);
    }

    [Fact]
    public async Task ACancelledJoinJoinsNothingAndALaterOneSucceeds()
    {
        var asked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var authorizer = new ScriptedAuthorizer();
        authorizer.Decide = async (_, cancellationToken) =>
        {
            if (authorizer.Requests.Count == 1)
            {
                asked.TrySetResult();
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }

            return true;
        };
        using var server = new LiveTestServer(services: s => s.AddSingleton<ILiveRoomAuthorizer>(authorizer));
        await using var circuit = await HandlerCircuit.OpenAsync(server, "c1", HandlerCircuit.SignedIn("alice", "b1"));
        using var cancel = new CancellationTokenSource();

        var joining = circuit.JoinAsync("a", new FakeRoomOwner(), cancellationToken: cancel.Token);
        await asked.Task.WaitAsync(Wait.Deadline);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => joining);
        Assert.Equal(0, server.Registry.CountGroup("room:a"));
        Assert.Empty(circuit.Context.Rooms.JoinedRoomIds);

        var room = await circuit.JoinAsync("a", new FakeRoomOwner());
        Assert.True(room.IsJoined);
        Assert.Equal(1, server.Registry.CountGroup("room:a"));
    }

    [Fact]
    public async Task EveryAuthorizerMustAllowAndTheySeeThePrincipalAndIdentity()
    {
        var first = new ScriptedAuthorizer();
        var second = new ScriptedAuthorizer { Decide = (request, _) => ValueTask.FromResult(request.RoomId == "a") };
        using var server = new LiveTestServer(services: s =>
        {
            s.AddSingleton<ILiveRoomAuthorizer>(first);
            s.AddSingleton<ILiveRoomAuthorizer>(second);
        });
        await using var circuit = await HandlerCircuit.OpenAsync(server, "c1", HandlerCircuit.SignedIn("alice", "b1"));

        await circuit.JoinAsync("a", new FakeRoomOwner());
        await Assert.ThrowsAsync<LiveRoomAccessDeniedException>(() => circuit.JoinAsync("b", new FakeRoomOwner()));

        var request = first.Requests[0];
        Assert.Equal("a", request.RoomId);
        Assert.Equal("room:a", request.GroupId);
        Assert.Equal("alice", request.Identity.UserId);
        Assert.Equal("user:alice", request.Identity.GroupId);
        Assert.True(request.User.Identity?.IsAuthenticated);
        Assert.Equal(["room:a"], server.Registry.Find("c1")!.Identity.Memberships);
    }

    [Fact]
    public async Task TheBuilderRegistersAuthorizersAndAFunction()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddLiveState()
            .AddRoomAuthorizer<OnlySignedIn>()
            .AddRoomAuthorizer<OnlySignedIn>()
            .AddRoomAuthorizer((request, _) => ValueTask.FromResult(request.RoomId.StartsWith("team-", StringComparison.Ordinal)));
        await using var provider = services.BuildServiceProvider();
        await using var scope = provider.CreateAsyncScope();

        var authorizers = scope.ServiceProvider.GetServices<ILiveRoomAuthorizer>().ToArray();

        Assert.Equal(2, authorizers.Length);
        var request = new LiveRoomJoinRequest("team-red", ScriptedAuthorizer.Principal("alice"), Alice);
        Assert.True(await authorizers[0].CanJoinAsync(request));
        Assert.True(await authorizers[1].CanJoinAsync(request));
        Assert.False(await authorizers[1].CanJoinAsync(new LiveRoomJoinRequest("lobby", ScriptedAuthorizer.Principal("alice"), Alice)));
    }

    private sealed class OnlySignedIn : ILiveRoomAuthorizer
    {
        public ValueTask<bool> CanJoinAsync(LiveRoomJoinRequest request, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(request.User.Identity?.IsAuthenticated == true);
    }
}
