/**
 * Finds where a file names spans and records attributes, per language's OpenTelemetry API,
 * and turns that into language-neutral facts the source rules check. Receivers are matched
 * by name and by what variables were bound to (`const s = tracer.startSpan(..)`), so DOM
 * `el.setAttribute(..)` or `user.updateName(..)` are not mistaken for spans.
 */
import type { Node, Tree } from 'web-tree-sitter';
import type { CallInfo, ConstantLookup, Dialect } from './dialect';
import { looksLikeSecretLiteral, SECRET_SCAN_RE } from './valueDetectors';

export interface SpanNameFact {
  kind: 'span-name';
  /** `startSpan`, `@WithSpan`, `DisplayName`… for messages. */
  api: string;
  nameNode: Node;
  rename: boolean;
  call?: CallInfo;
  /** Rename assignments (C# `DisplayName =`), annotations: the whole site. */
  site: Node;
  /** Text of the span expression for renames (`span` in `span.updateName(..)`). */
  receiverText?: string;
}

export interface AttributeFact {
  kind: 'attribute';
  keyNode: Node;
  key?: string;
  valueNode?: Node;
  /** What to delete to drop the attribute, and how. */
  remove?: { node: Node; mode: 'statement-or-item' | 'chain'; chainFrom?: number };
}

export interface HeaderCaptureFact {
  kind: 'header-capture';
  node: Node;
  headers: string[];
}

export interface FileFacts {
  spanNames: SpanNameFact[];
  attributes: AttributeFact[];
  headerCaptures: HeaderCaptureFact[];
  strings: Node[];
  comments: Node[];
  constants: ConstantLookup;
}

const SPAN_FACTORIES = new Set([
  'startSpan', 'startActiveSpan', 'getActiveSpan', 'getSpan', 'start_span', 'start_as_current_span', 'get_current_span',
  'Start', 'SpanFromContext', 'current', 'StartActivity',
]);
const TRACER_FACTORIES = new Set(['getTracer', 'get_tracer', 'Tracer', 'GetTracer']);

const GO_ATTR_CTORS: ReadonlySet<string> = new Set(['String', 'Int', 'Int64', 'Float64', 'Bool', 'StringSlice', 'IntSlice', 'Int64Slice', 'Float64Slice', 'BoolSlice', 'Stringer']);
/** Callee names worth a look, per language; anything else is never an OpenTelemetry call here. */
const CALLS_BY_FAMILY: Readonly<Record<Dialect['family'], readonly string[]>> = {
  js: ['startSpan', 'startActiveSpan', 'getActiveSpan', 'getSpan', 'getTracer', 'updateName', 'setAttribute', 'setAttributes', 'addEvent'],
  python: ['start_span', 'start_as_current_span', 'get_current_span', 'get_tracer', 'update_name', 'set_attribute', 'set_attributes', 'add_event'],
  go: ['Start', 'SpanFromContext', 'Tracer', 'SetName', 'Key', ...GO_ATTR_CTORS],
  java: ['spanBuilder', 'startSpan', 'current', 'getTracer', 'updateName', 'setAttribute', 'of', 'put', 'stringKey', 'longKey', 'doubleKey', 'booleanKey', 'stringArrayKey', 'longArrayKey', 'doubleArrayKey', 'booleanArrayKey'],
  csharp: ['StartActivity', 'SetTag', 'AddTag'],
};

const SPANISH = /^span|Span|_span|^activity|Activity/;
const TRACERISH = /^tracer|Tracer|_tracer/;

const CREDENTIAL_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-api-key', 'api-key', 'x-auth-token', 'x-csrf-token', 'x-xsrf-token']);
const CAPTURE_CONTEXT = /capture[-_.]?(?:(?:server|client|http)[-_.]?)*(?:request|response)?[-_.]?headers|capture[-_]headers|headersToSpanAttributes|(?:request|response)[-_]?headers|capture[-_.]?(?:request|response)[-_.]?headers/i;

const JAVA_KEY_CTORS = /^(string|long|double|boolean|stringArray|longArray|doubleArray|booleanArray)Key$/;

