using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.Logging;
using Polly.Retry;

namespace ClaudeStreaming;

/// <summary>
/// The telemetry of one logical call (<c>StreamAsync</c> or <c>CreateAsync</c>): one span over every attempt and the
/// whole stream, the GenAI metrics, and the log events. Created only when someone listens (an
/// <see cref="ActivityListener"/>, an enabled instrument, or a logger), so a call nobody observes carries a
/// <see langword="null"/> observer and each hook costs one null check.
/// </summary>
/// <remarks>Not thread-safe beyond what the stream is: the hooks run on the stream's single consumer, and ending is guarded so that it happens once.</remarks>
internal sealed class CallTelemetry
{
    // The retry pipeline is shared by all calls of a client; this is how its OnRetry finds the call it is retrying.
    // Set in the async method that starts the call, so it never leaks to the caller's context.
    private static readonly AsyncLocal<CallTelemetry?> CurrentCall = new();

    private readonly TelemetrySettings _settings;
    private readonly TimeProvider _time;
    private readonly ILogger? _logger;
    private readonly Activity? _activity;
    private readonly string _requestModel;
    private readonly long _started;
    private readonly bool _recordChunks;
    private TagList _chunkTags;
    private long _attemptStarted;
    private long _lastChunk;
    private bool _sawChunk;
    private int _attempts;
    private int _ended;
    private string? _requestId;
    private string? _responseId;
    private string? _responseModel;
    private StopReason? _stopReason;
    private Usage? _usage;
    private double? _timeToFirstText;

    private enum Outcome
    {
        Completed,
        Failed,
        Abandoned,
    }

    private CallTelemetry(TelemetrySettings settings, MessageRequest request, ILogger? logger)
    {
        _settings = settings;
        _time = settings.TimeProvider;
        _logger = logger;
        _requestModel = request.Model;
        _started = _attemptStarted = _time.GetTimestamp();
        if (Instruments.Source.HasListeners())
        {
            _activity = StartActivity(settings, request);
        }

        _recordChunks = Instruments.TimeToFirstChunk.Enabled || Instruments.TimePerOutputChunk.Enabled;
        if (_recordChunks)
        {
            // Built once per call; each chunk's measurement passes it by reference, so timing a chunk allocates nothing.
            _chunkTags = BaseTags();
        }
    }

    /// <summary>The call whose attempts are being made in this async flow, for the shared retry pipeline.</summary>
    public static CallTelemetry? Current => CurrentCall.Value;

    /// <summary>Starts observing a call, or returns <see langword="null"/> when nobody listens.</summary>
    public static CallTelemetry? Start(TelemetrySettings settings, MessageRequest request)
    {
        // Warning is the most severe level used: a logger that filters it out would drop every event.
        ILogger? logger = settings.Logger is { } candidate && candidate.IsEnabled(LogLevel.Warning) ? candidate : null;
        if (logger is null && !Instruments.AnyEnabled)
        {
            // A call made from inside another client's observed call must not report its retries there.
            if (CurrentCall.Value is not null)
            {
                CurrentCall.Value = null;
            }

            return null;
        }

        var call = new CallTelemetry(settings, request, logger);
        CurrentCall.Value = call;
        return call;
    }

    /// <summary>Polly's <c>OnRetry</c>: records the retry on the call being retried.</summary>
    public static ValueTask OnRetry(OnRetryArguments<HttpResponseMessage> args)
    {
        Current?.RetryScheduled(args.Outcome.Result?.StatusCode, args.Outcome.Exception, args.RetryDelay, args.AttemptNumber + 1);
        return default;
    }

    /// <summary>An attempt is about to be sent.</summary>
    public void RequestSent()
    {
        int attempt = ++_attempts;
        _attemptStarted = _time.GetTimestamp();
        if (_logger is not null)
        {
            Log.RequestSent(_logger, _requestModel, attempt);
        }
    }

    /// <summary>An attempt failed and another is scheduled after <paramref name="delay"/>.</summary>
    public void RetryScheduled(HttpStatusCode? status, Exception? exception, TimeSpan delay, int failedAttempt)
    {
        string errorType = ErrorTypes.OfRetried(status, exception);
        if (_activity is not null)
        {
            var tags = new ActivityTagsCollection
            {
                [SemanticConventions.HttpResendCount] = failedAttempt,
                [SemanticConventions.ErrorType] = errorType,
                [SemanticConventions.RetryDelay] = delay.TotalSeconds,
            };
            if (status is { } code)
            {
                tags[SemanticConventions.HttpStatusCode] = (int)code;
            }

            _activity.AddEvent(new ActivityEvent(SemanticConventions.RetryEvent, tags: tags));
        }

        if (_logger is not null)
        {
            Log.RetryScheduled(_logger, failedAttempt, (int?)status, errorType, delay.TotalMilliseconds);
        }
    }

    /// <summary>The headers of a successful response arrived: the stream begins.</summary>
    public void ResponseStarted(HttpResponseMessage response)
    {
        _requestId = response.Headers.TryGetValues("request-id", out IEnumerable<string>? ids) ? ids.FirstOrDefault() : null;
        if (_logger is not null)
        {
            double timeToHeaders = _time.GetElapsedTime(_attemptStarted).TotalMilliseconds;
            Log.ResponseStarted(_logger, (int)response.StatusCode, _requestId, timeToHeaders);
        }
    }

