// `npm run bench`: runs every bench/*.bench.ts module and prints the budget table of docs/performance.md.
// `npm run bench -- --json` prints one JSON object a line: {"name","value","unit","budget"}.
// `npm run bench -- waterfall` runs only the modules whose file name contains "waterfall".
import { readdirSync } from 'node:fs';
import path from 'node:path';
import type { BenchModule, BenchRow } from './benchRow';

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const json = args.includes('--json');
  const filters = args.filter((a) => !a.startsWith('--'));
  const files = readdirSync(__dirname)
    .filter((f) => f.endsWith('.bench.ts'))
    .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
    .sort();
  const rows: BenchRow[] = [];
  for (const file of files) {
    if (!json) process.stderr.write(`running ${file}…\n`);
    const module = (await import(path.join(__dirname, file))) as BenchModule;
    for (const row of await module.run()) {
      rows.push(row);
      if (json) console.log(JSON.stringify({ name: row.name, value: row.value, unit: row.unit, budget: row.budget }));
    }
  }
  if (!json) printTable(rows);
  return 0;
}

function printTable(rows: BenchRow[]): void {
  const table = rows.map((r) => [r.name, formatValue(r.value), r.unit, r.budget, r.ok ? 'ok' : 'OVER']);
  const header = ['benchmark', 'value', 'unit', 'budget', ''];
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => row[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 1 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '─'.repeat(w)).join('  '));
  for (const row of table) console.log(line(row));
  const notes = rows.filter((r) => r.note);
  if (notes.length) {
    console.log('');
    for (const r of notes) console.log(`${r.name}: ${r.note}`);
  }
}

function formatValue(v: number): string {
  if (Number.isInteger(v)) return v.toLocaleString('en-US');
  return Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 1 ? v.toFixed(2) : v.toPrecision(3);
}

main().then((code) => process.exit(code), (err) => {
  console.error(err);
  process.exit(1);
});
