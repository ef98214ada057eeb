namespace ClaudeStreaming.Tests;

/// <summary>Issues 8 and 9: options fail at construction, clearly, without quoting a secret.</summary>
public sealed class OptionsValidationTests
{
    private static ClaudeClientOptions Valid() => new() { ApiKey = TestClients.ApiKey, BaseAddress = new Uri("https://api.anthropic.com/") };

    public static TheoryData<string, string> BadHeaderValues => new()
    {
        { "ApiKey", "sk-ant-good\r\nX-Injected: yes" },
        { "ApiKey", "sk-ant-good\nX-Injected: yes" },
        { "ApiKey", "sk-ant-clé-non-ascii" },
        { "ApiKey", "sk-ant with-space" },
        { "ApiKey", "sk-ant\ttab" },
        { "ApiKey", "sk-ant\0nul" },
        { "AuthToken", "token\r\nX-Injected: yes" },
        { "AnthropicVersion", "2023-06-01\r\nX-Injected: yes" },
        { "Beta", "tools-2024\r\nX-Injected: yes" },
        { "Beta", "bêta" },
    };

    [Theory]
    [MemberData(nameof(BadHeaderValues))]
    public void Constructor_HeaderValueWithCrLfOrNonVisibleAscii_IsArgumentExceptionThatDoesNotEchoTheValue(string option, string value)
    {
        ClaudeClientOptions options = Valid();
        switch (option)
        {
            case "ApiKey": options.ApiKey = value; break;
            case "AuthToken": options.ApiKey = null; options.AuthToken = value; break;
            case "AnthropicVersion": options.AnthropicVersion = value; break;
            default: options.Betas.Add(value); break;
        }

        var ex = Assert.Throws<ArgumentException>(() => new ClaudeClient(options));

        Assert.Contains(option, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(value, ex.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("X-Injected", ex.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("sk-ant", ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_SuppliedHttpClient_ValidatesTheSameWay()
    {
        using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false });
        ClaudeClientOptions options = Valid();
        options.ApiKey = "sk-ant-\u00e9";

        Assert.Throws<ArgumentException>(() => new ClaudeClient(http, options));
    }

    [Fact]
    public void Constructor_EmptyBetaOrVersion_IsArgumentException()
    {
        ClaudeClientOptions beta = Valid();
        beta.Betas.Add("");
        ClaudeClientOptions version = Valid();
        version.AnthropicVersion = "";

        Assert.Throws<ArgumentException>(() => new ClaudeClient(beta));
        Assert.Throws<ArgumentException>(() => new ClaudeClient(version));
    }

    public static TheoryData<string, TimeSpan> BadTimeouts => new()
    {
        { "Timeout", TimeSpan.Zero },
        { "Timeout", TimeSpan.FromSeconds(-1) },
        { "Timeout", TimeSpan.FromMilliseconds(5) },
        { "Timeout", TimeSpan.FromDays(2) },
        { "StreamIdleTimeout", TimeSpan.Zero },
        { "StreamIdleTimeout", TimeSpan.FromSeconds(-1) },
        { "StreamIdleTimeout", TimeSpan.FromDays(30) },
    };

    [Theory]
    [MemberData(nameof(BadTimeouts))]
    public void Constructor_TimeoutOutOfRange_IsArgumentOutOfRangeException(string option, TimeSpan value)
    {
        ClaudeClientOptions options = Valid();
        if (option == "Timeout")
        {
            options.Timeout = value;
        }
        else
        {
            options.StreamIdleTimeout = value;
        }

        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new ClaudeClient(options));

        Assert.Contains(option, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_NegativeMaxRetries_IsArgumentOutOfRangeException()
    {
        ClaudeClientOptions options = Valid();
        options.MaxRetries = -1;

        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new ClaudeClient(options));

        Assert.Contains("MaxRetries", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_InfiniteTimeouts_AreAllowed()
    {
        ClaudeClientOptions options = Valid();
        options.Timeout = Timeout.InfiniteTimeSpan;
        options.StreamIdleTimeout = Timeout.InfiniteTimeSpan;
        options.MaxRetries = 0;

        using var client = new ClaudeClient(options);

        Assert.NotNull(client.Messages);
    }

    [Theory]
    [InlineData("v1/relative/")]
    [InlineData("ftp://api.example.com/")]
    [InlineData("https://user:pass@api.example.com/")]
    public void Constructor_UnusableBaseAddress_IsArgumentException(string address)
    {
        ClaudeClientOptions options = Valid();
        options.BaseAddress = new Uri(address, UriKind.RelativeOrAbsolute);

        var ex = Assert.Throws<ArgumentException>(() => new ClaudeClient(options));

        Assert.Contains("BaseAddress", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("pass", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://api.anthropic.com", "https://api.anthropic.com/")]
    [InlineData("https://gateway.example.com/anthropic", "https://gateway.example.com/anthropic/")]
    [InlineData("http://127.0.0.1:8080/", "http://127.0.0.1:8080/")]
    public void BaseAddress_IsTheResolvedAbsoluteAddressEndingInSlash(string configured, string expected)
    {
        ClaudeClientOptions options = Valid();
        options.BaseAddress = new Uri(configured);

        using var client = new ClaudeClient(options);

        Assert.Equal(new Uri(expected), client.BaseAddress);
    }

    [Fact]
    public void BaseAddress_FromSuppliedHttpClient_IsUsedWhenOptionsHaveNone()
    {
        using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri("https://proxy.example.com/claude") };

        using var client = new ClaudeClient(http, new ClaudeClientOptions { ApiKey = TestClients.ApiKey });

        Assert.Equal(new Uri("https://proxy.example.com/claude/"), client.BaseAddress);
    }
}
