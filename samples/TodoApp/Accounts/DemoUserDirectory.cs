using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using TodoApp.Teams;

namespace TodoApp.Accounts;

/// <summary>The demo accounts from configuration, and password checks against their hashes.</summary>
public sealed class DemoUserDirectory
{
    // Verified when the user name is unknown, so a miss costs as much as a wrong password.
    private const string DecoyHash = "AQAAAAIAAYagAAAAEK2H0Jtk0EEqSez3vtau2HZq/Y1FhEag+haGLXhrme4byBLDMO98yBF3Oh0ylFhOdA==";

    private readonly Dictionary<string, DemoUser> _users;
    private readonly PasswordHasher<DemoUser> _hasher = new();

    public DemoUserDirectory(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        _users = new Dictionary<string, DemoUser>(StringComparer.OrdinalIgnoreCase);
        foreach (var section in configuration.GetSection("DemoUsers").GetChildren())
        {
            var user = section.Get<DemoUser>() ?? new DemoUser();
            user.Id = section.Key.ToLowerInvariant();
            if (string.IsNullOrWhiteSpace(user.DisplayName))
            {
                user.DisplayName = section.Key;
            }

            _users[user.Id] = user;
        }
    }

    /// <summary>Every demo user, by id.</summary>
    public IReadOnlyList<DemoUser> All => [.. _users.Values.OrderBy(u => u.Id, StringComparer.Ordinal)];

    /// <summary>The distinct teams of the demo users.</summary>
    public IReadOnlyList<string> TeamNames =>
        [.. _users.Values.Select(u => u.Team).OfType<string>().Select(t => t.ToLowerInvariant()).Distinct().Order(StringComparer.Ordinal)];

    public DemoUser? Find(string userId) => _users.GetValueOrDefault(userId);

    /// <summary>The user whose password matches, or null.</summary>
    public DemoUser? Verify(string? userName, string? password)
    {
        var user = string.IsNullOrWhiteSpace(userName) ? null : Find(userName.Trim());
        var result = _hasher.VerifyHashedPassword(user ?? new DemoUser(), user?.PasswordHash ?? DecoyHash, password ?? string.Empty);
        return user is not null && result != PasswordVerificationResult.Failed ? user : null;
    }

    /// <summary>The principal the sign-in cookie carries: id, display name, roles and team.</summary>
    public static ClaimsPrincipal CreatePrincipal(DemoUser user)
    {
        ArgumentNullException.ThrowIfNull(user);
        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, user.Id),
            new(ClaimTypes.Name, user.DisplayName),
        };
        claims.AddRange(user.Roles.Select(role => new Claim(ClaimTypes.Role, role)));
        if (!string.IsNullOrWhiteSpace(user.Team))
        {
            claims.Add(new Claim(TeamIdentityResolver.TeamClaimType, user.Team.ToLowerInvariant()));
        }

        return new ClaimsPrincipal(new ClaimsIdentity(claims, CookieAuthenticationDefaults.AuthenticationScheme));
    }
}
