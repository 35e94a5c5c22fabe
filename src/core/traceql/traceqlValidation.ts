/**
 * TraceQL syntax checking with the grammar Grafana publishes (`@grafana/lezer-traceql`, Apache-2.0):
 * the same parser Grafana's query editor uses, so a query it accepts is not flagged here. Lezer
 * recovers from errors and marks them as error nodes; each becomes a problem with a range and a
 * message that names what is wrong or missing. Pure: the `.traceql` diagnostics and the search box
 * use it.
 */
import { parser } from '@grafana/lezer-traceql';

/** The VS Code language id of `.traceql` files, whose diagnostics this validation feeds. */
export const TRACEQL_LANGUAGE = 'traceql';

export interface TraceQLProblem {
  /** Offsets in the text; `from === to` when something is missing at that point. */
  from: number;
  to: number;
  message: string;
}

/** Problems reported at most: after the first few, recovery mostly reports echoes of them. */
const MAX_PROBLEMS = 5;
const MAX_QUOTED = 30;

function quoted(s: string): string {
  const one = s.replace(/\s+/g, ' ').trim();
  return `"${one.length > MAX_QUOTED ? `${one.slice(0, MAX_QUOTED - 1)}…` : one}"`;
}

/** The next word or symbol after `at`, to say what came where something was missing. */
function tokenAt(text: string, at: number): string {
  const m = /^\s*([\w.]+|"[^"]*"?|\S)/.exec(text.slice(at));
  return m ? m[1] : '';
}

export function validateTraceQL(text: string): TraceQLProblem[] {
  if (text.trim() === '') return [];
  const problems: TraceQLProblem[] = [];
  const end = text.trimEnd().length;
  parser.parse(text).iterate({
    enter(node) {
      if (!node.type.isError || problems.length >= MAX_PROBLEMS) return;
      const from = Math.min(node.from, end);
      const last = problems[problems.length - 1];
      // Recovery can mark the same spot twice (an empty error node beside a skipped token).
      if (last && from <= last.to) return;
      let message: string;
      if (node.from >= end) message = 'The query ends too early: a value, an operator\'s right side or a closing } is missing.';
      else if (node.to > node.from) message = `Unexpected ${quoted(text.slice(node.from, node.to))} here.`;
      else message = `Something is missing before ${quoted(tokenAt(text, node.from))}.`;
      problems.push({ from, to: Math.max(from, Math.min(node.to, end)), message });
    },
  });
  return problems;
}

/** The search box's check: the first problem, located by column, or undefined for a valid query. */
export function traceqlInputProblem(text: string): string | undefined {
  const first = validateTraceQL(text)[0];
  return first ? `TraceQL, column ${first.from + 1}: ${first.message}` : undefined;
}
