/**
 * SN001's fix: a static name with `{placeholder}`s, the run-time values moved into attributes,
 * written in the language's own API (options object, `attributes=`, `trace.WithAttributes`,
 * `.setAttribute` on the builder, `?.SetTag`).
 */
import type { Node } from 'web-tree-sitter';
import type { Dialect } from './dialect';
import type { QuickFix, TextEdit } from './findings';
import type { NamePart } from './nameAnalysis';
import type { SpanNameFact } from './sourceFacts';
import { insertAt, replaceNode, type LineIndex } from './textEdits';

export interface MovedValue {
  key: string;
  placeholder: string;
  expr: Node;
  verb?: string;
}

const GENERIC_ROOTS = new Set(['req', 'request', 'r', 'ctx', 'context', 'this', 'self', 'params', 'query', 'body', 'args', 'input', 'data', 'props', 'options', 'opts', 'c', 'event', 'e', 'payload']);

function snake(s: string): string {
  return s.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/[^A-Za-z0-9]+/g, '_').replace(/^_|_$/g, '').toLowerCase();
}

function singular(word: string): string {
  if (/ies$/.test(word)) return word.slice(0, -3) + 'y';
  if (/(ss|us)$/.test(word)) return word;
  if (/s$/.test(word)) return word.slice(0, -1);
  return word;
}

/** Builds the template and the attribute per dynamic part: `/api/users/${id}` → `{id}` + `app.user.id`. */
export function planTemplate(parts: readonly NamePart[], dialect: Dialect): { template: string; moved: MovedValue[] } | undefined {
  let template = '';
  const moved: MovedValue[] = [];
  const used = new Set<string>();
  for (const p of parts) {
    if ('literal' in p) {
      template += p.literal;
      continue;
    }
    const segs = dialect.segments(p.expr)?.filter((s) => !GENERIC_ROOTS.has(s) && !/^get[A-Z]/.test(s)) ?? [];
    let names = segs.map(snake).filter((s) => s.length > 0);
    if (names.length === 0) names = ['value'];
    const before = /([A-Za-z][A-Za-z0-9_-]*)\/?$/.exec(template.replace(/\/$/, ''))?.[1];
    if (names.length === 1 && before && /\/$/.test(template)) {
      const entity = snake(singular(before));
      const leaf = names[0].startsWith(`${entity}_`) ? names[0].slice(entity.length + 1) : names[0];
      if (entity && entity !== leaf) names = [entity, leaf];
    }
    let placeholder = names[names.length - 1];
    for (let i = 2; used.has(placeholder); i++) placeholder = `${names[names.length - 1]}_${i}`;
    used.add(placeholder);
    template += `{${placeholder}}`;
    moved.push({ key: `app.${names.join('.')}`, placeholder, expr: p.expr, verb: p.verb });
  }
  return moved.length > 0 ? { template, moved } : undefined;
}

export function buildSpanNameFix(fact: SpanNameFact, parts: readonly NamePart[], dialect: Dialect, index: LineIndex): QuickFix | undefined {
  const plan = planTemplate(parts, dialect);
  if (!plan) return undefined;
  const edits = attributeEdits(fact, plan.moved, dialect, index);
  if (!edits) return undefined;
  return {
    title: `Use static span name '${plan.template}' and record ${plan.moved.map((m) => m.key).join(', ')} as attribute${plan.moved.length > 1 ? 's' : ''}`,
    edits: [replaceNode(fact.nameNode, dialect.quote(plan.template), index), ...edits],
    preferred: true,
  };
}

function exprText(m: MovedValue, dialect: Dialect): string {
  return dialect.unwrap(m.expr).text;
}

function statementEnd(n: Node): Node | undefined {
  let cur: Node | null = n;
  while (cur && !/statement$|^lexical_declaration$|^local_variable_declaration$/.test(cur.type)) cur = cur.parent;
  return cur ?? undefined;
}

function afterStatement(fact: SpanNameFact, lines: string[], index: LineIndex): TextEdit[] | undefined {
  const stmt = statementEnd(fact.site);
  if (!stmt) return undefined;
  const indent = index.indentOf(stmt.startPosition.row);
  return [insertAt(stmt.endIndex, lines.map((l) => `\n${indent}${l}`).join(''), index)];
}

