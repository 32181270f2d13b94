// Anthropic's Messages API through the official SDK. Its native structured output is a forced tool
// call: the verdict comes back as the tool's input object, already parsed.
import type Anthropic from '@anthropic-ai/sdk';
import {
  unavailable,
  type ClientOptions,
  type LlmAnswer,
  type LlmClient,
  type LlmRequest,
} from './llm-client.ts';
import { withoutCredentials } from '../../logging/redaction.ts';

export class AnthropicClient implements LlmClient {
  readonly endpoint: string;
  private sdk: Promise<Anthropic> | null = null;

  constructor(private readonly options: ClientOptions) {
    // Recorded on every decision and part of every cache key: never a credential (the config refuses a
    // base URL carrying one; this keeps any that got through out of the store).
    this.endpoint = `anthropic:${options.baseUrl === null ? 'api.anthropic.com' : withoutCredentials(options.baseUrl)}`;
  }

  /**
   * The SDK, imported at the first call rather than with this file: the app layer wires analysts for
   * every command that reads the config's variants (sigil halt, locks, compliance…), and the SDK is
   * ~300 modules (OpenTelemetry included), ~0.2 s of start-up that only a call to the model needs.
   */
  private client(): Promise<Anthropic> {
    this.sdk ??= import('@anthropic-ai/sdk').then(
      ({ default: Anthropic }) =>
        new Anthropic({
          apiKey: this.options.apiKey,
          baseURL: this.options.baseUrl ?? undefined,
          timeout: this.options.callTimeoutMs,
          maxRetries: this.options.maxRetries,
        }),
    );
    return this.sdk;
  }

  async complete(request: LlmRequest, signal: AbortSignal): Promise<LlmAnswer> {
    const { structured } = request;
    const sdk = await this.client();
    try {
      const message = await sdk.messages.create(
        {
          model: request.model,
          system: request.system,
          messages: [{ role: 'user', content: request.prompt }],
          max_tokens: request.maxOutputTokens,
          ...(request.temperature === null ? {} : { temperature: request.temperature }),
          ...(structured
            ? {
                tools: [
                  {
                    name: structured.name,
                    description: structured.description,
                    input_schema: structured.schema as Anthropic.Tool.InputSchema,
                  },
                ],
                tool_choice: { type: 'tool' as const, name: structured.name },
              }
            : {}),
        },
        { signal },
      );
      let text = '';
      let object: unknown = null;
      for (const block of message.content) {
        if (block.type === 'text') text += block.text;
        if (block.type === 'tool_use' && block.name === structured?.name) object = block.input;
      }
      return {
        text,
        structured: object,
        inputTokens: message.usage.input_tokens,
        outputTokens: message.usage.output_tokens,
        model: message.model,
      };
    } catch (error) {
      throw unavailable('anthropic', error, this.options.maxRetries, [this.options.apiKey]);
    }
  }
}
