/**
 * bench/bot-classifier: WAF log records per second per core through the fake-bot-blocker's Firehose
 * processor with a warm verdict cache, from the Go benchmarks in functions/fake-bot-blocker/processor
 * run on one core (GOMAXPROCS=1). The batch: 500 records, 90% browsers, 10% crawler claims from 40
 * cached addresses. Also the same with the runtime's event decoding (JSON, base64) counted in.
 *
 *   npm run bench:bot-classifier -- [--count 5]
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { benchArgs } from './args';

const TARGET = 200_000;
const values = benchArgs('bench:bot-classifier', 'Usage: npm run bench:bot-classifier -- [--count N]\n', { count: { type: 'string', default: '5' } });
{
  const run = spawnSync('go', ['test', '-run', '^$', '-bench', '^BenchmarkClassify', '-benchtime', '2s', '-cpu', '1', '-count', String(values.count), './fake-bot-blocker/processor/'], {
    cwd: path.join(__dirname, '..', 'functions'),
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(run.stderr || run.stdout);
  const median = (name: string) => {
    const rates = run.stdout
      .split('\n')
      .filter((l) => l.split(/\s/)[0] === name)
      .map((l) => Number(/([\d.]+) records\/s/.exec(l)?.[1]))
      .sort((a, b) => a - b);
    return { median: Math.round(rates[Math.floor(rates.length / 2)]), low: Math.round(rates[0]), high: Math.round(rates[rates.length - 1]), runs: rates.length };
  };
  const warm = median('BenchmarkClassify');
  const decoded = median('BenchmarkClassifyWithEventDecoding');
  process.stdout.write(`bot-classifier (Go, one core, ${warm.runs} runs of 2 s, 500-record batches, warm verdict cache)\n`);
  process.stdout.write(`  records per second per core: median ${warm.median}, range ${warm.low}-${warm.high} (target ≥ ${TARGET}: ${warm.median >= TARGET ? 'met' : 'MISSED'})\n`);
  process.stdout.write(`  with the event's JSON and base64 decoding: median ${decoded.median}, range ${decoded.low}-${decoded.high}\n`);
}
