import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deflatedSharpe, expectedMaxSharpe } from './deflated-sharpe.ts';
import { dailySharpe, sampleMoments } from './moments.ts';

function near(actual: number, expected: number, tolerance: number, what: string): void {
  assert.ok(
    Math.abs(actual - expected) <= tolerance,
    `${what}: ${actual}, expected ${expected} ± ${tolerance}`,
  );
}

describe('deflatedSharpe', () => {
  it("reproduces the paper's numerical example (DSR ≈ 0.9004)", () => {
    // Bailey & López de Prado (2014), section "A numerical example": 100 independent trials whose
    // annualised Sharpe ratios have variance 1/2, the best at an annualised 2.5, over 5 years of daily
    // returns (T = 1250, 250 days a year) with skewness −3 and kurtosis 10; the paper reports
    // SR0 ≈ 0.1132 per day and DSR ≈ 0.9004. (The search tool found no stored copy of the paper's text;
    // the figures below were derived independently, with Python's statistics.NormalDist for Φ and Φ⁻¹,
    // and agree with the published ones.)
    //   per day:  SR = 2.5/√250 = 0.158114,  V = 0.5/250 = 0.002,  √V = 0.044721
    //   Φ⁻¹(1 − 1/100) = Φ⁻¹(0.99) = 2.326348;  Φ⁻¹(1 − 1/(100e)) = Φ⁻¹(0.996321) = 2.680210
    //   (1 − γ)·2.326348 + γ·2.680210 = 0.422784·2.326348 + 0.577216·2.680210 = 2.530603
    //   SR0 = 0.044721 · 2.530603 = 0.113172   (annualised: 1.7894)
    //   denominator = √(1 − (−3)(0.158114) + (10 − 1)/4 · 0.158114²) = √(1.474342 + 0.056250) = 1.237171
    //   z = (0.158114 − 0.113172) · √1249 / 1.237171 = 0.044942 · 35.341194 / 1.237171 = 1.283816
    //   DSR = Φ(1.283816) = 0.900397
    const result = deflatedSharpe({
      sharpe: 2.5 / Math.sqrt(250),
      observations: 1250,
      skewness: -3,
      kurtosis: 10,
      trials: 100,
      sharpeVariance: 0.5 / 250,
    });
    near(result.expectedMaxSharpe, 0.113172, 1e-6, 'SR0');
    near(result.expectedMaxSharpe * Math.sqrt(250), 1.7894, 1e-4, 'annualised SR0');
    near(result.value, 0.900397, 1e-6, 'DSR');
    assert.equal(result.value.toFixed(4), '0.9004');
  });

  it('is the probabilistic Sharpe ratio against 0 for a single trial', () => {
    // N = 1: SR0 = 0, so DSR = PSR(0) = Φ(SR·√(T − 1) / √(1 − γ3·SR + (γ4 − 1)/4·SR²)).
    //   SR = 0.05, T = 401, γ3 = −0.5, γ4 = 5:
    //   denominator = √(1 + 0.025 + 0.0025) = √1.0275 = 1.013657
    //   z = 0.05 · 20 / 1.013657 = 0.986527;  Φ(0.986527) = 0.838063
    const result = deflatedSharpe({
      sharpe: 0.05,
      observations: 401,
      skewness: -0.5,
      kurtosis: 5,
      trials: 1,
      sharpeVariance: 0.01,
    });
    assert.equal(result.expectedMaxSharpe, 0);
    near(result.value, 0.838063, 1e-6, 'PSR(0)');
  });

  it('falls as more trials were made, at every step', () => {
    const base = { sharpe: 0.1, observations: 500, skewness: -0.3, kurtosis: 4, sharpeVariance: 0.002 };
    let previous = deflatedSharpe({ ...base, trials: 1 });
    for (const trials of [2, 3, 5, 10, 20, 50, 100, 200, 500, 1000, 10_000]) {
      const next = deflatedSharpe({ ...base, trials });
      assert.ok(next.expectedMaxSharpe > previous.expectedMaxSharpe, `SR0 rises at N = ${trials}`);
      assert.ok(
        next.value < previous.value,
        `DSR falls at N = ${trials}: ${next.value} vs ${previous.value}`,
      );
      previous = next;
    }
  });

  it('is one half when the Sharpe ratio is exactly what luck would reach', () => {
    const sr0 = expectedMaxSharpe(50, 0.004);
    const result = deflatedSharpe({
      sharpe: sr0,
      observations: 300,
      skewness: 1,
      kurtosis: 9,
      trials: 50,
      sharpeVariance: 0.004,
    });
    near(result.value, 0.5, 1e-12, 'DSR at SR0');
  });

  it('refuses inputs it cannot compute from, with RangeError', () => {
    const ok = {
      sharpe: 0.1,
      observations: 100,
      skewness: 0,
      kurtosis: 3,
      trials: 10,
      sharpeVariance: 0.001,
    };
    assert.throws(() => deflatedSharpe({ ...ok, observations: 1 }), RangeError);
    assert.throws(() => deflatedSharpe({ ...ok, sharpe: NaN }), /finite sharpe/);
    assert.throws(() => deflatedSharpe({ ...ok, kurtosis: Infinity }), /finite kurtosis/);
    assert.throws(() => deflatedSharpe({ ...ok, trials: 0 }), /trials/);
    assert.throws(() => deflatedSharpe({ ...ok, trials: 2.5 }), /trials/);
    assert.throws(() => deflatedSharpe({ ...ok, sharpeVariance: -1 }), /variance/);
    // 1 − 5·1 + (3 − 1)/4·1 = −3.5: strong positive skew against a large SR leaves no positive variance.
    assert.throws(() => deflatedSharpe({ ...ok, sharpe: 1, skewness: 5 }), /not positive/);
  });
});