function attributeEdits(fact: SpanNameFact, moved: MovedValue[], dialect: Dialect, index: LineIndex): TextEdit[] | undefined {
  const recv = fact.receiverText;
  switch (dialect.family) {
    case 'js': {
      const entries = moved.map((m) => `${dialect.quote(m.key)}: ${exprText(m, dialect)}`).join(', ');
      if (fact.rename) return recv ? afterStatement(fact, [`${recv}.setAttributes({ ${entries} });`], index) : undefined;
      const call = fact.call;
      if (!call) return undefined;
      const opts = call.args[1];
      if (!opts || /function|arrow_function/.test(opts.type)) {
        if (!opts) return [insertAt(fact.nameNode.endIndex, `, { attributes: { ${entries} } }`, index)];
        return [insertAt(opts.startIndex, `{ attributes: { ${entries} } }, `, index)];
      }
      const o = dialect.unwrap(opts);
      if (o.type === 'identifier' || o.type === 'member_expression') {
        // Options from a variable: spread it and add to its attributes.
        return [replaceNode(opts, `{ ...${o.text}, attributes: { ...${o.text}.attributes, ${entries} } }`, index)];
      }
      if (o.type !== 'object') return undefined;
      const attrs = dialect.mapEntries(o, new Map())?.find((e) => e.key === 'attributes')?.valueNode;
      if (attrs && dialect.unwrap(attrs).type === 'object') {
        const a = dialect.unwrap(attrs);
        const close = a.endIndex - 1;
        const hasItems = a.namedChildCount > 0;
        return [insertAt(close, hasItems ? `, ${entries} ` : ` ${entries} `, index)];
      }
      if (attrs) return undefined;
      return [insertAt(o.startIndex + 1, o.namedChildCount > 0 ? ` attributes: { ${entries} },` : ` attributes: { ${entries} } `, index)];
    }
    case 'python': {
      const entries = moved.map((m) => `${dialect.quote(m.key)}: ${exprText(m, dialect)}`).join(', ');
      if (fact.rename) return recv ? afterStatement(fact, moved.map((m) => `${recv}.set_attribute(${dialect.quote(m.key)}, ${exprText(m, dialect)})`), index) : undefined;
      const call = fact.call;
      if (!call?.argList) return undefined;
      const attrs = call.named.get('attributes');
      if (attrs) {
        if (attrs.type !== 'dictionary') return undefined;
        return [insertAt(attrs.endIndex - 1, attrs.namedChildCount > 0 ? `, ${entries}` : entries, index)];
      }
      // Keyword arguments go last, after any positional ones.
      const last = call.argList.lastNamedChild;
      if (!last) return undefined;
      return [insertAt(last.endIndex, `, attributes={${entries}}`, index)];
    }
    case 'go': {
      const kvs = moved.map((m) => goAttribute(m, dialect)).join(', ');
      if (fact.rename) return recv ? afterStatement(fact, [`${recv}.SetAttributes(${kvs})`], index) : undefined;
      const last = fact.call?.argList?.lastNamedChild;
      return last ? [insertAt(last.endIndex, `, trace.WithAttributes(${kvs})`, index)] : undefined;
    }
    case 'java': {
      const chain = moved.map((m) => `.setAttribute(${dialect.quote(m.key)}, ${exprText(m, dialect)})`).join('');
      if (fact.rename) return recv ? afterStatement(fact, [`${recv}${chain};`], index) : undefined;
      return fact.call ? [insertAt(fact.call.node.endIndex, chain, index)] : undefined;
    }
    case 'csharp': {
      const chain = moved.map((m) => `?.SetTag(${dialect.quote(m.key)}, ${exprText(m, dialect)})`).join('');
      if (fact.rename) return recv ? afterStatement(fact, [`${recv}${chain};`], index) : undefined;
      return fact.call ? [insertAt(fact.call.node.endIndex, chain, index)] : undefined;
    }
  }
}

function goAttribute(m: MovedValue, dialect: Dialect): string {
  const key = dialect.quote(m.key);
  const v = exprText(m, dialect);
  switch (m.verb) {
    case 'd':
      return `attribute.Int(${key}, ${v})`;
    case 's':
    case 'q':
    case undefined:
      return `attribute.String(${key}, ${v})`;
    default:
      return `attribute.String(${key}, fmt.Sprint(${v}))`;
  }
}
