namespace ClaudeStreaming;

/// <summary><c>signature_delta</c>: the signature of a thinking block, sent once just before the block stops.</summary>
/// <param name="signature">The signature.</param>
public sealed class SignatureDelta(string signature) : ContentDelta
{
    /// <inheritdoc/>
    public override string Type => "signature_delta";

    /// <summary>The signature; it replaces any earlier one.</summary>
    public string Signature { get; } = signature ?? throw new ArgumentNullException(nameof(signature));
}
