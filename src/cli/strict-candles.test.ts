// Candle files that used to be read leniently, through the real `sigil` binary: the command stops with
// the file and line (exit 1, bad data), before anything trades on them.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { sigil } from '../../test/support/sigil-cli.ts';
import { tempDir } from '../../test/support/temp-dir.ts';

const HEADER = 'timestamp,open,high,low,close,volume';

describe('sigil on candle files that are not what they seem', () => {
  const dir = tempDir('sigil-strict-candles-');
  after(() => dir.remove());

  /** A config replaying one 1h file of these rows; returns its path and the file's. */
  function setup(name: string, rows: string[]): { config: string; file: string } {
    const data = join(dir.path, name);
    mkdirSync(data);
    const file = join(data, 'AAAUSDT.csv');
    writeFileSync(file, `${[HEADER, ...rows].join('\n')}\n`);
    const config = join(dir.path, `${name}.yaml`);
    writeFileSync(config, `market:\n  data: ./${name}\n  timeframe: 1h\n`);
    return { config, file };
  }

  it('refuses a bar off the 1h grid in backtest, scan and data info, naming the line', () => {
    const hours = ['10:00', '11:00', '12:00', '12:30', '13:00', '14:00', '15:00'];
    const { config, file } = setup(
      'offgrid',
      hours.map((hour) => `2021-05-01T${hour}:00Z,10,11,9,10,1`),
    );
    const message = `${file}:5: bar time 2021-05-01T12:30:00.000Z is off the 1h grid`;
    const backtest = sigil(['--config', config, 'backtest'], dir.path);
    assert.equal(backtest.code, 1, backtest.out);
    assert.ok(backtest.err.includes(message), backtest.err);
    const scan = sigil(['--config', config, '--db', `sqlite:${join(dir.path, 'scan.db')}`, 'scan'], dir.path);
    assert.equal(scan.code, 1, scan.out);
    assert.ok(scan.err.includes(message), scan.err);
    const info = sigil(['data', 'info', file], dir.path);
    assert.equal(info.code, 1, info.out);
    assert.ok(info.err.includes(message), info.err);
  });

  it('refuses a hexadecimal price, which was read as 16', () => {
    const { config, file } = setup('hex', [
      '2021-05-01T11:00:00Z,10,0x10,9,10,1',
      '2021-05-01T12:00:00Z,10,11,9,10,1',
    ]);
    const backtest = sigil(['--config', config, 'backtest'], dir.path);
    assert.equal(backtest.code, 1, backtest.out);
    assert.ok(backtest.err.includes(`${file}:2: high "0x10" is not a decimal number`), backtest.err);
  });
});
