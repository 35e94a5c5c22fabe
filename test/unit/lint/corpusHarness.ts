/** Reads the lint corpus and scores the linter on it (shared by corpus.test.ts and the CLI test). */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { SourceFinding } from '../../../src/core/lint/findings';
import { languageForPath } from '../../../src/core/lint/languages';
import type { SourceLinter } from '../../../src/core/lint/sourceLinter';

export const CORPUS_DIR = path.resolve(__dirname, '../../lint-corpus');

export interface Expectation {
  file: string;
  line: number;
  ruleId: string;
}

const MARKER = /(?:\/\/|#)\s*expect:\s*((?:S[ND]\d{3}[\s,]*)+)/;

export function corpusFiles(dir = CORPUS_DIR): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...corpusFiles(p));
    else if (languageForPath(p)) out.push(p);
  }
  return out.sort();
}

export function expectationsOf(file: string, text: string): Expectation[] {
  const out: Expectation[] = [];
  text.split('\n').forEach((line, i) => {
    const m = MARKER.exec(line);
    if (!m) return;
    for (const id of m[1].match(/S[ND]\d{3}/g) ?? []) out.push({ file, line: i, ruleId: id });
  });
  return out;
}

export interface RuleScore {
  ruleId: string;
  tp: number;
  fp: number;
  fn: number;
  precision: number;
  recall: number;
}

export interface CorpusResult {
  scores: RuleScore[];
  falsePositives: string[];
  falseNegatives: string[];
  files: number;
}

export async function scoreCorpus(linter: SourceLinter): Promise<CorpusResult> {
  const counts = new Map<string, { tp: number; fp: number; fn: number }>();
  const bump = (id: string, k: 'tp' | 'fp' | 'fn') => {
    const c = counts.get(id) ?? { tp: 0, fp: 0, fn: 0 };
    c[k]++;
    counts.set(id, c);
  };
  const falsePositives: string[] = [];
  const falseNegatives: string[] = [];
  const files = corpusFiles();
  for (const file of files) {
    const text = fs.readFileSync(file, 'utf8');
    const rel = path.relative(CORPUS_DIR, file);
    const expected = expectationsOf(file, text);
    if (/expect-none/.test(path.basename(file)) && expected.length > 0) throw new Error(`${rel} is expect-none but has expect markers`);
    const findings: SourceFinding[] = await linter.lint(text, languageForPath(file)!);
    const actual = new Set(findings.map((f) => `${f.range.startLine}:${f.ruleId}`));
    const wanted = new Set(expected.map((e) => `${e.line}:${e.ruleId}`));
    for (const key of actual) {
      const ruleId = key.split(':')[1];
      if (wanted.has(key)) bump(ruleId, 'tp');
      else {
        bump(ruleId, 'fp');
        const f = findings.find((x) => `${x.range.startLine}:${x.ruleId}` === key);
        falsePositives.push(`${rel}:${Number(key.split(':')[0]) + 1} ${ruleId} ${f?.message ?? ''}`);
      }
    }
    for (const key of wanted) {
      if (!actual.has(key)) {
        const ruleId = key.split(':')[1];
        bump(ruleId, 'fn');
        falseNegatives.push(`${rel}:${Number(key.split(':')[0]) + 1} ${ruleId}`);
      }
    }
  }
  const scores = [...counts.entries()]
    .map(([ruleId, c]) => ({
      ruleId, ...c,
      precision: c.tp + c.fp === 0 ? 1 : c.tp / (c.tp + c.fp),
      recall: c.tp + c.fn === 0 ? 1 : c.tp / (c.tp + c.fn),
    }))
    .sort((a, b) => a.ruleId.localeCompare(b.ruleId));
  return { scores, falsePositives, falseNegatives, files: files.length };
}

export function formatScoreTable(scores: readonly RuleScore[]): string {
  const rows = scores.map((s) => `${s.ruleId.padEnd(6)} ${String(s.tp).padStart(4)} ${String(s.fp).padStart(4)} ${String(s.fn).padStart(4)}   ${s.precision.toFixed(3)}     ${s.recall.toFixed(3)}`);
  return ['rule     TP   FP   FN   precision  recall', ...rows].join('\n');
}
