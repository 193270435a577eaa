using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace LiveState.Blazor;

/// <summary>
/// Binds <see cref="LiveStateOptions"/> from a configuration section (<c>AddLiveState(configuration)</c>), once, when the
/// options are first built: at start, since they are validated there.
/// </summary>
/// <remarks>
/// No change token is registered: several options are taken once by services that live as long as the app (the cookie
/// name, the hub path, the idle scan interval, the group cap), so a value changed in appsettings.json while the app
/// runs would apply to some readers and not others, and one that fails validation would throw wherever it is next read.
/// A change takes effect on restart.
/// </remarks>
internal sealed class LiveStateOptionsConfiguration(IConfiguration configuration) : IConfigureOptions<LiveStateOptions>
{
    public void Configure(LiveStateOptions options)
    {
        // The binder would set properties on the live JsonSerializerOptions instance (or fail on one already in use), and
        // converters, resolvers and naming policies are types, which configuration cannot name: say so instead.
        var json = configuration.GetSection(nameof(LiveStateOptions.JsonSerializerOptions));
        if (json.Exists())
        {
            throw new InvalidOperationException(
                $"LiveStateOptions.JsonSerializerOptions cannot be set from configuration ('{json.Path}'): set it in code, " +
                "AddLiveState(configuration, options => options.JsonSerializerOptions = ...).");
        }

        configuration.Bind(options);
    }
}
