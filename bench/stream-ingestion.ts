/**
 * bench/stream-ingestion: records per second through the Go function's parse-and-batch path and
 * DynamoDB requests per 25 records (the post's code makes one request per record: 25), from the Go
 * benchmark `BenchmarkParseAndBatch` against an in-memory table. Figures only.
 *
 *   npm run bench:stream-ingestion -- [--count 5]
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { benchArgs } from './args';

const values = benchArgs('bench:stream-ingestion', 'Usage: npm run bench:stream-ingestion -- [--count N]\n', { count: { type: 'string', default: '5' } });
{
  const run = spawnSync('go', ['test', '-run', '^$', '-bench', 'BenchmarkParseAndBatch', '-benchtime', '2s', '-count', String(values.count), './stream-ingestion/...'], {
    cwd: path.join(__dirname, '..', 'functions'),
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(run.stderr || run.stdout);
  const rows = run.stdout.split('\n').filter((l) => l.startsWith('BenchmarkParseAndBatch'));
  const num = (line: string, unit: string) => Number(new RegExp(`([\\d.]+) ${unit}`).exec(line)?.[1]);
  const rates = rows.map((r) => num(r, 'records/s')).sort((a, b) => a - b);
  const requests = rows.map((r) => num(r, 'requests/25records'));
  process.stdout.write(`stream-ingestion, parse and batch (Go, ${rows.length} runs of 2 s, 100-record batches)\n`);
  process.stdout.write(`  records per second: median ${Math.round(rates[Math.floor(rates.length / 2)])}, range ${Math.round(rates[0])}-${Math.round(rates[rates.length - 1])}\n`);
  process.stdout.write(`  DynamoDB requests per 25 records: ${Math.max(...requests).toFixed(2)} (target P6 ≤ 1; the post's code: 25)\n`);
}
