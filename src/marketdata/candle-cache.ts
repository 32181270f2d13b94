// Parsed candle series kept on disk, so a second run reads 48 bytes a row instead of parsing text.
//
// Key: the SHA-256 of the file's bytes as read (the gzip bytes of a .csv.gz, so a hit gunzips nothing)
// and its format: an edited file is a new key and is never served stale. The symbol is not part of it;
// it comes from the file name. Location: SIGIL_CACHE_DIR, else $XDG_CACHE_HOME/sigil/candles, else
// ~/.cache/sigil/candles. Nothing is pruned: an entry is the raw columns, 432k rows ≈ 21 MB.
//
// Entry `<sha256>-<format>.candles`: a 64-byte header, then the six float64 columns one after the other
// (time, open, high, low, close, volume), in native byte order — little-endian; on a big-endian machine
// the cache is off. An entry whose header or size does not match is ignored and rebuilt, never trusted.
// Writers write a temp file in the same folder, fsync it, then rename it over the entry: two processes
// building one entry at once each rename a whole file, and a reader opens either the old or the new
// one, never half of one. The cache is an optimisation: when it cannot be read or written the series
// comes from the file, and only a debug line says so (NODE_DEBUG=sigil-cache).
import { createHash, randomBytes } from 'node:crypto';
import {
  closeSync,
  fstatSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { endianness, homedir } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
import { debuglog } from 'node:util';
import { allocateSeries, BYTES_PER_ROW, type CandleSeries } from './candle-series.ts';

const debug = debuglog('sigil-cache');

const MAGIC = Buffer.from('SIGILCDL', 'latin1');
const FORMAT_VERSION = 1;
const HEADER_BYTES = 64;
/** Header fields: magic 0–7, format version 8, parser version 12, rows 16, bytes per row 20, SHA 24–55. */
const DIGEST_AT = 24;

export type CacheOutcome = 'hit' | 'stored' | 'not stored';

export interface CachedSeries {
  series: CandleSeries;
  cache: CacheOutcome;
}

export interface CacheEntryKey {
  /** The file's bytes as read. */
  source: Uint8Array;
  /** How they are parsed: the same bytes read as CSV and as JSON are different entries. */
  format: string;
  /** Of the code that parses them: an entry of another version is rebuilt. */
  parserVersion: number;
}

export function candleCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.SIGIL_CACHE_DIR) return env.SIGIL_CACHE_DIR;
  // The XDG spec says a relative XDG_CACHE_HOME is invalid and must be ignored.
  const xdg = env.XDG_CACHE_HOME;
  if (xdg && isAbsolute(xdg)) return join(xdg, 'sigil', 'candles');
  return join(homedir(), '.cache', 'sigil', 'candles');
}

/** The entry for `key` if there is a valid one, else `parse()` (whose errors go through) stored for next time. */
export function cachedSeries(key: CacheEntryKey, symbol: string, parse: () => CandleSeries): CachedSeries {
  if (endianness() !== 'LE') return { series: parse(), cache: 'not stored' };
  const digest = createHash('sha256').update(key.source).digest();
  let file: string | null = null;
  try {
    file = join(candleCacheDir(), `${digest.toString('hex')}-${key.format}.candles`);
    const series = readEntry(file, digest, key.parserVersion, symbol);
    if (series) return { series, cache: 'hit' };
  } catch (error) {
    debug('cannot read the candle cache entry %s: %s', file, (error as Error).message);
  }
  const series = parse();
  const stored = file !== null && writeEntry(file, digest, key.parserVersion, series);
  return { series, cache: stored ? 'stored' : 'not stored' };
}

function readEntry(file: string, digest: Buffer, parserVersion: number, symbol: string): CandleSeries | null {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  try {
    const size = fstatSync(fd).size;
    const header = Buffer.alloc(HEADER_BYTES);
    if (size < HEADER_BYTES || readFully(fd, header, 0) < HEADER_BYTES) return ignored(file, 'short header');
    const rows = header.readUInt32LE(16);
    const problem = headerProblem(header, digest, parserVersion, size);
    if (problem) return ignored(file, problem);
    // Straight into the shared memory the series will live in: no intermediate copy.
    const series = allocateSeries(symbol, rows);
    const target = new Uint8Array(series.time.buffer, series.time.byteOffset, rows * BYTES_PER_ROW);
    if (readFully(fd, target, HEADER_BYTES) < target.length)
      return ignored(file, 'shorter than its header says');
    return series;
  } finally {
    closeSync(fd);
  }
}

/** Why the entry cannot be used, or null: anything unexpected means "rebuild it". */
function headerProblem(header: Buffer, digest: Buffer, parserVersion: number, size: number): string | null {
  const rows = header.readUInt32LE(16);
  if (!header.subarray(0, MAGIC.length).equals(MAGIC)) return 'not a candle cache entry';
  if (header.readUInt32LE(8) !== FORMAT_VERSION) return `format version ${header.readUInt32LE(8)}`;
  if (header.readUInt32LE(12) !== parserVersion) return `parser version ${header.readUInt32LE(12)}`;
  if (header.readUInt32LE(20) !== BYTES_PER_ROW || rows === 0) return 'not the expected row layout';
  if (!header.subarray(DIGEST_AT, DIGEST_AT + digest.length).equals(digest)) return 'made from other bytes';
  if (size !== HEADER_BYTES + rows * BYTES_PER_ROW) return `${size} bytes do not hold ${rows} rows`;
  return null;
}

function writeEntry(file: string, digest: Buffer, parserVersion: number, series: CandleSeries): boolean {
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  let fd: number | null = null;
  try {
    mkdirSync(dirname(file), { recursive: true });
    fd = openSync(temp, 'wx', 0o644);
    const header = Buffer.alloc(HEADER_BYTES);
    MAGIC.copy(header, 0);
    header.writeUInt32LE(FORMAT_VERSION, 8);
    header.writeUInt32LE(parserVersion, 12);
    header.writeUInt32LE(series.length, 16);
    header.writeUInt32LE(BYTES_PER_ROW, 20);
    digest.copy(header, DIGEST_AT);
    writeFully(fd, header);
    for (const column of [series.time, series.open, series.high, series.low, series.close, series.volume]) {
      writeFully(fd, new Uint8Array(column.buffer, column.byteOffset, column.byteLength));
    }
    // On disk before it gets its name: after a crash the entry is whole or absent, not a named stub.
    fsyncSync(fd);
    closeSync(fd);
    fd = null;
    renameSync(temp, file);
    return true;
  } catch (error) {
    debug('cannot write the candle cache entry %s: %s', file, (error as Error).message);
    try {
      if (fd !== null) closeSync(fd);
      rmSync(temp, { force: true });
    } catch {
      // Nothing was made to remove (the folder cannot be written), or it is gone already.
    }
    return false;
  }
}

function ignored(file: string, why: string): null {
  debug('ignoring the candle cache entry %s: %s', file, why);
  return null;
}

/** Reads until `target` is full or the file ends; returns the bytes read. */
function readFully(fd: number, target: Uint8Array, position: number): number {
  let done = 0;
  while (done < target.length) {
    const read = readSync(fd, target, done, target.length - done, position + done);
    if (read === 0) break;
    done += read;
  }
  return done;
}

function writeFully(fd: number, bytes: Uint8Array): void {
  for (let done = 0; done < bytes.length;) done += writeSync(fd, bytes, done, bytes.length - done);
}