    /// <summary>The stream applied an event; called for every event, so each branch is cheap.</summary>
    public void OnEvent(EventKind kind, MessageAccumulator accumulator)
    {
        switch (kind)
        {
            case EventKind.TextDelta:
                Chunk(isText: true);
                break;
            case EventKind.InputJsonDelta or EventKind.ThinkingDelta or EventKind.SignatureDelta or EventKind.OtherDelta:
                Chunk(isText: false);
                break;
            case EventKind.MessageStart:
                Message start = accumulator.StartMessage;
                _responseId = start.Id;
                _responseModel = start.Model.Length > 0 ? start.Model : null;
                _usage = accumulator.Usage;
                if (_recordChunks && _responseModel is not null)
                {
                    _chunkTags.Add(SemanticConventions.ResponseModel, _responseModel);
                }

                break;
            case EventKind.MessageDelta:
                _usage = accumulator.Usage;
                _stopReason = accumulator.StopReason;
                break;
            case EventKind.MessageStop:
                End(Outcome.Completed, error: null, eventsReceived: 0, _settings.RecordContent ? accumulator.Snapshot() : null);
                break;
        }
    }

    /// <summary>The call failed (an error status, a connection failure, a failed stream, or a cancellation).</summary>
    public void Failed(Exception exception, long eventsReceived) => End(Outcome.Failed, exception, eventsReceived, final: null);

    /// <summary>The caller released the stream before it completed (disposed it, or left an enumeration early).</summary>
    public void Abandoned(long eventsReceived) => End(Outcome.Abandoned, error: null, eventsReceived, final: null);

    private static Activity? StartActivity(TelemetrySettings settings, MessageRequest request)
    {
        // The attributes a sampler may look at are given at creation time, as the conventions ask.
        var tags = new KeyValuePair<string, object?>[]
        {
            new(SemanticConventions.OperationName, SemanticConventions.Chat),
            new(SemanticConventions.ProviderName, SemanticConventions.Anthropic),
            new(SemanticConventions.RequestModel, request.Model),
            new(SemanticConventions.ServerAddress, settings.ServerAddress),
            new(SemanticConventions.ServerPort, settings.ServerPort),
        };
        Activity? activity = Instruments.Source.StartActivity(
            string.IsNullOrEmpty(request.Model) ? SemanticConventions.Chat : $"{SemanticConventions.Chat} {request.Model}",
            ActivityKind.Client,
            parentContext: default,
            tags);
        if (activity is not { IsAllDataRequested: true })
        {
            return activity;
        }

        activity.SetTag(SemanticConventions.RequestMaxTokens, request.MaxTokens);
        activity.SetTag(SemanticConventions.RequestStream, true);
        if (request.Temperature is { } temperature)
        {
            activity.SetTag(SemanticConventions.RequestTemperature, temperature);
        }

        if (request.TopP is { } topP)
        {
            activity.SetTag(SemanticConventions.RequestTopP, topP);
        }

        if (request.TopK is { } topK)
        {
            activity.SetTag(SemanticConventions.RequestTopK, topK);
        }

        if (request.StopSequences is { Count: > 0 } stopSequences)
        {
            activity.SetTag(SemanticConventions.RequestStopSequences, stopSequences.ToArray());
        }

        if (settings.RecordContent)
        {
            activity.SetTag(SemanticConventions.InputMessages, ContentJson.InputMessages(request.Messages));
            if (request.System is { } system)
            {
                activity.SetTag(SemanticConventions.SystemInstructions, ContentJson.SystemInstructions(system));
            }

            if (request.Tools is { Count: > 0 } tools)
            {
                activity.SetTag(SemanticConventions.ToolDefinitions, ContentJson.ToolDefinitions(tools));
            }
        }

        return activity;
    }

    private void Chunk(bool isText)
    {
        if (_sawChunk && !_recordChunks && (_timeToFirstText is not null || !isText))
        {
            return;
        }

        long now = _time.GetTimestamp();
        if (!_sawChunk)
        {
            _sawChunk = true;
            double timeToFirstChunk = _time.GetElapsedTime(_started, now).TotalSeconds;
            _activity?.SetTag(SemanticConventions.ResponseTimeToFirstChunk, timeToFirstChunk);
            if (_recordChunks)
            {
                Instruments.TimeToFirstChunk.Record(timeToFirstChunk, in _chunkTags);
            }
        }
        else if (_recordChunks)
        {
            Instruments.TimePerOutputChunk.Record(_time.GetElapsedTime(_lastChunk, now).TotalSeconds, in _chunkTags);
        }

        _lastChunk = now;
        if (isText && _timeToFirstText is null)
        {
            _timeToFirstText = _time.GetElapsedTime(_started, now).TotalMilliseconds;
        }
    }

