// Proves the fake LLM server against the real `openai` and `@anthropic-ai/sdk` clients: each scripted reply
// and fault comes out of the SDK the way a real provider's would.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { FakeLlmServer, type LlmScript } from './fake-llm.ts';

async function withFake(
  run: (fake: FakeLlmServer) => Promise<void>,
  options?: { script?: LlmScript; delayMs?: number },
): Promise<void> {
  const fake = await FakeLlmServer.start(options);
  try {
    await run(fake);
  } finally {
    await fake.close();
  }
}

function openai(fake: FakeLlmServer, options: { maxRetries?: number; timeout?: number } = {}): OpenAI {
  return new OpenAI({ baseURL: fake.openaiUrl, apiKey: 'test', maxRetries: 0, ...options });
}

function anthropic(fake: FakeLlmServer, options: { maxRetries?: number; timeout?: number } = {}): Anthropic {
  return new Anthropic({ baseURL: fake.anthropicUrl, apiKey: 'test', maxRetries: 0, ...options });
}

const ASK = {
  model: 'gpt-test',
  messages: [
    { role: 'system' as const, content: 'You judge setups.' },
    { role: 'user' as const, content: 'Is BTC breaking out?' },
  ],
};

const CLAUDE_ASK = {
  model: 'claude-test',
  max_tokens: 256,
  system: 'You judge setups.',
  messages: [{ role: 'user' as const, content: [{ type: 'text' as const, text: 'Is BTC breaking out?' }] }],
};

