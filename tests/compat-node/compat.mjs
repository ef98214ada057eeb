// Runs the official TypeScript SDK (@anthropic-ai/sdk, pinned in package-lock.json) against a fake Messages API and
// prints what the SDK made of the reply as one JSON line. Driven by tests/ClaudeStreaming.Testing.Compat.Tests:
//   node compat.mjs <baseUrl> <stream|create> <maxRetries> <apiKey> [model]
import Anthropic from '@anthropic-ai/sdk';

const [baseURL, mode, maxRetries, apiKey, model = 'claude-sonnet-4-5'] = process.argv.slice(2);
const client = new Anthropic({ baseURL, apiKey, maxRetries: Number(maxRetries), timeout: 30_000 });
const params = {
  model,
  max_tokens: 1024,
  messages: [{ role: 'user', content: 'Hello' }],
};

function summarize(message) {
  const text = message.content.filter((b) => b.type === 'text').map((b) => b.text).join('');
  const tool = message.content.find((b) => b.type === 'tool_use');
  const thinking = message.content.find((b) => b.type === 'thinking');
  return {
    kind: 'message',
    id: message.id,
    model: message.model,
    text,
    toolName: tool?.name ?? null,
    toolInput: tool ? JSON.stringify(tool.input) : null,
    thinking: thinking?.thinking ?? null,
    signature: thinking?.signature ?? null,
    blockTypes: message.content.map((b) => b.type),
    citations: message.content.flatMap((b) => b.citations ?? []).length,
    stopReason: message.stop_reason,
    stopSequence: message.stop_sequence,
    inputTokens: message.usage.input_tokens,
    outputTokens: message.usage.output_tokens,
    cacheCreationInputTokens: message.usage.cache_creation_input_tokens,
    cacheReadInputTokens: message.usage.cache_read_input_tokens,
  };
}

const started = Date.now();
let result;
try {
  if (mode === 'stream') {
    const stream = client.messages.stream(params);
    let deltas = '';
    stream.on('text', (t) => { deltas += t; });
    const message = await stream.finalMessage();
    result = { ...summarize(message), streamedText: deltas };
  } else {
    const { data, response } = await client.messages.create(params).withResponse();
    result = { ...summarize(data), requestId: response.headers.get('request-id') };
  }
} catch (err) {
  result = {
    kind: 'error',
    name: err?.constructor?.name ?? typeof err,
    status: err?.status ?? null,
    requestId: err?.requestID ?? null,
    errorType: err?.error?.error?.type ?? null,
    message: String(err?.message ?? err),
  };
}

result.elapsedMs = Date.now() - started;
process.stdout.write(JSON.stringify(result) + '\n');