const COMMENT_TYPES = new Set(['comment', 'line_comment', 'block_comment']);
const ANNOTATION_TYPES = new Set(['annotation', 'marker_annotation']);
const ASSIGNMENT_TYPES = new Set(['assignment_expression']);

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const CALL_RES = Object.fromEntries(
  Object.entries(CALLS_BY_FAMILY).map(([family, names]) => [family, new RegExp(`(?<![\\w$])(${names.map(escapeRe).join('|')})\\s*(?:<[^<>()]*>)?\\s*\\(`, 'g')]),
) as Record<Dialect['family'], RegExp>;
const HEADER_NAME_RE = /authorization|cookie|api-key|x-auth-token|csrf-token|xsrf-token/gi;
const QUOTED_TOKEN_RE = /["'`]([^"'`\s\\]{12,})["'`]/g;

/** Same-file constants, resolved on first use by finding the declaration from the text. */
class LazyConstants implements ConstantLookup {
  private readonly cache = new Map<string, string | undefined>();

  constructor(private readonly root: Node, private readonly text: string, private readonly dialect: Dialect) {}

  get(name: string): string | undefined {
    if (this.cache.has(name)) return this.cache.get(name);
    const base = name.split('.')[0];
    if (!this.cache.has(`\u0000${base}`)) {
      this.cache.set(`\u0000${base}`, '');
      const re = new RegExp(`(?<![\\w$.])${escapeRe(base)}\\b[^=;\\n(){}]*=(?![=>])`, 'g');
      for (const m of this.text.matchAll(re)) {
        let n: Node | null = this.root.descendantForIndex(m.index ?? 0);
        for (let up = 0; n && up < 7; up++, n = n.parent) {
          const found = this.dialect.constantsOf(n);
          if (found.length === 0) continue;
          for (const [k, v] of found) if (!this.cache.has(k)) this.cache.set(k, v);
          break;
        }
      }
    }
    if (!this.cache.has(name)) this.cache.set(name, undefined);
    return this.cache.get(name);
  }
}

/** Offsets found by the text scans: where calls and interesting string literals may start. */
export interface Candidates {
  calls: Array<{ start: number; end: number }>;
  strings: number[];
}

/**
 * The text scans `collectFacts` starts from. A file without any candidate needs no parse at
 * all, which is most files of a workspace.
 */
export function scanCandidates(text: string, dialect: Dialect): Candidates {
  const calls: Candidates['calls'] = [];
  for (const m of text.matchAll(CALL_RES[dialect.family])) calls.push({ start: m.index ?? 0, end: (m.index ?? 0) + m[0].length - 1 });
  const strings: number[] = [];
  for (const m of text.matchAll(SECRET_SCAN_RE)) strings.push(m.index ?? 0);
  for (const m of text.matchAll(HEADER_NAME_RE)) strings.push(m.index ?? 0);
  for (const m of text.matchAll(QUOTED_TOKEN_RE)) if (looksLikeSecretLiteral(m[1])) strings.push((m.index ?? 0) + 1);
  return { calls, strings };
}

export function hasCandidates(c: Candidates): boolean {
  return c.calls.length > 0 || c.strings.length > 0;
}

/**
 * Finds candidate sites from the text with regular expressions, then confirms each on the
 * syntax tree. Walking or querying all ~30k nodes of a 2,000-line file from JavaScript costs
 * more than the parse itself; OpenTelemetry call sites are a few dozen.
 */
export function collectFacts(tree: Tree, dialect: Dialect, text: string, candidates = scanCandidates(text, dialect)): FileFacts {
  const root = tree.rootNode;
  const seen = new Set<number>();
  const locate = (offset: number, types: ReadonlySet<string>, maxUp: number, end = offset): Node | undefined => {
    // The smallest node spanning `name(` is usually the call itself: fewer steps up the tree.
    let n: Node | null = root.descendantForIndex(offset, end);
    for (let up = 0; n && up <= maxUp; up++, n = n.parent) {
      if (types.has(n.type)) {
        if (seen.has(n.id)) return undefined;
        seen.add(n.id);
        return n;
      }
    }
    return undefined;
  };

  const calls: Node[] = [];
  for (const c of candidates.calls) {
    const n = locate(c.start, dialect.callTypes, 6, c.end);
    if (n) calls.push(n);
  }

  const strings: Node[] = [];
  for (const offset of candidates.strings) {
    let n = locate(offset, dialect.stringTypes, 3);
    if (n?.parent?.type === 'concatenated_string') {
      n = n.parent;
      if (seen.has(n.id)) continue;
      seen.add(n.id);
    }
    if (n) strings.push(n);
  }

  const comments: Node[] = [];
  for (const m of text.matchAll(/trace-lens-disable/g)) {
    const n = locate(m.index ?? 0, COMMENT_TYPES, 2);
    if (n) comments.push(n);
  }

  const extras: Node[] = [];
  if (dialect.family === 'java') {
    for (const m of text.matchAll(/@\s*(?:[\w.]+\.)?(?:WithSpan|SpanAttribute)\b/g)) {
      const n = locate(m.index ?? 0, ANNOTATION_TYPES, 3);
      if (n) extras.push(n);
    }
  } else if (dialect.family === 'csharp') {
    for (const m of text.matchAll(/\bDisplayName\s*=(?!=)/g)) {
      const n = locate(m.index ?? 0, ASSIGNMENT_TYPES, 4);
      if (n) extras.push(n);
    }
  }
  const goAttrAlias = dialect.family === 'go' ? (/(?:^|[\s(])(\w+)\s+"go\.opentelemetry\.io\/otel\/attribute"/m.exec(text)?.[1] ?? 'attribute') : 'attribute';
  return buildFacts(calls, strings, comments, extras, dialect, new LazyConstants(root, text, dialect), goAttrAlias);
}

function buildFacts(
  calls: Node[],
  strings: Node[],
  comments: Node[],
  extras: Node[],
  dialect: Dialect,
  constants: ConstantLookup,
  goAttrAlias: string,
): FileFacts {
  const infos: CallInfo[] = [];
  for (const c of calls) {
    const info = dialect.callInfo(c);
    if (info && CALLS_BY_FAMILY[dialect.family].includes(info.name)) infos.push(info);
  }

  const spanVars = new Set<string>();
  const tracerVars = new Set<string>();
  for (const info of infos) {
    if (SPAN_FACTORIES.has(info.name)) {
      const bound = boundName(info, dialect);
      if (bound) spanVars.add(bound);
      if (info.name === 'startActiveSpan') {
        const fn = info.args[info.args.length - 1];
        const param = fn ? firstParam(fn) : undefined;
        if (param) spanVars.add(param);
      }
    } else if (TRACER_FACTORIES.has(info.name)) {
      const bound = boundName(info, dialect);
      if (bound) tracerVars.add(bound);
    }
  }

  const isSpanish = (recv: Node | undefined): boolean => {
    if (!recv) return false;
    const segs = dialect.segments(recv);
    if (!segs) return SPANISH.test(recv.text);
    if (spanVars.has(segs[0])) return true;
    return segs.some((s) => SPANISH.test(s));
  };
  const isTracerish = (recv: Node | undefined): boolean => {
    if (!recv) return false;
    const segs = dialect.segments(recv);
    if (!segs) return TRACERISH.test(recv.text);
    if (tracerVars.has(segs[0])) return true;
    return segs.some((s) => TRACERISH.test(s));
  };

  const facts: FileFacts = { spanNames: [], attributes: [], headerCaptures: [], strings, comments, constants };
  const seenKeys = new Set<number>();
  const addAttr = (f: AttributeFact): void => {
    if (seenKeys.has(f.keyNode.id)) return;
    seenKeys.add(f.keyNode.id);
    facts.attributes.push(f);
  };
  const literalKey = (n: Node | undefined): string | undefined => {
    if (!n) return undefined;
    const u = dialect.unwrap(n);
    const lit = dialect.stringValue(u);
    if (lit !== undefined) return lit;
    const segs = dialect.segments(u);
    return segs ? constants.get(segs.join('.')) : undefined;
  };
  const addMap = (mapNode: Node | undefined): void => {
    if (!mapNode) return;
    for (const e of dialect.mapEntries(mapNode, constants) ?? []) {
      addAttr({ kind: 'attribute', keyNode: e.keyNode, key: e.key, valueNode: e.valueNode, remove: { node: e.entry, mode: 'statement-or-item' } });
    }
  };
  const addName = (info: CallInfo, nameNode: Node | undefined, rename: boolean): void => {
    if (!nameNode) return;
    facts.spanNames.push({ kind: 'span-name', api: info.name, nameNode, rename, call: info, site: info.node, receiverText: info.receiver?.text });
  };

  for (const info of infos) {
    const { name, args, named, receiver } = info;
    switch (dialect.family) {
      case 'js':
        if ((name === 'startSpan' || name === 'startActiveSpan') && isTracerish(receiver)) {
          addName(info, args[0], false);
          const opts = args[1];
          if (opts) for (const e of dialect.mapEntries(opts, constants) ?? []) if (e.key === 'attributes') addMap(e.valueNode);
        } else if (name === 'updateName' && isSpanish(receiver)) addName(info, args[0], true);
        else if (name === 'setAttribute' && isSpanish(receiver) && args[0]) {
          addAttr({ kind: 'attribute', keyNode: args[0], key: literalKey(args[0]), valueNode: args[1], remove: { node: info.node, mode: 'statement-or-item' } });
        } else if (name === 'setAttributes' && isSpanish(receiver)) addMap(args[0]);
        else if (name === 'addEvent' && isSpanish(receiver)) addMap(args[1]);
        break;
      case 'python':
        if ((name === 'start_as_current_span' || name === 'start_span') && isTracerish(receiver)) {
          addName(info, named.get('name') ?? args[0], false);
          addMap(named.get('attributes'));
        } else if (name === 'update_name' && isSpanish(receiver)) addName(info, args[0], true);
        else if (name === 'set_attribute' && isSpanish(receiver) && args[0]) {
          addAttr({ kind: 'attribute', keyNode: args[0], key: literalKey(args[0]), valueNode: args[1], remove: { node: info.node, mode: 'statement-or-item' } });
        } else if (name === 'set_attributes' && isSpanish(receiver)) addMap(args[0]);
        else if (name === 'add_event' && isSpanish(receiver)) addMap(named.get('attributes') ?? args[1]);
        break;
      case 'go': {
        const recvSegs = receiver ? dialect.segments(receiver) : undefined;
        if (name === 'Start' && args.length >= 2 && isTracerish(receiver)) addName(info, args[1], false);
        else if (name === 'SetName' && isSpanish(receiver)) addName(info, args[0], true);
        else if (recvSegs?.length === 1 && recvSegs[0] === goAttrAlias && GO_ATTR_CTORS.has(name) && args[0]) {
          addAttr({ kind: 'attribute', keyNode: args[0], key: literalKey(args[0]), valueNode: args[1], remove: { node: info.node, mode: 'statement-or-item' } });
        } else if (recvSegs?.length === 1 && recvSegs[0] === goAttrAlias && name === 'Key' && args[0]) {
          // `attribute.Key("k").String(v)`: the value is the argument of the outer call.
          const outer = info.node.parent?.parent;
          const outerInfo = outer ? dialect.callInfo(outer) : undefined;
          const isOuter = outerInfo && outer?.childForFieldName('function')?.equals(info.node.parent as Node);
          addAttr({
            kind: 'attribute', keyNode: args[0], key: literalKey(args[0]), valueNode: isOuter ? outerInfo.args[0] : undefined,
            remove: { node: isOuter && outer ? outer : info.node, mode: 'statement-or-item' },
          });
        }
        break;
      }
      case 'java': {
        if (name === 'spanBuilder') addName(info, args[0], false);
        else if (name === 'updateName' && isSpanish(receiver)) addName(info, args[0], true);
        else if (name === 'setAttribute' && args[0] && (isSpanish(receiver) || isBuilderChain(receiver, dialect))) {
          const keyNode = javaKeyNode(args[0], dialect);
          const chained = info.node.parent?.type === 'method_invocation' || info.node.parent?.type === 'variable_declarator';
          addAttr({
            kind: 'attribute', keyNode, key: literalKey(keyNode), valueNode: args[1],
            remove: chained && receiver ? { node: info.node, mode: 'chain', chainFrom: receiver.endIndex } : { node: info.node, mode: 'statement-or-item' },
          });
        } else if (name === 'of' && receiver?.text === 'Attributes') {
          for (let i = 0; i + 1 < args.length; i += 2) {
            const keyNode = javaKeyNode(args[i], dialect);
            addAttr({ kind: 'attribute', keyNode, key: literalKey(keyNode), valueNode: args[i + 1] });
          }
        } else if (name === 'put' && args[0] && receiver && /Attributes\.builder|attributes?Builder/i.test(receiver.text)) {
          const keyNode = javaKeyNode(args[0], dialect);
          addAttr({ kind: 'attribute', keyNode, key: literalKey(keyNode), valueNode: args[1], remove: { node: info.node, mode: 'chain', chainFrom: receiver.endIndex } });
        } else if (JAVA_KEY_CTORS.test(name) && args[0] && (!receiver || receiver.text === 'AttributeKey')) {
          addAttr({ kind: 'attribute', keyNode: args[0], key: literalKey(args[0]) });
        }
        break;
      }
      case 'csharp':
        if (name === 'StartActivity' && (isTracerish(receiver) || /source/i.test(receiver?.text ?? ''))) {
          const first = args[0];
          const nameArg = named.get('name') ?? (first && !/^ActivityKind\./.test(first.text) ? first : undefined);
          addName(info, nameArg, false);
          addMap(named.get('tags'));
        } else if ((name === 'SetTag' || name === 'AddTag') && args[0] && isSpanish(receiver)) {
          const parent = info.node.parent;
          const chained = parent?.type === 'member_access_expression' || parent?.type === 'conditional_access_expression' && !parent.parent?.type.endsWith('statement');
          addAttr({
            kind: 'attribute', keyNode: args[0], key: literalKey(args[0]), valueNode: args[1],
            remove: chained && receiver ? { node: info.node, mode: 'chain', chainFrom: receiver.endIndex } : { node: outermostCallStatement(info.node), mode: 'statement-or-item' },
          });
        }
        break;
    }
  }

  for (const e of extras) {
    if (e.type === 'annotation' || e.type === 'marker_annotation') javaAnnotation(e, facts, addAttr, literalKey);
    else if (e.type === 'assignment_expression' && dialect.family === 'csharp') {
      const left = e.childForFieldName('left');
      const right = e.childForFieldName('right');
      if (left?.type === 'member_access_expression' && left.childForFieldName('name')?.text === 'DisplayName' && right) {
        const obj = left.childForFieldName('expression') ?? undefined;
        if (isSpanish(obj)) facts.spanNames.push({ kind: 'span-name', api: 'DisplayName', nameNode: right, rename: true, site: e, receiverText: obj?.text });
      }
    }
  }

  for (const s of strings) {
    const value = dialect.stringValue(s);
    if (value === undefined) continue;
    const headers = value.toLowerCase().split(/[\s,;]+/).filter((h) => CREDENTIAL_HEADERS.has(h));
    if (headers.length > 0 && inCaptureContext(s, dialect)) facts.headerCaptures.push({ kind: 'header-capture', node: s, headers });
  }
  return facts;
}

function outermostCallStatement(n: Node): Node {
  // `activity?.SetTag(..)` parses as conditional access around the invocation.
  let cur = n;
  while (cur.parent && (cur.parent.type === 'conditional_access_expression' || cur.parent.type === 'member_binding_expression')) cur = cur.parent;
  return cur;
}

function isBuilderChain(recv: Node | undefined, dialect: Dialect): boolean {
  const segs = recv ? dialect.segments(recv) : undefined;
  return !!segs && segs.includes('spanBuilder');
}

function javaKeyNode(arg: Node, dialect: Dialect): Node {
  const info = dialect.callInfo(dialect.unwrap(arg));
  if (info && JAVA_KEY_CTORS.test(info.name) && info.args[0]) return info.args[0];
  return arg;
}

function javaAnnotation(
  e: Node,
  facts: FileFacts,
  addAttr: (f: AttributeFact) => void,
  literalKey: (n: Node | undefined) => string | undefined,
): void {
  const nameNode = e.childForFieldName('name');
  const simple = nameNode?.text.split('.').pop();
  const argList = e.childForFieldName('arguments');
  const argNodes = argList ? argList.namedChildren.filter((c): c is Node => c !== null) : [];
  let valueArg: Node | undefined;
  for (const a of argNodes) {
    if (a.type === 'element_value_pair') {
      if (a.childForFieldName('key')?.text === 'value') valueArg = a.childForFieldName('value') ?? undefined;
    } else valueArg ??= a;
  }
  if (simple === 'WithSpan' && valueArg) {
    facts.spanNames.push({ kind: 'span-name', api: '@WithSpan', nameNode: valueArg, rename: false, site: e });
  } else if (simple === 'SpanAttribute') {
    if (valueArg) addAttr({ kind: 'attribute', keyNode: valueArg, key: literalKey(valueArg), remove: { node: e, mode: 'statement-or-item' } });
    else {
      // Without a value the attribute key is the parameter name.
      const param = e.parent?.type === 'modifiers' ? e.parent.parent : undefined;
      const pname = param?.childForFieldName('name');
      if (pname) addAttr({ kind: 'attribute', keyNode: pname, key: pname.text, remove: { node: e, mode: 'statement-or-item' } });
    }
  }
}

function boundName(info: CallInfo, dialect: Dialect): string | undefined {
  let n: Node = info.node;
  // Climb through chains/awaits to the expression that is assigned (`tracer.spanBuilder(..).startSpan()`).
  for (let i = 0; i < 4 && n.parent && ['await_expression', 'await', 'parenthesized_expression', 'expression_list', 'equals_value_clause', 'non_null_expression'].includes(n.parent.type); i++) n = n.parent;
  const p = n.parent;
  if (!p) return undefined;
  switch (p.type) {
    case 'variable_declarator': {
      const name = p.childForFieldName('name') ?? p.namedChild(0);
      return name?.type === 'identifier' ? name.text : undefined;
    }
    case 'assignment':
    case 'assignment_expression': {
      const left = p.childForFieldName('left');
      return left?.type === 'identifier' ? left.text : undefined;
    }
    case 'as_pattern': {
      const alias = p.childForFieldName('alias');
      const id = alias?.type === 'identifier' ? alias : alias?.namedChild(0);
      return id?.type === 'identifier' ? id.text : undefined;
    }
    case 'short_var_declaration':
    case 'assignment_statement': {
      const left = p.childForFieldName('left');
      const ids = left ? left.namedChildren.filter((c): c is Node => c !== null) : [];
      // `ctx, span := tracer.Start(..)`: the span is the second result.
      const pick = info.name === 'Start' && dialect.family === 'go' ? ids[1] : ids[0];
      return pick?.type === 'identifier' ? pick.text : undefined;
    }
    default:
      return undefined;
  }
}

function firstParam(fn: Node): string | undefined {
  if (!/arrow_function|function_expression|^function$/.test(fn.type)) return undefined;
  const single = fn.childForFieldName('parameter');
  if (single) return single.text;
  const params = fn.childForFieldName('parameters');
  const first = params?.namedChild(0);
  const id = first?.type === 'identifier' ? first : first?.childForFieldName('pattern') ?? first?.namedChild(0);
  return id?.type === 'identifier' ? id.text : undefined;
}

/** Is this string in a header-capture setting (option key, env var, system property)? */
function inCaptureContext(s: Node, dialect: Dialect): boolean {
  let n: Node | null = s;
  for (let depth = 0; n && depth < 7; depth++, n = n.parent) {
    const p: Node | null = n.parent;
    if (!p) return false;
    const texts: string[] = [];
    for (const field of ['key', 'name', 'left']) {
      const f = p.childForFieldName(field);
      if (f && !f.equals(n)) texts.push(f.text);
    }
    if (dialect.callTypes.has(p.type)) {
      const info = dialect.callInfo(p);
      if (info) {
        texts.push(info.name);
        for (const a of info.args) if (!a.equals(s)) texts.push(dialect.stringValue(dialect.unwrap(a)) ?? '');
      }
    }
    if (p.type === 'element_value_pair' || p.type === 'keyword_argument' || p.type === 'keyed_element') texts.push(p.namedChild(0)?.text ?? '');
    if (texts.some((t) => CAPTURE_CONTEXT.test(t))) return true;
    if (/statement$|^(program|module|source_file|compilation_unit|block|class_body)$/.test(p.type)) return false;
  }
  return false;
}

