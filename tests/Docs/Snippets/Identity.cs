using System.Collections.Immutable;
using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LiveState.Blazor.Docs.Snippets;

public static class IdentitySetup
{
    public static void ConfigureOptions(WebApplicationBuilder builder)
    {
        // snippet-begin: options
        builder.Services.AddLiveState(options =>
        {
            options.UserIdClaimType = "sub";                         // default: ClaimTypes.NameIdentifier, then Name
            options.CookieName = ".MyApp.Browser";                   // default: .LiveState.Browser
            options.CookieSecurePolicy = CookieSecurePolicy.Always;  // default: SameAsRequest
            options.IdleGroupTimeout = TimeSpan.FromHours(8);        // state nobody touched for 8 h expires
        });
        // snippet-end: options
    }

    public static void BindOptions(WebApplicationBuilder builder)
    {
        // snippet-begin: options-configuration
        builder.Services.AddLiveState(builder.Configuration.GetSection("LiveState"));
        // snippet-end: options-configuration
    }

    public static void RegisterResolver(WebApplicationBuilder builder)
    {
        // snippet-begin: register-resolver
        builder.Services.AddLiveState()
            .AddIdentityResolver<WorkspaceIdentityResolver>();
        // snippet-end: register-resolver
    }

    public static void RegisterSignInHandler(WebApplicationBuilder builder)
    {
        // snippet-begin: register-sign-in
        builder.Services.AddLiveState()
            .AddSignInHandler<CarryCartOnSignIn>();
        // snippet-end: register-sign-in
    }
}

// snippet-begin: workspace-resolver
/// <summary>
/// Every signed-in member of a workspace shares the workspace's state, on every device.
/// Anonymous visitors keep the default: one group per browser.
/// </summary>
public sealed class WorkspaceIdentityResolver(IOptionsMonitor<LiveStateOptions> options)
    : DefaultLiveIdentityResolver(options)
{
    public override async ValueTask<LiveIdentity> ResolveAsync(ClaimsPrincipal user, CancellationToken cancellationToken = default)
    {
        var identity = await base.ResolveAsync(user, cancellationToken);
        var workspace = user.FindFirst("workspace")?.Value;
        return identity.IsAuthenticated && !string.IsNullOrEmpty(workspace)
            ? new LiveIdentity($"workspace:{workspace}", identity.UserId)
            : identity;
    }
}
// snippet-end: workspace-resolver

// snippet-begin: sign-in-handler
public sealed record Cart
{
    public ImmutableList<string> Items { get; init; } = [];
}

/// <summary>What an anonymous visitor put in the cart is still there after signing in, on every device.</summary>
public sealed class CarryCartOnSignIn : ILiveSignInHandler
{
    public Task OnSignedInAsync(LiveSignInContext context, CancellationToken cancellationToken) =>
        context.CarryOverAsync<Cart>(
            (anonymous, user) => user with { Items = user.Items.AddRange(anonymous.Items) },
            cancellationToken).AsTask();
}
// snippet-end: sign-in-handler
