using System.Security.Claims;
using LiveState.Blazor;
using Microsoft.Extensions.Options;

namespace TodoApp.Teams;

// snippet-begin: team-resolver
/// <summary>
/// Custom grouping: a signed-in user keeps the default group (<c>user:{id}</c>: their own list on every device)
/// and also belongs to <c>team:{name}</c> for each <c>team</c> claim. The registry indexes memberships, so an
/// update of the team group re-renders every circuit of every member.
/// </summary>
public sealed class TeamIdentityResolver(IOptionsMonitor<LiveStateOptions> options) : DefaultLiveIdentityResolver(options)
{
    public const string TeamClaimType = "team";

    public const string TeamGroupPrefix = "team:";

    public static string TeamGroup(string team) => TeamGroupPrefix + team.ToLowerInvariant();

    /// <summary>The team a circuit's identity belongs to, or null.</summary>
    public static string? FindTeam(LiveIdentity identity)
    {
        ArgumentNullException.ThrowIfNull(identity);
        var group = identity.Memberships.FirstOrDefault(m => m.StartsWith(TeamGroupPrefix, StringComparison.Ordinal));
        return group?[TeamGroupPrefix.Length..];
    }

    public override async ValueTask<LiveIdentity> ResolveAsync(ClaimsPrincipal user, CancellationToken cancellationToken = default)
    {
        var identity = await base.ResolveAsync(user, cancellationToken);
        if (!identity.IsAuthenticated)
        {
            return identity;
        }

        // Only the signed-in identity speaks for the user; LiveState's browser identity carries no teams.
        var teams = user.Identities
            .Where(i => i.IsAuthenticated)
            .SelectMany(i => i.FindAll(TeamClaimType))
            .Select(c => c.Value)
            .Where(v => !string.IsNullOrWhiteSpace(v))
            .Select(TeamGroup)
            .ToList();

        return teams.Count == 0
            ? identity
            : new LiveIdentity(identity.GroupId, identity.UserId, [.. identity.Memberships, .. teams]);
    }
}
// snippet-end: team-resolver
