namespace ClaudeStreaming;

/// <summary>Names from the OpenTelemetry GenAI semantic conventions, and the few of our own where they are silent.</summary>
internal static class SemanticConventions
{
    public const string Chat = "chat";
    public const string Anthropic = "anthropic";

    public const string OperationName = "gen_ai.operation.name";
    public const string ProviderName = "gen_ai.provider.name";
    public const string RequestModel = "gen_ai.request.model";
    public const string RequestMaxTokens = "gen_ai.request.max_tokens";
    public const string RequestTemperature = "gen_ai.request.temperature";
    public const string RequestTopP = "gen_ai.request.top_p";
    public const string RequestTopK = "gen_ai.request.top_k";
    public const string RequestStopSequences = "gen_ai.request.stop_sequences";
    public const string RequestStream = "gen_ai.request.stream";
    public const string ResponseId = "gen_ai.response.id";
    public const string ResponseModel = "gen_ai.response.model";
    public const string ResponseFinishReasons = "gen_ai.response.finish_reasons";
    public const string ResponseTimeToFirstChunk = "gen_ai.response.time_to_first_chunk";
    public const string UsageInputTokens = "gen_ai.usage.input_tokens";
    public const string UsageOutputTokens = "gen_ai.usage.output_tokens";
    public const string UsageCacheReadInputTokens = "gen_ai.usage.cache_read.input_tokens";
    public const string UsageCacheCreationInputTokens = "gen_ai.usage.cache_creation.input_tokens";
    public const string TokenType = "gen_ai.token.type";
    public const string InputMessages = "gen_ai.input.messages";
    public const string OutputMessages = "gen_ai.output.messages";
    public const string SystemInstructions = "gen_ai.system_instructions";
    public const string ToolDefinitions = "gen_ai.tool.definitions";
    public const string ServerAddress = "server.address";
    public const string ServerPort = "server.port";
    public const string ErrorType = "error.type";

    // The conventions define no retry event; the attributes are the stable HTTP and error ones where they fit.
    public const string RetryEvent = "claude_streaming.retry";
    public const string RetryDelay = "claude_streaming.retry.delay";
    public const string HttpResendCount = "http.request.resend_count";
    public const string HttpStatusCode = "http.response.status_code";

    public const string Input = "input";
    public const string Output = "output";
}
