// A fake LLM server on 127.0.0.1 that speaks both OpenAI's chat-completions API and Anthropic's Messages
// API, so tests drive the real `openai` and `@anthropic-ai/sdk` clients against it. A script decides each
// answer, which lets a test produce every fault a provider can: prose, malformed JSON, a slow answer,
// 429 then success, 500 forever, a connection reset, a request that never ends.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { listenOnLoopback, closeServer, readBody, sendJson } from './local-server.ts';

export interface LlmUsage {
  input: number;
  output: number;
}

export type LlmReply =
  /** Assistant text (OpenAI: choices[0].message.content; Anthropic: one text block). */
  | { kind: 'text'; text: string; delayMs?: number; usage?: LlmUsage }
  /**
   * A structured answer. OpenAI: content = JSON.stringify(value). Anthropic: when the request has `tools`
   * and `tool_choice` of type 'tool' (or 'any'), a `tool_use` content block whose `input` is `value` and
   * `name` is the forced tool's name (the first tool for 'any'), stop_reason 'tool_use'; otherwise a text
   * block of JSON.stringify(value).
   */
  | {
      kind: 'json';
      value: unknown;
      delayMs?: number;
      usage?: LlmUsage;
      /** Answer only once this settles: a test decides when a slow model "arrives". */
      until?: Promise<unknown>;
    }
  /** An HTTP error with the provider's error body shape; headers e.g. { 'retry-after-ms': '5' }. */
  | { kind: 'status'; status: number; message?: string; headers?: Record<string, string>; delayMs?: number }
  /** Destroy the socket without answering (ECONNRESET at the client). */
  | { kind: 'reset' }
  /** Never answer; the request stays open until the client aborts it or the server closes. */
  | { kind: 'hang' };

export type LlmApi = 'openai' | 'anthropic';

export interface RecordedLlmRequest {
  api: LlmApi;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  /** The parsed JSON body (always a JSON object; other bodies are refused with a 400 and not recorded). */
  body: Record<string, unknown>;
  /** The concatenated text of all messages (system + user + assistant), for scripts that route by prompt. */
  promptText: string;
  /** 0-based count of requests received so far, scripted errors included. */
  index: number;
}

export type LlmScript = (request: RecordedLlmRequest) => LlmReply;

const ROUTES: Record<string, LlmApi | undefined> = {
  '/v1/chat/completions': 'openai',
  '/chat/completions': 'openai',
  '/v1/messages': 'anthropic',
};

const DEFAULT_SCRIPT: LlmScript = () => ({ kind: 'text', text: 'ok' });

export class FakeLlmServer {
  /** Every request received, in order. */
  readonly requests: RecordedLlmRequest[] = [];
  /** Base URL for the openai SDK: `http://127.0.0.1:PORT/v1`. */
  readonly openaiUrl: string;
  /** Base URL for the Anthropic SDK: `http://127.0.0.1:PORT`. */
  readonly anthropicUrl: string;
  /** Default delay added before every answer (ms), e.g. 500 for the benchmark. */
  delayMs: number;
  private current: LlmScript;
  private readonly queued: LlmReply[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();

  private constructor(
    private readonly server: Server,
    origin: string,
    script: LlmScript,
    delayMs: number,
  ) {
    this.openaiUrl = `${origin}/v1`;
    this.anthropicUrl = origin;
    this.current = script;
    this.delayMs = delayMs;
  }

  static async start(options: { script?: LlmScript; delayMs?: number } = {}): Promise<FakeLlmServer> {
    const { server, url } = await listenOnLoopback();
    const fake = new FakeLlmServer(server, url, options.script ?? DEFAULT_SCRIPT, options.delayMs ?? 0);
    // An answer that cannot be written (say, a scripted header Node refuses) still ends the request.
    server.on('request', (request, response) => {
      fake.handle(request, response).catch(() => response.destroy());
    });
    return fake;
  }

  /** Replace the script. */
  script(fn: LlmScript): void {
    this.current = fn;
  }

  /** Queue replies consumed one per request before the script is consulted (FIFO). */
  queue(...replies: LlmReply[]): void {
    this.queued.push(...replies);
  }

  async close(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    await closeServer(this.server);
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = new URL(request.url ?? '/', this.anthropicUrl).pathname;
    const api = ROUTES[path];
    if (request.method !== 'POST' || api === undefined) {
      return sendJson(response, 404, { error: { message: `fake LLM has no ${request.method} ${path}` } });
    }
    let text: string;
    try {
      text = await readBody(request);
    } catch {
      return; // the client went away mid-body: nobody to answer
    }
    const body = parseObject(text);
    if (body === undefined) return sendError(response, api, 400, 'request body is not a JSON object');
    const recorded: RecordedLlmRequest = {
      api,
      path,
      headers: { ...request.headers },
      body,
      promptText: api === 'openai' ? openaiPrompt(body) : anthropicPrompt(body),
      index: this.requests.length,
    };
    this.requests.push(recorded);
    if (body.stream === true) return sendError(response, api, 400, 'fake LLM does not stream');

    let reply: LlmReply;
    try {
      reply = this.queued.shift() ?? this.current(recorded);
    } catch (error) {
      // A throwing script is a bug in the test; say so once instead of letting the SDK retry it.
      const message = `fake LLM script threw: ${error instanceof Error ? error.message : String(error)}`;
      return sendError(response, api, 500, message, { 'x-should-retry': 'false' });
    }
    if (reply.kind === 'hang') return;
    if (reply.kind === 'reset') {
      request.socket.resetAndDestroy();
      return;
    }
    if (reply.kind === 'json' && reply.until) await reply.until;
    this.later(response, reply.delayMs ?? this.delayMs, () => {
      if (reply.kind === 'status') {
        sendError(response, api, reply.status, reply.message ?? `scripted ${reply.status}`, reply.headers);
      } else {
        sendJson(response, 200, answer(api, recorded, reply));
      }
    });
  }

  private later(response: ServerResponse, delayMs: number, write: () => void): void {
    // The client may have timed out or the server closed while we waited; writing then would throw.
    const guarded = () => {
      if (!response.writableEnded && !response.destroyed && response.socket?.destroyed === false) write();
    };
    if (delayMs <= 0) return guarded();
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      guarded();
    }, delayMs);
    this.timers.add(timer);
    response.once('close', () => {
      clearTimeout(timer);
      this.timers.delete(timer);
    });
  }
}

