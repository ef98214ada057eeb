using Microsoft.Extensions.Options;

namespace ClaudeStreaming;

/// <summary>The constructor's checks, run by the options system: at start with <c>ValidateOnStart</c>, else at first resolution.</summary>
internal sealed class ClaudeClientOptionsValidator : IValidateOptions<ClaudeClientOptions>
{
    public ValidateOptionsResult Validate(string? name, ClaudeClientOptions options)
    {
        try
        {
            _ = new ClientSettings(options, httpClientBaseAddress: null);
            return ValidateOptionsResult.Success;
        }
        catch (ArgumentException ex)
        {
            // ArgumentOutOfRangeException's message quotes the actual value; that is a number or a time span, never a secret.
            return ValidateOptionsResult.Fail(ex.Message);
        }
    }
}
