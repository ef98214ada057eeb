using System.Text.RegularExpressions;
using ClaudeStreaming.Testing;
using Microsoft.Playwright;

namespace ClaudeStreaming.Samples.Tests.Infrastructure;

/// <summary>
/// One fake Messages API, one WebRelay child process relaying it on 127.0.0.1 (random port), and, on first use, one
/// headless Chromium. Tests in the collection run one at a time and enqueue their own fake replies.
/// </summary>
public sealed partial class WebRelayFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private static readonly string[] s_chromiumArgs =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ];

    private readonly SemaphoreSlim _browserLock = new(1, 1);
    private SampleProcess? _relay;
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public FakeMessagesServer Upstream { get; private set; } = null!;

    /// <summary>The relay's root address, for example <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri Address { get; private set; } = null!;

    internal SampleProcess Relay => _relay!;

    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public async Task InitializeAsync()
    {
        Upstream = await FakeMessagesServer.StartAsync();
        _relay = SampleProcess.Start(
            "WebRelay",
            ["--urls", "http://127.0.0.1:0"],
            new Dictionary<string, string?>
            {
                ["ANTHROPIC_API_KEY"] = "test-key",
                ["ANTHROPIC_BASE_URL"] = Upstream.BaseAddress.ToString(),
                ["ASPNETCORE_URLS"] = null,
                ["Logging__LogLevel__Default"] = "Warning",
            });
        await _relay.WaitForOutputAsync(output => ListeningLine().IsMatch(output));
        Address = new Uri(ListeningLine().Match(_relay.Output).Groups["address"].Value.TrimEnd('/') + "/");
    }

    /// <summary>A fresh page in a fresh browser context; Chromium starts on first use.</summary>
    public async Task<IPage> NewPageAsync()
    {
        await _browserLock.WaitAsync();
        try
        {
            if (_browser is null)
            {
                if (!File.Exists(ChromiumPath))
                {
                    throw new InvalidOperationException(
                        $"{ChromiumPath} is missing: install Debian's chromium (bash scripts/test.sh does) to run the browser tests.");
                }

                // The Node driver ships inside the Microsoft.Playwright package; the browser is Debian's. Nothing is downloaded.
                _playwright = await Playwright.CreateAsync();
                _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
                {
                    ExecutablePath = ChromiumPath,
                    Headless = true,
                    Args = s_chromiumArgs,
                    Timeout = 60_000,
                });
            }
        }
        finally
        {
            _browserLock.Release();
        }

        IBrowserContext context = await _browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = Address.ToString() });
        context.SetDefaultTimeout(20_000);
        return await context.NewPageAsync();
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.CloseAsync();
        }

        _playwright?.Dispose();
        if (_relay is not null)
        {
            await _relay.DisposeAsync();
        }

        if (Upstream is not null)
        {
            await Upstream.DisposeAsync();
        }

        _browserLock.Dispose();
    }

    [GeneratedRegex(@"WebRelay listening on (?<address>http://127\.0\.0\.1:\d+/?)")]
    private static partial Regex ListeningLine();
}

[CollectionDefinition(Name)]
public sealed class WebRelayTestGroup : ICollectionFixture<WebRelayFixture>
{
    public const string Name = "WebRelay";
}

/// <summary>
/// A browser test: it runs when /usr/bin/chromium exists, and always in CI (CI=true), where a missing browser makes it
/// fail loudly instead of skipping silently.
/// </summary>
public sealed class BrowserFactAttribute : FactAttribute
{
    public BrowserFactAttribute()
    {
        if (!File.Exists(WebRelayFixture.ChromiumPath) && !WebRelayFixture.IsCi)
        {
            Skip = $"{WebRelayFixture.ChromiumPath} is missing (run bash scripts/test.sh to install it); browser tests run in CI.";
        }
    }
}
