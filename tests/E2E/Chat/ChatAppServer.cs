extern alias chat;

using System.Net;
using LiveState.Blazor.E2E.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LiveState.Blazor.E2E.Tests.Chat;

/// <summary>The sample ChatApp on a real Kestrel port of the loopback interface, as a browser needs it.</summary>
public sealed class ChatAppServer : WebApplicationFactory<chat::Program>
{
    private readonly string? _redis;

    /// <param name="redis">When set, the app's <c>LiveState:Redis</c> setting: the app scales out on that Redis.</param>
    public ChatAppServer(string? redis = null)
    {
        _redis = redis;
        UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
    }

    /// <summary>What the app logged, for the artifacts of a failed test.</summary>
    public ServerLog Log { get; } = new();

    /// <summary>The address Kestrel bound, with a trailing slash (http://127.0.0.1:PORT/).</summary>
    public Uri BaseAddress { get; private set; } = default!;

    public void Start()
    {
        StartServer();
        var address = Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        BaseAddress = new Uri(address.EndsWith('/') ? address : address + "/");
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        if (_redis is not null)
        {
            builder.UseSetting("LiveState:Redis", _redis);
        }

        builder.ConfigureLogging(logging =>
        {
            logging.ClearProviders();
            logging.SetMinimumLevel(LogLevel.Information);
            logging.AddFilter("LiveState", LogLevel.Debug);
            logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
            logging.AddProvider(Log);
        });
    }
}