    private TagList BaseTags()
    {
        var tags = new TagList
        {
            { SemanticConventions.OperationName, SemanticConventions.Chat },
            { SemanticConventions.ProviderName, SemanticConventions.Anthropic },
            { SemanticConventions.RequestModel, _requestModel },
            { SemanticConventions.ServerAddress, _settings.ServerAddress },
            { SemanticConventions.ServerPort, _settings.ServerPort },
        };
        if (_responseModel is not null)
        {
            tags.Add(SemanticConventions.ResponseModel, _responseModel);
        }

        return tags;
    }

    /// <summary>Ends the call once: records the metrics, completes and stops the span, and logs the outcome.</summary>
    private void End(Outcome outcome, Exception? error, long eventsReceived, Message? final)
    {
        if (Interlocked.Exchange(ref _ended, 1) != 0)
        {
            return;
        }

        TimeSpan duration = _time.GetElapsedTime(_started);
        string? errorType = error is null ? null : ErrorTypes.Of(error);
        _requestId ??= (error as ClaudeException)?.RequestId;
        Usage? usage = _usage ?? (error as ClaudeException)?.PartialMessage?.Usage;
        RecordMetrics(duration, errorType, usage);
        if (_activity is not null)
        {
            CompleteActivity(_activity, error, errorType, usage, final);
        }

        if (_logger is not null)
        {
            LogOutcome(_logger, outcome, error, errorType, eventsReceived, usage, duration);
        }
    }

    private void RecordMetrics(TimeSpan duration, string? errorType, Usage? usage)
    {
        if (Instruments.OperationDuration.Enabled)
        {
            TagList tags = BaseTags();
            if (errorType is not null)
            {
                tags.Add(SemanticConventions.ErrorType, errorType);
            }

            Instruments.OperationDuration.Record(duration.TotalSeconds, in tags);
        }

        if (Instruments.TokenUsage.Enabled && usage is not null)
        {
            TagList input = BaseTags();
            input.Add(SemanticConventions.TokenType, SemanticConventions.Input);
            Instruments.TokenUsage.Record(PromptTokens(usage), in input);
            TagList output = BaseTags();
            output.Add(SemanticConventions.TokenType, SemanticConventions.Output);
            Instruments.TokenUsage.Record(usage.OutputTokens, in output);
        }
    }

    private void CompleteActivity(Activity activity, Exception? error, string? errorType, Usage? usage, Message? final)
    {
        if (activity.IsAllDataRequested)
        {
            if (_responseId is { Length: > 0 })
            {
                activity.SetTag(SemanticConventions.ResponseId, _responseId);
            }

            if (_responseModel is not null)
            {
                activity.SetTag(SemanticConventions.ResponseModel, _responseModel);
            }

            if (_stopReason is { } stopReason)
            {
                activity.SetTag(SemanticConventions.ResponseFinishReasons, new[] { stopReason.Value });
            }

            if (usage is not null)
            {
                activity.SetTag(SemanticConventions.UsageInputTokens, PromptTokens(usage));
                activity.SetTag(SemanticConventions.UsageOutputTokens, usage.OutputTokens);
                // Recorded whenever the API reported them, zero included; absent when it did not.
                if (usage.CacheReadInputTokens is { } cacheRead)
                {
                    activity.SetTag(SemanticConventions.UsageCacheReadInputTokens, cacheRead);
                }

                if (usage.CacheCreationInputTokens is { } cacheCreation)
                {
                    activity.SetTag(SemanticConventions.UsageCacheCreationInputTokens, cacheCreation);
                }
            }

            if (final is not null)
            {
                activity.SetTag(SemanticConventions.OutputMessages, ContentJson.OutputMessages(final));
            }
        }

        if (error is not null)
        {
            activity.SetTag(SemanticConventions.ErrorType, errorType);
            activity.SetStatus(ActivityStatusCode.Error, error.Message);
        }

        // Stop restores the activity that was current when this one started; the stream usually ends on the
        // consumer's flow, whose current activity must stay as it is.
        Activity? current = Activity.Current;
        activity.Stop();
        if (!ReferenceEquals(current, activity))
        {
            Activity.Current = current;
        }
    }

    private void LogOutcome(ILogger logger, Outcome outcome, Exception? error, string? errorType, long eventsReceived, Usage? usage, TimeSpan duration)
    {
        switch (outcome)
        {
            case Outcome.Completed:
                Log.StreamCompleted(logger, _requestId, _stopReason?.Value, usage is null ? 0 : PromptTokens(usage), usage?.OutputTokens ?? 0, duration.TotalMilliseconds, _timeToFirstText);
                break;
            case Outcome.Abandoned:
                Log.StreamAbandoned(logger, _requestId, eventsReceived);
                break;
            case Outcome.Failed when error is OperationCanceledException:
                Log.StreamCancelled(logger, _requestId, eventsReceived);
                break;
            default:
                Log.StreamFailed(logger, _requestId, errorType!, eventsReceived, error!);
                break;
        }
    }

    // The conventions' Anthropic rule: the prompt is input_tokens plus the tokens read from and written to the cache.
    private static int PromptTokens(Usage usage) =>
        usage.InputTokens + (usage.CacheReadInputTokens ?? 0) + (usage.CacheCreationInputTokens ?? 0);
}
