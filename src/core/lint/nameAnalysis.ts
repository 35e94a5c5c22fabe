/**
 * Classifies a span-name expression: static (literal or same-file constant), built at run time
 * (template, concatenation, format call; with its pieces when they can be recovered, for the
 * quick fix), or unknown (a parameter, a call we cannot see into).
 */
import type { Node } from 'web-tree-sitter';
import type { ConstantLookup, Dialect } from './dialect';
import { parseBraces, parsePrintf, type FormatPiece } from './formatStrings';

export type NamePart = { literal: string } | { expr: Node; verb?: string };

export type NameShape =
  | { kind: 'static'; value: string }
  | { kind: 'dynamic'; how: 'template' | 'concatenation' | 'format call'; parts?: NamePart[] }
  | { kind: 'unknown' };

const TEMPLATE_TYPES = new Set(['template_string', 'interpolated_string_expression']);

export function analyseName(node: Node, dialect: Dialect, constants: ConstantLookup): NameShape {
  const n = dialect.unwrap(node);
  const lit = dialect.stringValue(n);
  if (lit !== undefined) return { kind: 'static', value: lit };

  if (TEMPLATE_TYPES.has(n.type) || (n.type === 'string' && dialect.family === 'python')) {
    const parts = resolveConstants(templateParts(n), dialect, constants);
    if (parts.every((p) => 'literal' in p)) return { kind: 'static', value: parts.map((p) => ('literal' in p ? p.literal : '')).join('') };
    return { kind: 'dynamic', how: 'template', parts };
  }

  if (isPlus(n)) {
    const operands = flattenPlus(n);
    const parts: NamePart[] = [];
    let sawString = false;
    let fixable = true;
    for (const op of operands) {
      const shape = analyseName(op, dialect, constants);
      if (shape.kind === 'static') {
        // Only a literal operand proves this is string concatenation rather than arithmetic.
        if (dialect.stringValue(dialect.unwrap(op)) !== undefined) sawString = true;
        parts.push({ literal: shape.value });
      } else if (shape.kind === 'dynamic') {
        sawString = true;
        if (shape.parts) parts.push(...shape.parts);
        else fixable = false;
      } else {
        parts.push({ expr: dialect.unwrap(op) });
      }
    }
    if (!sawString) return { kind: 'unknown' };
    if (parts.every((p) => 'literal' in p)) return { kind: 'static', value: parts.map((p) => ('literal' in p ? p.literal : '')).join('') };
    return { kind: 'dynamic', how: 'concatenation', parts: fixable ? mergeLiterals(parts) : undefined };
  }

  const call = dialect.callInfo(n);
  if (call) {
    const fmt = formatCall(call.name, call.receiver, call.args, call.named, dialect);
    if (fmt) return fmt;
  }

  if (dialect.family === 'python' && n.type === 'binary_operator' && n.childForFieldName('operator')?.type === '%') {
    const left = n.childForFieldName('left');
    const right = n.childForFieldName('right');
    const format = left ? dialect.stringValue(left) : undefined;
    if (format !== undefined && right) {
      const args = right.type === 'tuple' ? right.namedChildren.filter((c): c is Node => c !== null) : [right];
      return { kind: 'dynamic', how: 'format call', parts: fromPieces(parsePrintf(format), args, new Map()) };
    }
  }

  const segs = dialect.segments(n);
  if (segs) {
    const v = constants.get(segs.join('.'));
    if (v !== undefined) return { kind: 'static', value: v };
  }
  return { kind: 'unknown' };
}

function isPlus(n: Node): boolean {
  if (n.type !== 'binary_expression' && n.type !== 'binary_operator') return false;
  const op = n.childForFieldName('operator') ?? n.child(1);
  return op?.type === '+';
}

function flattenPlus(n: Node): Node[] {
  const left = n.childForFieldName('left');
  const right = n.childForFieldName('right');
  const out: Node[] = [];
  if (left) out.push(...(isPlus(left) ? flattenPlus(left) : [left]));
  if (right) out.push(...(isPlus(right) ? flattenPlus(right) : [right]));
  return out;
}

function templateParts(n: Node): NamePart[] {
  const parts: NamePart[] = [];
  for (const c of n.namedChildren) {
    if (!c) continue;
    switch (c.type) {
      case 'template_substitution':
      case 'interpolation': {
        const expr = c.childForFieldName('expression') ?? c.namedChildren.find((x) => x !== null && x.type !== 'interpolation_brace' && x.type !== 'interpolation_alignment_clause' && x.type !== 'interpolation_format_clause' && x.type !== 'format_specifier' && x.type !== 'type_conversion');
        if (expr) parts.push({ expr });
        break;
      }
      case 'string_fragment':
      case 'string_content':
        parts.push({ literal: c.text });
        break;
      case 'escape_sequence':
        parts.push({ literal: c.text });
        break;
      default:
        break;
    }
  }
  return mergeLiterals(parts);
}

