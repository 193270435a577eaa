using LiveState.Blazor.Circuits;
using LiveState.Blazor.State;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace LiveState.Blazor.Sessions;

/// <summary>
/// Reads one slot of a signed-in circuit's group, the browsers that signed the user out
/// (<see cref="SignedOutBrowsers"/>): when this circuit's browser is among them, from after the circuit opened, the
/// circuit stops showing the user's state and reloads (it comes back anonymous).
/// </summary>
internal sealed class SignOutWatcher(LiveCircuit circuit, IServiceProvider services) : ILiveRenderTarget
{
    private static readonly string Key = SlotKey<SignedOutBrowsers>.Value;
    private int _left;

    public bool TakesBroadcasts => false;

    public bool Wants(in LiveChange change, LiveIdentity identity) =>
        change.Kind == LiveChangeKind.Slot
        && identity.IsAuthenticated
        && circuit.BrowserId is not null
        && Volatile.Read(ref _left) == 0
        && string.Equals(change.GroupId, identity.GroupId, StringComparison.Ordinal)
        && (change.SlotKey is null || string.Equals(change.SlotKey, Key, StringComparison.Ordinal));

    public Task? InvokeAsync(Func<Task> work) => null;

    public Task Render()
    {
        var info = circuit.Info;
        if (circuit.BrowserId is not { } browserId || !info.Identity.IsAuthenticated)
        {
            return Task.CompletedTask;
        }

        var marks = services.GetRequiredService<SessionGroupStateService>().Get<SignedOutBrowsers>(info.Identity.GroupId);
        if (marks.MustLeave(browserId, info.OpenedAt) && Interlocked.Exchange(ref _left, 1) == 0)
        {
            // A forced reload only asks the browser to reload (one JS interop message); it touches no component.
            services.GetRequiredService<NavigationManager>().Refresh(forceReload: true);
        }

        return Task.CompletedTask;
    }
}
