using Microsoft.Extensions.Options;

namespace LiveState.Blazor;

internal sealed class LiveStateOptionsValidator : IValidateOptions<LiveStateOptions>
{
    public ValidateOptionsResult Validate(string? name, LiveStateOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.CookieName) || options.CookieName.AsSpan().IndexOfAny("=;, \t\r\n") >= 0)
        {
            failures.Add($"LiveStateOptions.CookieName must be a non-empty cookie name without '=', ';', ',' or white space (was '{options.CookieName}').");
        }
        else if (options.CookieName.StartsWith("__Host-", StringComparison.OrdinalIgnoreCase) || options.CookieName.StartsWith("__Secure-", StringComparison.OrdinalIgnoreCase))
        {
            failures.Add($"LiveStateOptions.CookieName must not carry a cookie prefix of its own (was '{options.CookieName}'): LiveState adds __Host- over HTTPS; see LiveStateOptions.UseHostPrefix.");
        }

        if (options.CookieLifetime <= TimeSpan.Zero)
        {
            failures.Add($"LiveStateOptions.CookieLifetime must be positive (was {options.CookieLifetime}).");
        }

        if (string.IsNullOrWhiteSpace(options.UserIdClaimType))
        {
            failures.Add("LiveStateOptions.UserIdClaimType must name a claim type.");
        }

        if (options.IdleGroupTimeout <= TimeSpan.Zero)
        {
            failures.Add($"LiveStateOptions.IdleGroupTimeout must be positive (was {options.IdleGroupTimeout}).");
        }

        if (options.IdleGroupScanInterval <= TimeSpan.Zero)
        {
            failures.Add($"LiveStateOptions.IdleGroupScanInterval must be positive (was {options.IdleGroupScanInterval}).");
        }

        if (options.MaxGroups < 1)
        {
            failures.Add($"LiveStateOptions.MaxGroups must be at least 1 (was {options.MaxGroups}).");
        }

        if (options.DeliveryTimeout <= TimeSpan.Zero || options.DeliveryTimeout > TimeSpan.FromMinutes(10))
        {
            failures.Add($"LiveStateOptions.DeliveryTimeout must be between zero and ten minutes (was {options.DeliveryTimeout}).");
        }

        if (options.PresenceUpdateInterval < TimeSpan.Zero || options.PresenceUpdateInterval > TimeSpan.FromMinutes(1))
        {
            failures.Add($"LiveStateOptions.PresenceUpdateInterval must be between zero and one minute (was {options.PresenceUpdateInterval}).");
        }

        if (options.SlotChangePayloadLimit < 0)
        {
            failures.Add($"LiveStateOptions.SlotChangePayloadLimit must be zero or positive (was {options.SlotChangePayloadLimit}).");
        }

        if (options.MaxCircuitsPerGroup < 0)
        {
            failures.Add($"LiveStateOptions.MaxCircuitsPerGroup must be zero (no limit) or positive (was {options.MaxCircuitsPerGroup}).");
        }

        if (options.JsonSerializerOptions is null)
        {
            failures.Add("LiveStateOptions.JsonSerializerOptions must not be null.");
        }

        if (string.IsNullOrEmpty(options.HubPath) || options.HubPath[0] != '/')
        {
            failures.Add($"LiveStateOptions.HubPath must start with '/' (was '{options.HubPath}').");
        }

        foreach (var origin in options.AllowedHubOrigins)
        {
            if (!string.Equals(origin, "self", StringComparison.OrdinalIgnoreCase)
                && !(Uri.TryCreate(origin, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps) && uri.AbsolutePath == "/"))
            {
                failures.Add($"LiveStateOptions.AllowedHubOrigins entries must be 'self' or an origin such as https://app.example.com (was '{origin}').");
            }
        }

        foreach (var path in options.CookieExcludedPaths)
        {
            if (string.IsNullOrEmpty(path) || path[0] != '/')
            {
                failures.Add($"LiveStateOptions.CookieExcludedPaths entries must start with '/' (was '{path}').");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
