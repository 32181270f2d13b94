// Any OpenAI-compatible chat-completions endpoint (OpenAI, Ollama, vLLM, OpenRouter, LM Studio) through
// the official SDK. Structured output is `response_format: json_schema`, which OpenAI enforces and most
// compatible servers honour; the verdict reader repairs what a server that ignores it sends back.
import OpenAI from 'openai';
import {
  unavailable,
  type ClientOptions,
  type LlmAnswer,
  type LlmClient,
  type LlmRequest,
} from './llm-client.ts';

export class OpenAiClient implements LlmClient {
  readonly endpoint: string;
  private readonly sdk: OpenAI;
  private readonly isOpenAi: boolean;

  constructor(private readonly options: ClientOptions) {
    this.endpoint = `openai:${options.baseUrl ?? 'api.openai.com'}`;
    this.isOpenAi = options.baseUrl === null || new URL(options.baseUrl).hostname === 'api.openai.com';
    this.sdk = new OpenAI({
      apiKey: options.apiKey,
      baseURL: options.baseUrl ?? undefined,
      timeout: options.callTimeoutMs,
      maxRetries: options.maxRetries,
    });
  }

  async complete(request: LlmRequest, signal: AbortSignal): Promise<LlmAnswer> {
    try {
      const completion = await this.sdk.chat.completions.create(
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
      throw unavailable('openai', error, this.options.maxRetries);
    }
  }
}
