using System.Security.Claims;
using LiveState.Blazor.Circuits;
using LiveState.Blazor.Tests.Infrastructure;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.Extensions.DependencyInjection;

namespace LiveState.Blazor.Tests.Identity;

/// <summary>
/// Any failure of the identity resolver other than the circuit's own cancellation gives the circuit a private group:
/// it neither dies nor keeps a group it may no longer see.
/// </summary>
public sealed class ResolverFailureTests : IDisposable
{
    private readonly ScriptedResolver _resolver = new();
    private readonly LiveTestServer _server;

    public ResolverFailureTests()
    {
        _server = new LiveTestServer(services: s => s.AddSingleton<ILiveIdentityResolver>(_resolver));
    }

    public void Dispose() => _server.Dispose();

    private sealed class ScriptedResolver : ILiveIdentityResolver
    {
        public Func<ClaimsPrincipal, CancellationToken, LiveIdentity> Next { get; set; } = (_, _) => new LiveIdentity("user:alice", "alice");

        public ValueTask<LiveIdentity> ResolveAsync(ClaimsPrincipal user, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(Next(user, cancellationToken));
    }

    private (AsyncServiceScope Scope, LiveCircuitHandler Handler, ServerAuthenticationStateProvider Auth) OpenScope()
    {
        var scope = _server.Services.CreateAsyncScope();
        var auth = (ServerAuthenticationStateProvider)scope.ServiceProvider.GetRequiredService<AuthenticationStateProvider>();
        auth.SetAuthenticationState(Task.FromResult(new AuthenticationState(new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, "alice")], "Cookies")))));
        return (scope, scope.ServiceProvider.GetServices<CircuitHandler>().OfType<LiveCircuitHandler>().Single(), auth);
    }

    public static TheoryData<string> Cancellations() => ["OperationCanceledException", "TaskCanceledException", "a token of its own"];

    private static Exception Cancellation(string kind)
    {
        if (kind == "a token of its own")
        {
            using var own = new CancellationTokenSource();
            own.Cancel();
            return new OperationCanceledException(own.Token);
        }

        return kind == "TaskCanceledException" ? new TaskCanceledException("a lookup timed out") : new OperationCanceledException("a lookup timed out");
    }

    [Theory]
    [MemberData(nameof(Cancellations))]
    public async Task AResolverThatIsCancelledByItselfGivesThePrivateGroupOnOpen(string kind)
    {
        _resolver.Next = (_, _) => throw Cancellation(kind);
        var (scope, handler, _) = OpenScope();
        await using var _ = scope;

        await handler.OpenAsync("c1", CancellationToken.None);

        Assert.StartsWith("private:", _server.Registry.Find("c1")!.GroupId, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheCircuitsOwnCancellationStillEndsTheOpen()
    {
        using var circuitToken = new CancellationTokenSource();
        _resolver.Next = (_, token) =>
        {
            circuitToken.Cancel();
            token.ThrowIfCancellationRequested();
            return new LiveIdentity("user:alice", "alice");
        };
        var (scope, handler, _) = OpenScope();
        await using var _ = scope;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => handler.OpenAsync("c1", circuitToken.Token));

        Assert.Null(_server.Registry.Find("c1"));
    }

    public static TheoryData<string> Failures() => ["OperationCanceledException", "TaskCanceledException", "a token of its own", "InvalidOperationException"];

    [Theory]
    [MemberData(nameof(Failures))]
    public async Task AResolverThatFailsWhenTheUserChangesMovesTheCircuitToAPrivateGroup(string kind)
    {
        var (scope, handler, auth) = OpenScope();
        await using var _ = scope;
        await handler.OpenAsync("c1", CancellationToken.None);
        Assert.Equal("user:alice", _server.Registry.Find("c1")!.GroupId);
        _resolver.Next = (_, _) => throw (kind == "InvalidOperationException" ? new InvalidOperationException("the user store is down") : Cancellation(kind));

        // Sign-out: the circuit must not keep showing alice's group because the resolver could not say where it goes.
        auth.SetAuthenticationState(Task.FromResult(new AuthenticationState(new ClaimsPrincipal(new ClaimsIdentity()))));
        await handler.LastMove.WaitAsync(Wait.Deadline);

        Assert.StartsWith("private:", _server.Registry.Find("c1")!.GroupId, StringComparison.Ordinal);
        Assert.Equal(0, _server.Registry.CountGroup("user:alice"));
    }
}
