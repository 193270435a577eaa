using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;

namespace ChatApp.Accounts;

/// <summary>A demo account as configured under <c>DemoUsers:{id}</c> in appsettings.json.</summary>
public sealed class DemoUser
{
    /// <summary>The user id: the configuration key, lower case (alice, bob, carol).</summary>
    public string Id { get; set; } = string.Empty;

    public string DisplayName { get; set; } = string.Empty;

    /// <summary>A <c>PasswordHasher</c> hash; the sample never stores plain passwords.</summary>
    public string PasswordHash { get; set; } = string.Empty;
}

/// <summary>The demo accounts from configuration, and password checks against their hashes.</summary>
public sealed class DemoUserDirectory
{
    // Verified when the user name is unknown, so a miss costs as much as a wrong password.
    private const string DecoyHash = "AQAAAAIAAYagAAAAEK2H0Jtk0EEqSez3vtau2HZq/Y1FhEag+haGLXhrme4byBLDMO98yBF3Oh0ylFhOdA==";

    private readonly Dictionary<string, DemoUser> _users = new(StringComparer.OrdinalIgnoreCase);
    private readonly PasswordHasher<DemoUser> _hasher = new();

    public DemoUserDirectory(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
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

    /// <summary>The user whose password matches, or null.</summary>
    public DemoUser? Verify(string? userName, string? password)
    {
        var user = string.IsNullOrWhiteSpace(userName) ? null : _users.GetValueOrDefault(userName.Trim());
        var result = _hasher.VerifyHashedPassword(user ?? new DemoUser(), user?.PasswordHash ?? DecoyHash, password ?? string.Empty);
        return user is not null && result != PasswordVerificationResult.Failed ? user : null;
    }

    /// <summary>The principal the sign-in cookie carries: id and display name.</summary>
    public static ClaimsPrincipal CreatePrincipal(DemoUser user)
    {
        ArgumentNullException.ThrowIfNull(user);
        Claim[] claims = [new(ClaimTypes.NameIdentifier, user.Id), new(ClaimTypes.Name, user.DisplayName)];
        return new ClaimsPrincipal(new ClaimsIdentity(claims, CookieAuthenticationDefaults.AuthenticationScheme));
    }
}
