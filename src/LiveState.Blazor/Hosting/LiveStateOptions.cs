using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace LiveState.Blazor;

/// <summary>
/// Options of LiveState.Blazor, set through <c>AddLiveState(options =&gt; ...)</c> or bound from configuration with
/// <c>AddLiveState(builder.Configuration.GetSection("LiveState"))</c> (every option but
/// <see cref="JsonSerializerOptions"/>; TimeSpans as <c>"hh:mm:ss"</c> or <c>"d.hh:mm:ss"</c>). Validated when the host
/// starts.
/// </summary>
public sealed class LiveStateOptions
{
    /// <summary>
    /// The name of the browser cookie, without a prefix. Default <c>.LiveState.Browser</c>. Over HTTPS it is sent as
    /// <c>__Host-</c> and this name unless <see cref="UseHostPrefix"/> is off. Must not start with <c>__Host-</c> or
    /// <c>__Secure-</c> itself.
    /// </summary>
    public string CookieName { get; set; } = ".LiveState.Browser";

    /// <summary>
    /// Name the browser cookie <c>__Host-</c> and <see cref="CookieName"/> on HTTPS requests, and read only that name
    /// there. Browsers accept a <c>__Host-</c> cookie only from the host itself, Secure, with <c>Path=/</c> and no
    /// <c>Domain</c>, so a sibling subdomain cannot plant one of its own beside it (cookie tossing). Plain HTTP
    /// requests, and apps that set <see cref="CookieSecurePolicy"/> to <see cref="CookieSecurePolicy.None"/>, use the
    /// plain name: browsers refuse a <c>__Host-</c> cookie that is not Secure. Behind a proxy that terminates TLS,
    /// forward the scheme (<c>UseForwardedHeaders</c>) so the app sees HTTPS. Default true.
    /// </summary>
    public bool UseHostPrefix { get; set; } = true;

    /// <summary>How long the browser cookie lives. Default one year.</summary>
    public TimeSpan CookieLifetime { get; set; } = TimeSpan.FromDays(365);

    /// <summary>When the cookie is marked Secure. Default: when the request is HTTPS.</summary>
    public CookieSecurePolicy CookieSecurePolicy { get; set; } = CookieSecurePolicy.SameAsRequest;

    /// <summary>
    /// Whether the browser cookie is essential to the app, so that ASP.NET Core's cookie policy
    /// (<c>UseCookiePolicy()</c> with <c>CheckConsentNeeded</c>) lets it through before the user has consented to
    /// tracking cookies. Default true: the cookie holds only a random id that makes the tabs of one browser share their
    /// state, the feature the user is using, and it tracks nothing across sites or apps; data protection law
    /// (GDPR, the ePrivacy directive) treats a cookie strictly necessary for a service the user asked for as needing no
    /// consent. Set it to false if your app asks consent for it anyway: then, while consent is needed and not given,
    /// LiveState neither issues nor reads the cookie, so the browser has no browser id and each tab is a private group
    /// of its own (signed-in users still share through their user group); tabs share once consent is given.
    /// </summary>
    public bool CookieIsEssential { get; set; } = true;

    /// <summary>
    /// Request paths under which the cookie is never issued (the Blazor hub, framework files). Static files are excluded
    /// by their extension. Entries bound from configuration are added to the defaults.
    /// </summary>
    public IList<string> CookieExcludedPaths { get; } = new List<string> { "/_blazor", "/_framework", "/_content" };

    /// <summary>The path of the Blazor hub. Default <c>/_blazor</c>.</summary>
    public string HubPath { get; set; } = "/_blazor";

    /// <summary>
    /// Origins allowed to open the Blazor hub connection, as defence in depth against cross-site WebSocket
    /// hijacking: <c>https://app.example.com</c>, or <c>self</c> for the origin the request was sent to.
    /// Empty (the default) checks nothing. A hub request whose <c>Origin</c> header names another origin gets 403;
    /// a request without an <c>Origin</c> header (not a browser) passes. From configuration, a list:
    /// <c>"AllowedHubOrigins": [ "self", "https://app.example.com" ]</c>.
    /// </summary>
    public IList<string> AllowedHubOrigins { get; } = new List<string>();

    /// <summary>
    /// When a user signs out in one tab, make every other tab of that user in the same browser leave the user's group
    /// (it reloads, and comes back anonymous). Hooks ASP.NET Core cookie authentication's sign-out; other schemes call
    /// <c>HttpContext.SignOutOtherLiveTabs()</c>. Default false.
    /// </summary>
    public bool SignOutOtherTabs { get; set; }

    /// <summary>The claim that carries a signed-in user's id. Default <see cref="ClaimTypes.NameIdentifier"/>, then <see cref="ClaimTypes.Name"/>.</summary>
    public string UserIdClaimType { get; set; } = ClaimTypes.NameIdentifier;

    /// <summary>A group with no circuits that has not been read or written for this long is evicted. Default 24 hours.</summary>
    public TimeSpan IdleGroupTimeout { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How often the background cleaner looks for idle groups. Default one minute.</summary>
    public TimeSpan IdleGroupScanInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The most groups the in-memory store holds; past it, the oldest idle groups without circuits are evicted. Default 100,000.</summary>
    public int MaxGroups { get; set; } = 100_000;

    /// <summary>How long a broadcast waits for one circuit's render before it logs the circuit as slow and stops counting it. Default 5 seconds.</summary>
    public TimeSpan DeliveryTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Re-render a group's presence readers when a circuit of the group opens, closes, loses its connection or moves, so presence counts stay live. Default true.</summary>
    public bool BroadcastPresenceChanges { get; set; } = true;

    /// <summary>
    /// Presence renders of one group are coalesced over this interval: the first change of a quiet group renders at
    /// once, the changes within the interval after it render together when it ends. This bounds the renders a browser
    /// opening many tabs at once can cause. Default 200 milliseconds; zero renders every change at once.
    /// </summary>
    public TimeSpan PresenceUpdateInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// The most circuits one session group (one anonymous browser, one user) may have open on one server; a circuit
    /// beyond it is refused (Blazor closes it) with a <see cref="LiveStateCircuitLimitException"/> in the log. Memberships
    /// (teams) are not limited. Default 100; zero means no limit.
    /// </summary>
    public int MaxCircuitsPerGroup { get; set; } = 100;

    /// <summary>
    /// With a scale-out backend: an update's message to the other servers carries the slot's new value when its JSON is
    /// at most this many bytes, so that they update their copy without reading it from the store; larger slots are read
    /// by the servers that show them. Default 16 KiB; zero never carries values.
    /// </summary>
    public int SlotChangePayloadLimit { get; set; } = 16 * 1024;

    /// <summary>
    /// Serializer options used to copy mutable state for copy-on-write updates (and by stores that serialize). Set in
    /// code only: converters and resolvers are types, which configuration cannot name, so a <c>JsonSerializerOptions</c>
    /// key in the bound configuration stops the start with an error that says so.
    /// </summary>
    public JsonSerializerOptions JsonSerializerOptions { get; set; } = new(JsonSerializerDefaults.Web);
}
