namespace TodoApp.Accounts;

/// <summary>A demo account as configured under <c>DemoUsers:{id}</c> in appsettings.json.</summary>
public sealed class DemoUser
{
    /// <summary>The user id: the configuration key, lower case (alice, bob, ...).</summary>
    public string Id { get; set; } = string.Empty;

    public string DisplayName { get; set; } = string.Empty;

    /// <summary>The team the user works in, or null. Team members share the team list.</summary>
    public string? Team { get; set; }

    public List<string> Roles { get; set; } = [];

    /// <summary>A <c>PasswordHasher</c> hash; the sample never stores plain passwords.</summary>
    public string PasswordHash { get; set; } = string.Empty;

    public bool IsAdmin => Roles.Contains(DemoRoles.Admin, StringComparer.OrdinalIgnoreCase);
}

public static class DemoRoles
{
    public const string Admin = "admin";
}