function answer(
  api: LlmApi,
  request: RecordedLlmRequest,
  reply: Extract<LlmReply, { kind: 'text' | 'json' }>,
): object {
  const text = reply.kind === 'text' ? reply.text : JSON.stringify(reply.value);
  const usage = reply.usage ?? { input: estimateTokens(request.promptText), output: estimateTokens(text) };
  const model = request.body.model;
  if (api === 'openai') {
    return {
      id: `chatcmpl-${request.index}`,
      object: 'chat.completion',
      created: Math.floor((performance.timeOrigin + performance.now()) / 1000),
      model,
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: text, refusal: null },
          finish_reason: 'stop',
          logprobs: null,
        },
      ],
      usage: {
        prompt_tokens: usage.input,
        completion_tokens: usage.output,
        total_tokens: usage.input + usage.output,
      },
    };
  }
  const message = (content: object[], stopReason: 'end_turn' | 'tool_use') => ({
    id: `msg_${request.index}`,
    type: 'message',
    role: 'assistant',
    model,
    content,
    stop_reason: stopReason,
    stop_sequence: null,
    usage: { input_tokens: usage.input, output_tokens: usage.output },
  });
  const tool = reply.kind === 'json' ? forcedTool(request.body) : undefined;
  if (reply.kind === 'json' && tool !== undefined) {
    return message(
      [{ type: 'tool_use', id: `toolu_${request.index}`, name: tool, input: reply.value }],
      'tool_use',
    );
  }
  return message([{ type: 'text', text, citations: null }], 'end_turn');
}

/** The tool an Anthropic request forces the model to call, if any. */
function forcedTool(body: Record<string, unknown>): string | undefined {
  const tools = Array.isArray(body.tools) ? body.tools.filter(isRecord) : [];
  const choice = isRecord(body.tool_choice) ? body.tool_choice : undefined;
  if (tools.length === 0 || choice === undefined) return undefined;
  if (choice.type === 'tool' && typeof choice.name === 'string') return choice.name;
  const first = tools[0]?.name;
  if (choice.type === 'any' && typeof first === 'string') return first;
  return undefined;
}

function estimateTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

function openaiPrompt(body: Record<string, unknown>): string {
  const messages = Array.isArray(body.messages) ? body.messages : [];
  return joinTexts(messages.map((message) => (isRecord(message) ? textOf(message.content) : '')));
}

function anthropicPrompt(body: Record<string, unknown>): string {
  const messages = Array.isArray(body.messages) ? body.messages : [];
  return joinTexts([
    textOf(body.system),
    ...messages.map((message) => (isRecord(message) ? textOf(message.content) : '')),
  ]);
}

/** Message content as text: a string, or the texts of its parts (tool results' nested content included). */
function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return joinTexts(
    content.map((part) => {
      if (!isRecord(part)) return '';
      return typeof part.text === 'string' ? part.text : textOf(part.content);
    }),
  );
}

function joinTexts(texts: string[]): string {
  return texts.filter((text) => text !== '').join('\n');
}

function openaiErrorType(status: number): string {
  if (status === 429) return 'rate_limit_error';
  return status >= 500 ? 'server_error' : 'invalid_request_error';
}

function anthropicErrorType(status: number): string {
  if (status === 429) return 'rate_limit_error';
  if (status === 529) return 'overloaded_error';
  return status >= 500 ? 'api_error' : 'invalid_request_error';
}

function sendError(
  response: ServerResponse,
  api: LlmApi,
  status: number,
  message: string,
  headers: Record<string, string> = {},
): void {
  const body =
    api === 'openai'
      ? { error: { message, type: openaiErrorType(status), code: null } }
      : { type: 'error', error: { type: anthropicErrorType(status), message } };
  sendJson(response, status, body, headers);
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return isRecord(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The verdict of a model that buys: a stop 2 % under the price the brief (`at about P`) gives. */
export function buyingVerdict(
  promptText: string,
  rationale = 'breakout with volume',
): Record<string, unknown> {
  const price = Number(/at about (\d+(?:\.\d+)?)/.exec(promptText)?.[1]);
  return {
    side: 'BUY',
    confidence: 0.7,
    stop_loss: Number((price * 0.98).toPrecision(6)),
    take_profit: null,
    stop_loss_pips: null,
    take_profit_pips: null,
    rationale,
  };
}

/** A model that argues in prose and, asked for the final verdict, buys (`buyingVerdict`). */
export function buyingModel(request: RecordedLlmRequest): LlmReply {
  if (!request.promptText.includes('final verdict')) return { kind: 'text', text: 'Momentum is positive.' };
  return { kind: 'json', value: buyingVerdict(request.promptText) };
}
