using System.Security.Claims;
using LiveState.Blazor;
using LiveState.Blazor.Diagnostics;
using LiveState.Blazor.Testing;
using LiveState.Blazor.Testing.Internal;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Bunit;

/// <summary>
/// Tests components built on LiveState.Blazor with bUnit: the test context becomes the server (LiveState's real
/// store, circuit registry and broadcaster), and each <see cref="LiveTestCircuit"/> is a browser tab opened against it.
/// </summary>
public static class LiveStateBunitContextExtensions
{
    /// <summary>
    /// Registers LiveState on the test context's services exactly as <c>builder.Services.AddLiveState()</c> does in an
    /// app (in-memory store, registry, broadcaster, default identity resolver), and records every broadcast, slot
    /// change and presence change in <see cref="LiveBroadcasts"/>. Presence changes render at once
    /// (<see cref="LiveStateOptions.PresenceUpdateInterval"/> is zero unless <paramref name="configure"/> sets it).
    /// Call it before the first render, with the app's other services.
    /// </summary>
    /// <param name="context">The test context.</param>
    /// <param name="configure">Sets LiveState's options; may be null.</param>
    /// <returns>The LiveState builder, for <c>.AddIdentityResolver&lt;T&gt;()</c>, <c>.AddLifecycleHandler&lt;T&gt;()</c> and the like.</returns>
    public static ILiveStateBuilder AddLiveState(this BunitContext context, Action<LiveStateOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        var services = context.Services;
        // Presence renders at once in tests (an app coalesces them over PresenceUpdateInterval), so that a test sees
        // each one when the change that caused it returns; a test may set the interval back.
        var builder = services.AddLiveState(options =>
        {
            options.PresenceUpdateInterval = TimeSpan.Zero;
            configure?.Invoke(options);
        });
        services.TryAddSingleton(sp => new LiveTestHost(sp));
        services.TryAddSingleton(sp => sp.GetRequiredService<LiveTestHost>().Log);

        // The real broadcaster delivers every broadcast; the recorder only watches it go by.
        // The library tells its observers of every delivery it completes; the recorder writes them into the log.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ILiveStateObserver, RecordingObserver>());
        return builder;
    }

    /// <summary>
    /// Opens a circuit (a browser tab) whose identity is <paramref name="identity"/>, through LiveState's real circuit
    /// handler: the registry holds it, its group's other circuits see the presence change, and lifecycle handlers run.
    /// Tabs opened with the same group id share state.
    /// </summary>
    /// <param name="context">The test context, after <see cref="AddLiveState"/>.</param>
    /// <param name="identity">The circuit's identity (see <see cref="LiveTestIdentity"/>).</param>
    /// <returns>The open circuit; render components in it with <see cref="LiveTestCircuit.Render{TComponent}"/>.</returns>
    public static LiveTestCircuit OpenCircuit(this BunitContext context, LiveIdentity identity)
    {
        ArgumentNullException.ThrowIfNull(identity);
        return LiveTestCircuit.Open(Host(context), identity, LiveTestPrincipal.For(identity));
    }

    /// <summary>
    /// Opens a circuit whose authentication state carries <paramref name="user"/>; the app's
    /// <see cref="ILiveIdentityResolver"/> (the default one, or one added with <c>AddIdentityResolver</c>) resolves
    /// its identity, as for a real circuit.
    /// </summary>
    /// <param name="context">The test context, after <see cref="AddLiveState"/>.</param>
    /// <param name="user">The principal (see <see cref="LiveTestPrincipal"/>).</param>
    /// <returns>The open circuit.</returns>
    public static LiveTestCircuit OpenCircuit(this BunitContext context, ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return LiveTestCircuit.Open(Host(context), identity: null, user);
    }

    /// <summary>
    /// Opens a circuit as <paramref name="identity"/> and renders <typeparamref name="TComponent"/> in it, with the
    /// circuit's <see cref="SessionGroupState"/> cascaded and its slots injectable. For more than one tab, open each with
    /// <see cref="OpenCircuit(BunitContext, LiveIdentity)"/> and render in it.
    /// </summary>
    /// <typeparam name="TComponent">The component under test.</typeparam>
    /// <param name="context">The test context, after <see cref="AddLiveState"/>.</param>
    /// <param name="identity">The circuit's identity.</param>
    /// <param name="parameterBuilder">Sets the component's parameters, as in bUnit's <c>Render</c>.</param>
    /// <returns>The rendered component.</returns>
    public static IRenderedComponent<TComponent> RenderLive<TComponent>(
        this BunitContext context,
        LiveIdentity identity,
        Action<ComponentParameterCollectionBuilder<TComponent>>? parameterBuilder = null)
        where TComponent : IComponent =>
        context.OpenCircuit(identity).Render(parameterBuilder);

    /// <summary>The circuits opened in this test and not yet closed, in the order they were opened.</summary>
    /// <param name="context">The test context, after <see cref="AddLiveState"/>.</param>
    /// <returns>A snapshot.</returns>
    public static IReadOnlyList<LiveTestCircuit> LiveCircuits(this BunitContext context) => Host(context).OpenCircuits();

    /// <summary>The log of every broadcast sent through <see cref="ILiveBroadcaster"/> in this test.</summary>
    /// <param name="context">The test context, after <see cref="AddLiveState"/>.</param>
    /// <returns>The log.</returns>
    public static LiveBroadcastLog LiveBroadcasts(this BunitContext context) => Host(context).Log;

    /// <summary>
    /// Replaces a group's <typeparamref name="T"/> through <see cref="ISessionGroupStateService"/>, as app code outside
    /// a circuit would; the slot's readers in the group's open circuits re-render. Returns once they have.
    /// </summary>
    /// <typeparam name="T">The slot type.</typeparam>
    /// <param name="context">The test context, after <see cref="AddLiveState"/>.</param>
    /// <param name="groupId">The group id (for example <c>identity.GroupId</c>).</param>
    /// <param name="value">The new value; do not change it afterwards, it is shared with every reader.</param>
    public static void SetGroupState<T>(this BunitContext context, string groupId, T value)
        where T : class, new()
    {
        ArgumentException.ThrowIfNullOrEmpty(groupId);
        ArgumentNullException.ThrowIfNull(value);
        var states = States(context);
        Sync.Run(async () => await states.ReplaceAsync<T>(groupId, _ => value).ConfigureAwait(false), $"Setting {typeof(T).Name} of group {groupId}");
    }

    /// <summary>A group's current <typeparamref name="T"/>, read through <see cref="ISessionGroupStateService"/> (a new <typeparamref name="T"/> when the group has none).</summary>
    /// <typeparam name="T">The slot type.</typeparam>
    /// <param name="context">The test context, after <see cref="AddLiveState"/>.</param>
    /// <param name="groupId">The group id.</param>
    /// <returns>The group's snapshot; read it, never change it.</returns>
    public static T GetGroupState<T>(this BunitContext context, string groupId)
        where T : class, new()
    {
        ArgumentException.ThrowIfNullOrEmpty(groupId);
        return States(context).Get<T>(groupId);
    }

    private static ISessionGroupStateService States(BunitContext context)
    {
        Host(context);
        return context.Services.GetRequiredService<ISessionGroupStateService>();
    }

    private static LiveTestHost Host(BunitContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Services.GetService<LiveTestHost>()
            ?? throw new InvalidOperationException("LiveState is not set up for this test context: call ctx.AddLiveState() before opening circuits or rendering live components.");
    }
}
