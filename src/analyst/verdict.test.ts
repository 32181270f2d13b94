// How an LLM analyst's final answer, in every shape models give it, becomes a verdict or a refusal with a reason.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  RATINGS,
  readVerdict,
  sideOfRating,
  verdictJsonSchema,
  type Verdict,
  type VerdictContext,
} from './verdict.ts';

/** EURUSD at 1.1. */
const FX: VerdictContext = { referencePrice: 1.1, pipSize: 0.0001 };

function read(answer: unknown, context: VerdictContext = FX): Verdict {
  const result = readVerdict(answer, context);
  assert.ok(result.ok, `expected a verdict, got: ${result.ok ? '' : result.reason}`);
  return result.verdict;
}

function refused(answer: unknown, context: VerdictContext = FX): string {
  const result = readVerdict(answer, context);
  assert.ok(!result.ok, 'expected a refusal');
  return result.reason;
}

function hasNote(verdict: Verdict, fragment: string): void {
  assert.ok(
    verdict.notes.some((n) => n.includes(fragment)),
    `no note with ${JSON.stringify(fragment)} in ${JSON.stringify(verdict.notes)}`,
  );
}

const BUY = { side: 'BUY', confidence: 0.7, stop_loss: 1.09, take_profit: 1.12, rationale: 'Breakout.' };

describe('reading the JSON', () => {
  it('reads clean JSON as is', () => {
    const v = read(JSON.stringify(BUY));
    assert.deepEqual(v, {
      side: 'BUY',
      rating: null,
      confidence: 0.7,
      stopLoss: 1.09,
      takeProfit: 1.12,
      stopLossPips: null,
      takeProfitPips: null,
      rationale: 'Breakout.',
      notes: [],
      readAs: 'json',
    });
  });

  it('strips a ```json fence', () => {
    const v = read('```json\n' + JSON.stringify(BUY, null, 2) + '\n```');
    assert.equal(v.readAs, 'repaired');
    assert.equal(v.side, 'BUY');
    assert.equal(v.stopLoss, 1.09);
  });

  it('repairs JSON with trailing commas and single quotes inside prose', () => {
    const answer =
      "After weighing the debate, here is my decision:\n{'side': 'SELL', 'confidence': 0.6, " +
      "'stop_loss': 1.11, 'take_profit': 1.08, 'rationale': 'Rejected at resistance',}\nGood luck.";
    const v = read(answer);
    assert.equal(v.readAs, 'repaired');
    assert.equal(v.side, 'SELL');
    assert.equal(v.stopLoss, 1.11);
    assert.equal(v.takeProfit, 1.08);
    assert.equal(v.rationale, 'Rejected at resistance');
  });

  it('takes an already-parsed tool input with aliased keys', () => {
    const v = read({ Action: 'long', conviction: 0.9, stopLoss: 1.095, TP: 1.11, reasoning: 'Momentum.' });
    assert.equal(v.readAs, 'json');
    assert.equal(v.side, 'BUY');
    assert.equal(v.confidence, 0.9);
    assert.equal(v.stopLoss, 1.095);
    assert.equal(v.takeProfit, 1.11);
    assert.equal(v.rationale, 'Momentum.');
  });

  it('refuses JSON that is not an object', () => {
    assert.equal(refused('[1, 2, 3]'), 'the verdict is not a JSON object');
    assert.equal(refused('42'), 'the verdict is not a JSON object');
    assert.equal(refused('"BUY"'), 'the verdict is not a JSON object');
    assert.equal(refused('```json\n["BUY"]\n```'), 'the verdict is not a JSON object');
    assert.equal(refused(['BUY']), 'the verdict is not a JSON object');
  });
});

describe('side and rating', () => {
  it('maps the five tiers', () => {
    const expected = {
      Buy: 'BUY',
      Overweight: 'BUY',
      Hold: 'HOLD',
      Underweight: 'SELL',
      Sell: 'SELL',
    } as const;
    for (const rating of RATINGS) {
      assert.equal(sideOfRating(rating), expected[rating]);
      const v = read({ rating, rationale: 'r' });
      assert.equal(v.side, expected[rating], rating);
      assert.equal(v.rating, rating);
    }
  });

  it('reads a tier given as the recommendation or as the side', () => {
    assert.equal(read({ recommendation: 'underweight', rationale: 'r' }).side, 'SELL');
    const v = read({ side: 'Overweight', rationale: 'r' });
    assert.equal(v.side, 'BUY');
    assert.equal(v.rating, 'Overweight');
    hasNote(v, 'read as rating Overweight');
  });

  it('reads "strong buy" as Buy with a note', () => {
    const v = read({ rating: 'Strong Buy', rationale: 'r' });
    assert.equal(v.side, 'BUY');
    assert.equal(v.rating, 'Buy');
    hasNote(v, 'rating "Strong Buy" read as Buy');
  });

  it('reads side words', () => {
    assert.equal(read({ side: '**Bearish**', rationale: 'r' }).side, 'SELL');
    assert.equal(read({ decision: 'no trade', rationale: 'r' }).side, 'HOLD');
    assert.equal(read({ signal: 'enter_long', rationale: 'r' }).side, 'BUY');
  });

  it('refuses a side that contradicts the rating', () => {
    assert.equal(refused({ side: 'BUY', rating: 'Underweight' }), 'side BUY contradicts rating Underweight');
  });

  it('refuses an unknown side', () => {
    assert.equal(refused({ side: 'maybe', rationale: 'r' }), 'side "maybe" is not BUY, SELL or HOLD');
  });

  it('refuses a verdict without a side', () => {
    assert.equal(refused({ confidence: 0.8, rationale: 'Looks good.' }), 'the verdict has no side');
  });
});

