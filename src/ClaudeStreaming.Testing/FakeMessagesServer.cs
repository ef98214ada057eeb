using System.Net;
using System.Text;
using ClaudeStreaming.Testing.Internal;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ClaudeStreaming.Testing;

/// <summary>
/// A fake Anthropic Messages API on real loopback sockets: Kestrel bound to 127.0.0.1 on a random port, serving
/// scripted <see cref="FakeReply"/>s to <c>POST /v1/messages</c>.
/// </summary>
/// <remarks>
/// <para>
/// Replies are served in the order they were enqueued; when the queue is empty, <see cref="DefaultReply"/> is served.
/// Requests to any other path get a 404 JSON error (and do not consume a reply); every request is recorded in
/// <see cref="Requests"/>.
/// </para>
/// <para>
/// The server is thread safe and built for many concurrent streams: no lock is held while a reply streams, connection
/// limits and minimum data rates are off, and nothing is logged.
/// </para>
/// </remarks>
public sealed class FakeMessagesServer : IAsyncDisposable
{
    private readonly ReplyBook _book = new();
    private readonly CancellationTokenSource _stopping = new();
    private WebApplication? _app;
    private int _disposed;

    private FakeMessagesServer()
    {
    }

    /// <summary>Gets the server's base address, e.g. <c>http://127.0.0.1:54321/</c> (always ending with '/').</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Gets or sets the reply served when the queue is empty.</summary>
    /// <value>By default a short text reply.</value>
    /// <exception cref="ArgumentNullException">The value is null.</exception>
    public FakeReply DefaultReply
    {
        get => _book.DefaultReply;
        set => _book.DefaultReply = value;
    }

    /// <summary>
    /// Gets or sets a function that chooses the reply from the request when the queue is empty (used in place of
    /// <see cref="DefaultReply"/>), e.g. to answer a tool loop turn by turn.
    /// </summary>
    /// <value><see langword="null"/> by default. It may be called from several threads at once; it must not return null.</value>
    public Func<RecordedRequest, FakeReply>? Responder
    {
        get => _book.Responder;
        set => _book.Responder = value;
    }

    /// <summary>Gets the checks and realistic defaults in force; change them before sending the requests they should apply to.</summary>
    /// <value>All checks and defaults on, any API key accepted.</value>
    public FakeMessagesOptions Options => _book.Options;

    /// <summary>Gets a snapshot of the requests received so far, in arrival order.</summary>
    public IReadOnlyList<RecordedRequest> Requests => _book.Requests;

    /// <summary>Starts a server on 127.0.0.1 with a random free port.</summary>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running server; dispose it to stop it.</returns>
    public static async Task<FakeMessagesServer> StartAsync(CancellationToken cancellationToken = default)
    {
        var server = new FakeMessagesServer();

        // The empty builder reads no configuration files or environment and adds no logging providers: no console spam.
        WebApplicationBuilder builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(options =>
        {
            options.Listen(IPAddress.Loopback, 0);
            options.AddServerHeader = false;
            options.Limits.MaxConcurrentConnections = null;
            options.Limits.MaxConcurrentUpgradedConnections = null;
            options.Limits.MinResponseDataRate = null;
            options.Limits.MinRequestBodyDataRate = null;
            options.Limits.MaxRequestBodySize = null;
        });
        builder.Services.Configure<HostOptions>(options => options.ShutdownTimeout = TimeSpan.FromSeconds(5));

        // The default lifetime (ConsoleLifetime) takes over Ctrl+C and SIGTERM for the whole process and only stops
        // this host, so an app or test host that starts a fake would no longer exit on them. The fake is stopped by
        // DisposeAsync alone.
        builder.Services.AddSingleton<IHostLifetime, PassiveHostLifetime>();

        WebApplication app = builder.Build();
        app.Run(server.HandleAsync);
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        server._app = app;
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.BaseAddress = new Uri(address.TrimEnd('/') + "/");
        return server;
    }

    /// <summary>Adds replies to the end of the queue; each request to <c>/v1/messages</c> takes the next one.</summary>
    /// <param name="replies">The replies, served in order.</param>
    /// <exception cref="ArgumentNullException"><paramref name="replies"/> or one of its items is null.</exception>
    public void Enqueue(params FakeReply[] replies) => _book.Enqueue(replies);

    /// <summary>
    /// Adds a reply chosen when its turn comes, from the request it answers: e.g. a tool loop's second reply that
    /// reads the first turn's <see cref="RecordedRequest.ToolResults"/>.
    /// </summary>
    /// <param name="reply">Called once, with the request, when this entry reaches the front of the queue; must not return null.</param>
    /// <exception cref="ArgumentNullException"><paramref name="reply"/> is null.</exception>
    public void Enqueue(Func<RecordedRequest, FakeReply> reply) => _book.Enqueue(reply);

    /// <summary>Stops the server, ending any reply still streaming (their requests' <see cref="RecordedRequest.Aborted"/> completes).</summary>
    /// <returns>A task that completes when the server has stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0 || _app is null)
        {
            return;
        }

        // Stalled and gated replies wait on this token; without it shutdown would wait out the timeout.
        await _stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await _app.StopAsync(CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            await _app.DisposeAsync().ConfigureAwait(false);
            _stopping.Dispose();
        }
    }

    private async Task HandleAsync(HttpContext context)
    {
        HttpRequest request = context.Request;
        string body;
        try
        {
            using var reader = new StreamReader(request.Body, Encoding.UTF8);
            body = await reader.ReadToEndAsync(context.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception) when (context.RequestAborted.IsCancellationRequested)
        {
            return;
        }

        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (KeyValuePair<string, Microsoft.Extensions.Primitives.StringValues> header in request.Headers)
        {
            headers[header.Key] = string.Join(", ", header.Value.ToArray());
        }

        string path = request.PathBase.Add(request.Path).ToString() + request.QueryString.ToString();
        var recorded = new RecordedRequest(request.Method, path, headers, body);
        _book.Record(recorded);

        using var lifetime = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping.Token);
        ReplyOutcome outcome;
        try
        {
            FakeReply reply = _book.Next(recorded);
            outcome = await ReplyRunner.RunAsync(reply, new KestrelReplySink(context), recorded, _book.Options, lifetime.Token).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // A gate or a reply function threw: drop the connection so the client sees a failure rather than a clean, short stream.
            context.Abort();
            recorded.Finish(ReplyOutcome.ServerClosed);
            return;
        }

        if (outcome == ReplyOutcome.ClientGone && !context.RequestAborted.IsCancellationRequested)
        {
            // The fake is shutting down mid-reply: close the connection instead of ending the body cleanly.
            context.Abort();
        }

        recorded.Finish(outcome);
    }
}
