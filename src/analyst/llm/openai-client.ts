// Any OpenAI-compatible chat-completions endpoint (OpenAI, Ollama, vLLM, OpenRouter, LM Studio) through
// the official SDK. Structured output is `response_format: json_schema`, which OpenAI enforces and most
// compatible servers honour; the verdict reader repairs what a server that ignores it sends back.
import type OpenAI from 'openai';
import {
  unavailable,
  type ClientOptions,
  type LlmAnswer,
  type LlmClient,
  type LlmRequest,
} from './llm-client.ts';
import { withoutCredentials } from '../../logging/redaction.ts';

export class OpenAiClient implements LlmClient {
  readonly endpoint: string;
  private sdk: Promise<OpenAI> | null = null;
  private readonly isOpenAi: boolean;

  constructor(private readonly options: ClientOptions) {
    // Recorded on every decision and part of every cache key: never a credential (the config refuses a
    // base URL carrying one; this keeps any that got through out of the store).
    this.endpoint = `openai:${options.baseUrl === null ? 'api.openai.com' : withoutCredentials(options.baseUrl)}`;
    this.isOpenAi = options.baseUrl === null || new URL(options.baseUrl).hostname === 'api.openai.com';
  }

  /**
   * The SDK, imported at the first call rather than with this file: the app layer wires analysts for
   * every command that reads the config's variants (sigil halt, locks, compliance…), and the SDK is
   * ~150 modules, ~0.1 s of start-up that only a call to the model needs.
   */
  private client(): Promise<OpenAI> {
    this.sdk ??= import('openai').then(
      ({ default: OpenAI }) =>
        new OpenAI({
          apiKey: this.options.apiKey,
          baseURL: this.options.baseUrl ?? undefined,
          timeout: this.options.callTimeoutMs,
          maxRetries: this.options.maxRetries,
        }),
    );
    return this.sdk;
  }

  async complete(request: LlmRequest, signal: AbortSignal): Promise<LlmAnswer> {
    const sdk = await this.client();
    try {
      const completion = await sdk.chat.completions.create(
        {
          model: request.model,
          messages: [
            { role: 'system', content: request.system },
            { role: 'user', content: request.prompt },
          ],
          // OpenAI's reasoning models refuse `max_tokens`; many compatible servers know only it.
          ...(this.isOpenAi
            ? { max_completion_tokens: request.maxOutputTokens }
            : { max_tokens: request.maxOutputTokens }),
          ...(request.temperature === null ? {} : { temperature: request.temperature }),
          ...(request.structured
            ? {
                response_format: {
                  type: 'json_schema',
                  json_schema: {
                    name: request.structured.name,
                    description: request.structured.description,
                    schema: request.structured.schema,
                    strict: true,
                  },
                },
              }
            : {}),
        },
        { signal },
      );
      const message = completion.choices[0]?.message;
      return {
        text: message?.content ?? message?.refusal ?? '',
        structured: null,
        inputTokens: completion.usage?.prompt_tokens ?? 0,
        outputTokens: completion.usage?.completion_tokens ?? 0,
        model: completion.model,
      };
    } catch (error) {
      throw unavailable('openai', error, this.options.maxRetries, [this.options.apiKey]);
    }
  }
}