describe('prose', () => {
  it('reads FINAL TRANSACTION PROPOSAL', () => {
    const text = '  The bulls made the better case.\n\nFINAL TRANSACTION PROPOSAL: **buy**  ';
    const v = read(text);
    assert.equal(v.side, 'BUY');
    assert.equal(v.readAs, 'prose');
    assert.equal(v.rating, null);
    assert.equal(v.confidence, null);
    assert.equal(v.stopLoss, null);
    assert.equal(v.rationale, text.trim());
    assert.deepEqual(v.notes, ['no JSON: side read from the text']);
  });

  it('reads a 5-tier Rating line and cuts the rationale to 500 characters', () => {
    const text = '**Rating**: Underweight\n\n' + 'The margins keep shrinking. '.repeat(40);
    const v = read(text);
    assert.equal(v.side, 'SELL');
    assert.equal(v.rating, 'Underweight');
    assert.equal(v.readAs, 'prose');
    assert.equal(v.rationale.length, 500);
  });

  it('reads the decision from the text when the embedded JSON has none', () => {
    const v = read('Indicators: {"rsi": 71, "atr": 0.004}\nFINAL TRANSACTION PROPOSAL: SELL');
    assert.equal(v.side, 'SELL');
    assert.equal(v.readAs, 'prose');
  });

  it('refuses prose without a decision, quoting its start', () => {
    const text =
      'The market is\n\n   uncertain and I would like more data before deciding anything at all, really, truly.';
    assert.equal(
      refused(text),
      'no verdict in the answer: "The market is uncertain and I would like more data before deciding anything at a"',
    );
  });
});

describe('confidence', () => {
  const confidence = (value: unknown) => read({ side: 'BUY', confidence: value, rationale: 'r' });

  it('keeps a fraction as is', () => {
    const v = confidence(0.7);
    assert.equal(v.confidence, 0.7);
    assert.deepEqual(v.notes, []);
  });

  it('reads percentages and words with a note', () => {
    let v = confidence(70);
    assert.equal(v.confidence, 0.7);
    hasNote(v, 'confidence 70 read as 0.70');
    v = confidence('70%');
    assert.equal(v.confidence, 0.7);
    hasNote(v, 'confidence "70%" read as 0.70');
    assert.equal(confidence('70').confidence, 0.7);
    v = confidence('High');
    assert.equal(v.confidence, 0.8);
    hasNote(v, 'confidence "High" read as 0.80');
  });

  it('refuses what is not a confidence', () => {
    let v = confidence(-1);
    assert.equal(v.confidence, null);
    hasNote(v, 'confidence -1 refused');
    v = confidence(250);
    assert.equal(v.confidence, null);
    hasNote(v, 'confidence 250 refused');
    v = confidence(true);
    assert.equal(v.confidence, null);
    hasNote(v, 'confidence true refused');
  });
});

