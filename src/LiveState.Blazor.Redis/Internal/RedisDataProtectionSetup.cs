using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.StackExchangeRedis;
using Microsoft.Extensions.Options;

namespace LiveState.Blazor.Redis.Internal;

/// <summary>
/// Shares the Data Protection key ring through Redis, under the app's key prefix, and gives every server the same
/// Data Protection application name, so the browser cookie one server seals unseals on all of them.
/// </summary>
/// <remarks>
/// Keys are stored as Data Protection writes them (not encrypted at rest, as with the framework's own Redis
/// repository): Redis must be private to the app's servers.
/// </remarks>
internal sealed class RedisDataProtectionSetup : IConfigureOptions<KeyManagementOptions>, IConfigureOptions<DataProtectionOptions>
{
    private readonly RedisLiveStateOptions _options;
    private readonly RedisConnection _connection;
    private readonly RedisNames _names;

    public RedisDataProtectionSetup(IOptions<RedisLiveStateOptions> options, RedisConnection connection, RedisNames names)
    {
        _options = options.Value;
        _connection = connection;
        _names = names;
    }

    public void Configure(KeyManagementOptions options)
    {
        if (_options.ShareDataProtectionKeys)
        {
            options.XmlRepository = new RedisXmlRepository(_connection.GetDatabase, _names.DataProtectionKeys);
        }
    }

    public void Configure(DataProtectionOptions options)
    {
        if (_options.ShareDataProtectionKeys)
        {
            // By default the discriminator is the content root path, which differs between servers.
            options.ApplicationDiscriminator = _options.ApplicationName;
        }
    }
}