describe('expectedMaxSharpe', () => {
  it('is 0 for one trial and scales with the deviation of the trials', () => {
    assert.equal(expectedMaxSharpe(1, 0.5), 0);
    // N = 2: (1 − γ)·Φ⁻¹(0.5) + γ·Φ⁻¹(1 − 1/(2e)) = 0 + 0.577216 · Φ⁻¹(0.816060) = 0.577216 · 0.900453 = 0.519755
    near(expectedMaxSharpe(2, 1), 0.519755, 1e-6, 'N = 2');
    near(expectedMaxSharpe(2, 4), 2 * 0.519755, 2e-6, 'N = 2, V = 4');
    assert.equal(expectedMaxSharpe(1000, 0), 0);
  });
});

describe('sampleMoments', () => {
  it('matches a hand computation on [1, 2, 3, 4, 10]', () => {
    // mean = 20/5 = 4; deviations −3, −2, −1, 0, 6
    // Σd² = 9 + 4 + 1 + 0 + 36 = 50  → std = √(50/4) = √12.5 = 3.535534;  m2 = 50/5 = 10
    // Σd³ = −27 − 8 − 1 + 0 + 216 = 180  → m3 = 36;  skewness = 36 / 10^1.5 = 36 / 31.622777 = 1.138420
    // Σd⁴ = 81 + 16 + 1 + 0 + 1296 = 1394 → m4 = 278.8;  kurtosis = 278.8 / 10² = 2.788
    const m = sampleMoments([1, 2, 3, 4, 10]);
    assert.equal(m.n, 5);
    assert.equal(m.mean, 4);
    near(m.std, 3.535534, 1e-6, 'std');
    near(m.skewness, 1.13842, 1e-6, 'skewness');
    near(m.kurtosis, 2.788, 1e-12, 'kurtosis');
    near(dailySharpe([1, 2, 3, 4, 10]), 4 / 3.535534, 1e-6, 'Sharpe');
  });

  it('gives a symmetric two-point series skewness 0 and kurtosis 1', () => {
    // ±1 around 0: m2 = 1, m3 = 0, m4 = 1.
    const m = sampleMoments([1, -1, 1, -1]);
    assert.equal(m.skewness, 0);
    assert.equal(m.kurtosis, 1);
    near(m.std, Math.sqrt(4 / 3), 1e-12, 'std');
  });

  it('leaves undefined what a flat or too short series cannot tell', () => {
    const flat = sampleMoments([0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01]);
    assert.equal(flat.std, 0);
    assert.ok(Number.isNaN(flat.skewness) && Number.isNaN(flat.kurtosis));
    assert.ok(Number.isNaN(dailySharpe([0.01, 0.01, 0.01])));
    assert.ok(Number.isNaN(dailySharpe([0, 0, 0])));
    assert.ok(Number.isNaN(sampleMoments([0.5]).std));
    assert.ok(Number.isNaN(dailySharpe([0.5])));
    assert.ok(Number.isNaN(sampleMoments([]).mean));
  });
});