/** `f"refund {LEGACY_SPAN}"` with a same-file constant is as static as the constant. */
function resolveConstants(parts: NamePart[], dialect: Dialect, constants: ConstantLookup): NamePart[] {
  return mergeLiterals(parts.map((p) => {
    if (!('expr' in p)) return p;
    const segs = dialect.segments(p.expr);
    const v = segs ? constants.get(segs.join('.')) : undefined;
    return v !== undefined ? { literal: v } : p;
  }));
}

function mergeLiterals(parts: NamePart[]): NamePart[] {
  const out: NamePart[] = [];
  for (const p of parts) {
    const prev = out[out.length - 1];
    if ('literal' in p && prev && 'literal' in prev) out[out.length - 1] = { literal: prev.literal + p.literal };
    else out.push(p);
  }
  return out;
}

function fromPieces(pieces: FormatPiece[], args: Node[], named: ReadonlyMap<string, Node>): NamePart[] | undefined {
  const parts: NamePart[] = [];
  for (const p of pieces) {
    if ('literal' in p) parts.push({ literal: p.literal });
    else if ('arg' in p) {
      const a = args[p.arg];
      if (!a) return undefined;
      parts.push({ expr: a, verb: p.verb });
    } else {
      const a = named.get(p.named);
      if (!a) return undefined;
      parts.push({ expr: a });
    }
  }
  return mergeLiterals(parts);
}

function formatCall(
  name: string,
  receiver: Node | undefined,
  args: Node[],
  named: ReadonlyMap<string, Node>,
  dialect: Dialect,
): NameShape | undefined {
  const recvSegs = receiver ? dialect.segments(receiver) : undefined;
  const recv = recvSegs?.join('.') ?? '';
  const recvString = receiver ? dialect.stringValue(dialect.unwrap(receiver)) : undefined;
  const firstString = args[0] ? dialect.stringValue(dialect.unwrap(args[0])) : undefined;
  const dyn = (parts?: NamePart[]): NameShape => ({ kind: 'dynamic', how: 'format call', parts });
  switch (dialect.family) {
    case 'js':
      if (name === 'format' && (recv === 'util' || recv === '') && firstString !== undefined) return dyn(fromPieces(parsePrintf(firstString), args.slice(1), named));
      if (name === 'concat' && recvString !== undefined) return { kind: 'dynamic', how: 'concatenation' };
      if (name === 'join' && receiver && dialect.unwrap(receiver).type === 'array') return { kind: 'dynamic', how: 'concatenation' };
      return undefined;
    case 'python':
      if (name === 'format' && recvString !== undefined) return dyn(fromPieces(parseBraces(recvString), args, named));
      if (name === 'join' && recvString !== undefined) return { kind: 'dynamic', how: 'concatenation' };
      return undefined;
    case 'go':
      if (recv === 'fmt' && name === 'Sprintf' && firstString !== undefined) return dyn(fromPieces(parsePrintf(firstString), args.slice(1), named));
      if (recv === 'fmt' && (name === 'Sprint' || name === 'Sprintln')) return dyn();
      if (recv === 'strings' && name === 'Join') return { kind: 'dynamic', how: 'concatenation' };
      return undefined;
    case 'java':
      if (recv === 'String' && name === 'format' && firstString !== undefined) return dyn(fromPieces(parsePrintf(firstString), args.slice(1), named));
      if (name === 'formatted' && recvString !== undefined) return dyn(fromPieces(parsePrintf(recvString), args, named));
      if (recv === 'MessageFormat' && name === 'format' && firstString !== undefined) return dyn(fromPieces(parseBraces(firstString), args.slice(1), named));
      if ((recv === 'String' && name === 'join') || (name === 'concat' && recvString !== undefined)) return { kind: 'dynamic', how: 'concatenation' };
      return undefined;
    case 'csharp':
      if (/^(string|String)$/.test(recv) && name === 'Format' && firstString !== undefined) return dyn(fromPieces(parseBraces(firstString), args.slice(1), named));
      if (/^(string|String)$/.test(recv) && (name === 'Concat' || name === 'Join')) return { kind: 'dynamic', how: 'concatenation' };
      return undefined;
  }
}