describe('FakeLlmServer with the openai SDK', () => {
  it('answers text with usage and records the request', async () => {
    await withFake(async (fake) => {
      fake.queue({ kind: 'text', text: 'no breakout', usage: { input: 12, output: 3 } });
      const completion = await openai(fake).chat.completions.create(ASK);
      assert.equal(completion.choices[0]?.message.content, 'no breakout');
      assert.equal(completion.model, 'gpt-test');
      assert.deepEqual(completion.usage, { prompt_tokens: 12, completion_tokens: 3, total_tokens: 15 });
      assert.equal(fake.requests.length, 1);
      const [request] = fake.requests;
      assert.equal(request?.api, 'openai');
      assert.equal(request?.path, '/v1/chat/completions');
      assert.equal(request?.body.model, 'gpt-test');
      assert.equal(request?.promptText, 'You judge setups.\nIs BTC breaking out?');
      assert.equal(request?.index, 0);
      assert.equal(request?.headers.authorization, 'Bearer test');
    });
  });

  it('answers json as content that parses, estimating usage when none is given', async () => {
    await withFake(async (fake) => {
      fake.queue({ kind: 'json', value: { verdict: 'take', confidence: 0.8 } });
      const completion = await openai(fake).chat.completions.create(ASK);
      const content = completion.choices[0]?.message.content ?? '';
      assert.deepEqual(JSON.parse(content), { verdict: 'take', confidence: 0.8 });
      const promptText = 'You judge setups.\nIs BTC breaking out?';
      assert.equal(completion.usage?.prompt_tokens, Math.ceil(promptText.length / 4));
      assert.equal(completion.usage?.completion_tokens, Math.ceil(content.length / 4));
    });
  });

  it('uses the default script, then queued replies before the script', async () => {
    await withFake(async (fake) => {
      const client = openai(fake);
      const first = await client.chat.completions.create(ASK);
      assert.equal(first.choices[0]?.message.content, 'ok');
      fake.script((request) => ({ kind: 'text', text: `script ${request.index}` }));
      fake.queue({ kind: 'text', text: 'queued a' }, { kind: 'text', text: 'queued b' });
      const contents: (string | null | undefined)[] = [];
      for (let i = 0; i < 3; i++) {
        contents.push((await client.chat.completions.create(ASK)).choices[0]?.message.content);
      }
      assert.deepEqual(contents, ['queued a', 'queued b', 'script 3']);
    });
  });

  it('retries a 429 and then succeeds', async () => {
    await withFake(async (fake) => {
      fake.queue({ kind: 'status', status: 429, headers: { 'retry-after-ms': '1' } });
      const completion = await openai(fake, { maxRetries: 2 }).chat.completions.create(ASK);
      assert.equal(completion.choices[0]?.message.content, 'ok');
      assert.equal(fake.requests.length, 2);
    });
  });

  it('gives up on a 500 forever with an APIError', async () => {
    await withFake(
      async (fake) => {
        await assert.rejects(openai(fake, { maxRetries: 1 }).chat.completions.create(ASK), (error) => {
          assert.ok(error instanceof OpenAI.APIError);
          assert.equal(error.status, 500);
          assert.match(error.message, /down for maintenance/);
          return true;
        });
        assert.equal(fake.requests.length, 2);
      },
      {
        script: () => ({
          kind: 'status',
          status: 500,
          message: 'down for maintenance',
          headers: { 'retry-after-ms': '1' },
        }),
      },
    );
  });

  it('resets the connection', async () => {
    await withFake(async (fake) => {
      fake.queue({ kind: 'reset' });
      await assert.rejects(openai(fake).chat.completions.create(ASK), OpenAI.APIConnectionError);
      assert.equal(fake.requests.length, 1);
    });
  });

  it('hangs until the client times out, and still closes promptly', async () => {
    const fake = await FakeLlmServer.start({ script: () => ({ kind: 'hang' }) });
    try {
      await assert.rejects(
        openai(fake, { timeout: 200 }).chat.completions.create(ASK),
        OpenAI.APIConnectionTimeoutError,
      );
    } finally {
      const started = performance.now();
      await fake.close();
      assert.ok(performance.now() - started < 1_000, 'close() took too long');
    }
  });

  it('closes promptly while a request still hangs', async () => {
    const fake = await FakeLlmServer.start({ script: () => ({ kind: 'hang' }) });
    const pending = openai(fake, { timeout: 60_000 }).chat.completions.create(ASK);
    const failed = assert.rejects(pending, OpenAI.APIConnectionError);
    while (fake.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    const started = performance.now();
    await fake.close();
    assert.ok(performance.now() - started < 1_000, 'close() took too long');
    await failed;
  });

  it('delays a reply', async () => {
    await withFake(async (fake) => {
      fake.queue({ kind: 'text', text: 'slow', delayMs: 150 });
      const started = performance.now();
      const completion = await openai(fake).chat.completions.create(ASK);
      assert.ok(performance.now() - started >= 140);
      assert.equal(completion.choices[0]?.message.content, 'slow');
    });
  });

  it('survives a client that gives up during the delay', async () => {
    await withFake(async (fake) => {
      fake.queue({ kind: 'text', text: 'too late', delayMs: 150 });
      await assert.rejects(
        openai(fake, { timeout: 50 }).chat.completions.create(ASK),
        OpenAI.APIConnectionTimeoutError,
      );
      await new Promise((resolve) => setTimeout(resolve, 200));
      const completion = await openai(fake).chat.completions.create(ASK);
      assert.equal(completion.choices[0]?.message.content, 'ok');
    });
  });

  it('applies the server-wide delay', async () => {
    await withFake(
      async (fake) => {
        const started = performance.now();
        await openai(fake).chat.completions.create(ASK);
        assert.ok(performance.now() - started >= 90);
      },
      { delayMs: 100 },
    );
  });
});

describe('FakeLlmServer with the Anthropic SDK', () => {
  it('answers text and records the system prompt with the messages', async () => {
    await withFake(async (fake) => {
      fake.queue({ kind: 'text', text: 'no breakout' });
      const message = await anthropic(fake).messages.create(CLAUDE_ASK);
      assert.equal(message.model, 'claude-test');
      assert.equal(message.stop_reason, 'end_turn');
      assert.deepEqual(
        message.content.map((block) => (block.type === 'text' ? block.text : block.type)),
        ['no breakout'],
      );
      assert.equal(message.usage.output_tokens, Math.ceil('no breakout'.length / 4));
      const [request] = fake.requests;
      assert.equal(request?.api, 'anthropic');
      assert.equal(request?.path, '/v1/messages');
      assert.equal(request?.promptText, 'You judge setups.\nIs BTC breaking out?');
      assert.equal(typeof request?.headers['anthropic-version'], 'string');
    });
  });

  it('answers json as the forced tool call', async () => {
    await withFake(async (fake) => {
      fake.queue({ kind: 'json', value: { verdict: 'skip' } });
      const message = await anthropic(fake).messages.create({
        ...CLAUDE_ASK,
        tools: [{ name: 'verdict', input_schema: { type: 'object', properties: {} } }],
        tool_choice: { type: 'tool', name: 'verdict' },
      });
      assert.equal(message.stop_reason, 'tool_use');
      const [block] = message.content;
      assert.equal(block?.type, 'tool_use');
      assert.ok(block?.type === 'tool_use');
      assert.equal(block.name, 'verdict');
      assert.deepEqual(block.input, { verdict: 'skip' });
    });
  });

  it('answers json as text when no tool is forced', async () => {
    await withFake(async (fake) => {
      fake.queue({ kind: 'json', value: { verdict: 'skip' } });
      const message = await anthropic(fake).messages.create(CLAUDE_ASK);
      const [block] = message.content;
      assert.ok(block?.type === 'text');
      assert.deepEqual(JSON.parse(block.text), { verdict: 'skip' });
    });
  });

  it('gives up on a 500 forever with an APIError', async () => {
    await withFake(
      async (fake) => {
        await assert.rejects(anthropic(fake, { maxRetries: 1 }).messages.create(CLAUDE_ASK), (error) => {
          assert.ok(error instanceof Anthropic.APIError);
          assert.equal(error.status, 500);
          return true;
        });
        assert.equal(fake.requests.length, 2);
      },
      { script: () => ({ kind: 'status', status: 500, headers: { 'retry-after-ms': '1' } }) },
    );
  });

  it('resets the connection', async () => {
    await withFake(async (fake) => {
      fake.queue({ kind: 'reset' });
      await assert.rejects(anthropic(fake).messages.create(CLAUDE_ASK), Anthropic.APIConnectionError);
    });
  });

  it('hangs until the client times out', async () => {
    await withFake(async (fake) => {
      fake.queue({ kind: 'hang' });
      await assert.rejects(
        anthropic(fake, { timeout: 200 }).messages.create(CLAUDE_ASK),
        Anthropic.APIConnectionTimeoutError,
      );
    });
  });
});

describe('FakeLlmServer protocol errors', () => {
  it('answers 404 off its routes, 400 to a body that is not JSON and to a stream request', async () => {
    await withFake(async (fake) => {
      const missing = await fetch(`${fake.anthropicUrl}/v1/embeddings`, { method: 'POST', body: '{}' });
      assert.equal(missing.status, 404);
      assert.equal(missing.headers.get('content-type'), 'application/json');
      await missing.json();

      const garbage = await fetch(`${fake.anthropicUrl}/chat/completions`, {
        method: 'POST',
        body: '{"model',
      });
      assert.equal(garbage.status, 400);
      assert.equal(
        ((await garbage.json()) as { error: { type: string } }).error.type,
        'invalid_request_error',
      );

      await assert.rejects(
        openai(fake).chat.completions.create({ ...ASK, stream: true }),
        (error) => error instanceof OpenAI.APIError && error.status === 400,
      );
      assert.deepEqual(
        fake.requests.map((request) => request.body.stream),
        [true],
      );
    });
  });
});
