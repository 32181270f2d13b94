// The fake provider in a process of its own for the analyst benchmark, as a real provider is: its CPU
// is not the analysts'. Prints its OpenAI-compatible URL, then answers every request with a verdict
// after the delay given in milliseconds, until killed.
import { FakeLlmServer } from '../test/support/fake-llm.ts';

const delayMs = Number(process.argv[2] ?? 0);
const server = await FakeLlmServer.start({
  delayMs,
  script: () => ({
    kind: 'json',
    value: {
      side: 'BUY',
      confidence: 0.7,
      stop_loss: 1.09,
      take_profit: 1.12,
      stop_loss_pips: null,
      take_profit_pips: null,
      rationale: 'bench',
    },
  }),
});
console.log(server.openaiUrl);