describe('levels', () => {
  const levels = (fields: Record<string, unknown>, context: VerdictContext = FX) =>
    read({ rationale: 'r', ...fields }, context);

  it('drops every level of a HOLD without notes, keeping the confidence', () => {
    const v = levels({ side: 'HOLD', confidence: 0.4, stop_loss: -3, take_profit: 'junk', sl_pips: 20 });
    assert.equal(v.side, 'HOLD');
    assert.equal(v.confidence, 0.4);
    assert.deepEqual([v.stopLoss, v.takeProfit, v.stopLossPips, v.takeProfitPips], [null, null, null, null]);
    assert.deepEqual(v.notes, []);
  });

  it('refuses a BUY stop above the price and a BUY target below it', () => {
    const v = levels({ side: 'BUY', stop_loss: 1.2, take_profit: 1.05 });
    assert.equal(v.stopLoss, null);
    assert.equal(v.takeProfit, null);
    hasNote(v, 'stop_loss 1.2 refused: above the price 1.1 for a BUY');
    hasNote(v, 'take_profit 1.05 refused: below the price 1.1 for a BUY');
  });

  it('refuses a SELL stop below the price and a SELL target above it', () => {
    const v = levels({ side: 'SELL', stop_loss: 1.05, take_profit: 1.15 });
    assert.equal(v.stopLoss, null);
    assert.equal(v.takeProfit, null);
    hasNote(v, 'stop_loss 1.05 refused: below the price 1.1 for a SELL');
    hasNote(v, 'take_profit 1.15 refused: above the price 1.1 for a SELL');
  });

  it('refuses implausibly distant levels', () => {
    const v = levels({ side: 'BUY', stop_loss: 1.09, take_profit: 2 });
    assert.equal(v.stopLoss, 1.09);
    assert.equal(v.takeProfit, null);
    hasNote(v, 'take_profit 2 refused');
    hasNote(v, 'implausible');
    assert.equal(levels({ side: 'BUY', take_profit: 2 }, { ...FX, maxLevelDistance: 1 }).takeProfit, 2);
  });

  it('refuses negative and non-numeric prices, reads numeric strings', () => {
    const v = levels({ side: 'BUY', stop_loss: -3, take_profit: 'soon' });
    assert.equal(v.stopLoss, null);
    assert.equal(v.takeProfit, null);
    hasNote(v, 'stop_loss -3 refused: not a positive price');
    hasNote(v, 'take_profit "soon" refused');
    assert.equal(levels({ side: 'BUY', stop_loss: '1.0850' }).stopLoss, 1.085);
  });

  it('reads "35 pips" in a price field as pips', () => {
    const v = levels({ side: 'BUY', stop_loss: '35 pips' });
    assert.equal(v.stopLossPips, 35);
    assert.equal(v.stopLoss, 1.0965);
    hasNote(v, 'stop_loss "35 pips" read as 35 pips');
  });

  it('converts pips to prices exactly for a BUY and a SELL', () => {
    const buy = levels({ side: 'BUY', stop_loss_pips: 35, tp_pips: 35 });
    assert.equal(buy.stopLoss, 1.0965);
    assert.equal(buy.takeProfit, 1.1035);
    assert.equal(buy.stopLossPips, 35);
    assert.equal(buy.takeProfitPips, 35);
    const sell = levels({ side: 'SELL', sl_pips: 35, take_profit_pips: '35' });
    assert.equal(sell.stopLoss, 1.1035);
    assert.equal(sell.takeProfit, 1.0965);
  });

  it('lets a price win over pips', () => {
    const v = levels({ side: 'BUY', stop_loss: 1.09, stop_loss_pips: 35 });
    assert.equal(v.stopLoss, 1.09);
    assert.equal(v.stopLossPips, 35);
    hasNote(v, 'stop_loss_pips ignored: a price was given');
  });

  it('leaves pips unconverted without a pip size or a price', () => {
    let v = levels({ side: 'BUY', stop_loss_pips: 35 }, { referencePrice: 1.1, pipSize: null });
    assert.equal(v.stopLoss, null);
    assert.equal(v.stopLossPips, 35);
    hasNote(v, 'stop_loss_pips 35 not converted: the pip size is unknown');
    v = levels({ side: 'BUY', stop_loss_pips: 35 }, { referencePrice: null, pipSize: 0.0001 });
    assert.equal(v.stopLoss, null);
    hasNote(v, 'the reference price is unknown');
  });

  it('skips the price checks when the price is unknown', () => {
    const v = levels({ side: 'BUY', stop_loss: 1.2 }, { referencePrice: null, pipSize: null });
    assert.equal(v.stopLoss, 1.2);
  });
});

describe('rationale and sizing', () => {
  it('ignores sizing fields with one note', () => {
    const v = read({ ...BUY, position_sizing: '2% of equity', quantity: 1000, lot_size: 0.1 });
    assert.deepEqual(v.notes, ['position_sizing ignored: the risk layer sizes trades']);
    assert.equal('quantity' in v, false);
  });

  it('caps the rationale at 2000 characters', () => {
    const v = read({ ...BUY, rationale: 'x'.repeat(2500) });
    assert.equal(v.rationale.length, 2000);
    hasNote(v, 'rationale cut to 2000');
  });

  it('notes a missing rationale and stringifies a structured one', () => {
    const v = read({ side: 'SELL' });
    assert.equal(v.rationale, '');
    assert.deepEqual(v.notes, ['no rationale given']);
    assert.equal(read({ side: 'SELL', thesis: ['a', 'b'] }).rationale, '["a","b"]');
  });
});

describe('verdictJsonSchema', () => {
  it('requires the seven properties and allows no others', () => {
    const schema = verdictJsonSchema();
    const keys = [
      'side',
      'confidence',
      'stop_loss',
      'take_profit',
      'stop_loss_pips',
      'take_profit_pips',
      'rationale',
    ];
    assert.equal(schema.type, 'object');
    assert.equal(schema.additionalProperties, false);
    assert.deepEqual([...(schema.required as string[])].sort(), [...keys].sort());
    assert.deepEqual(Object.keys(schema.properties as object).sort(), [...keys].sort());
  });
});
