/** The source rules: SN001, SN002, SN011, SD001, SD002, SD003, SD005 over a file's facts. */
import type { Node } from 'web-tree-sitter';
import type { Dialect } from './dialect';
import type { QuickFix, Severity, SourceRuleId, TextRange } from './findings';
import { analyseName, type NamePart } from './nameAnalysis';
import { normalizeSpanName } from './nameNormalizer';
import { describeClass, type SensitiveKeyMatcher } from './sensitiveKeys';
import type { FileFacts } from './sourceFacts';
import { buildSpanNameFix } from './spanNameFix';
import { deletionEdit, nodeRange, replaceNode, type LineIndex } from './textEdits';
import { detectSecret, looksLikeSecretLiteral, VALUE_KIND_LABEL } from './valueDetectors';

/** A finding before severity overrides and suppressions are applied. */
export interface RawFinding {
  ruleId: SourceRuleId;
  severity: Severity;
  message: string;
  range: TextRange;
  fix?: QuickFix;
  attributeKey?: string;
}

const URL_PATH_LEAVES = new Set([
  'url', 'path', 'originalUrl', 'pathname', 'baseUrl', 'path_info', 'full_path', 'Path', 'RawPath', 'PathAndQuery', 'RawUrl',
  'Url', 'URL', 'RequestURI', 'requestURI', 'getRequestURI', 'getPathInfo', 'getServletPath', 'getRequestURL', 'AbsolutePath',
  'AbsoluteUri', 'getPath', 'uri', 'getUri', 'getRawPath', 'raw_path', 'EscapedPath',
]);
const URL_TRAILERS = new Set(['Value', 'toString', 'ToString', 'String', 'value']);
const REQUESTISH = /^(req|request|r|ctx|context|c|httpContext|exchange|incomingMessage|msg|request_)$|request$|Request$/i;

/** Bounded values in a name (HTTP method, route template, class/function names) do not make it explode. */
const BOUNDED_LEAVES = new Set([
  'method', 'Method', 'getMethod', 'httpMethod', 'HttpMethod', 'verb', 'route', 'Route', 'routePath', 'pattern', 'Pattern',
  'RoutePattern', 'routerPath', 'operation', 'operationName', 'op', 'kind', 'Kind', '__name__', '__qualname__', 'getSimpleName',
  'nameof', 'RawText', 'template',
]);
const NAME_OWNERS = new Set(['constructor', 'GetType', '__class__', 'getClass', 'type', 'func', 'fn', 'handler', 'MethodBase', 'GetCurrentMethod', 'class', 'Class']);

export function isUrlPathExpr(expr: Node, dialect: Dialect): boolean {
  const segs = dialect.segments(expr);
  if (!segs || segs.length < 2) return false;
  const trimmed = [...segs];
  while (trimmed.length > 1 && URL_TRAILERS.has(trimmed[trimmed.length - 1])) trimmed.pop();
  if (trimmed.some((s) => /route|pattern|template/i.test(s))) return false;
  const leaf = trimmed[trimmed.length - 1];
  return URL_PATH_LEAVES.has(leaf) && trimmed.slice(0, -1).some((s) => REQUESTISH.test(s));
}

function isBoundedExpr(expr: Node, dialect: Dialect): boolean {
  const u = dialect.unwrap(expr);
  if (/^[A-Z][A-Z0-9_]*$/.test(u.text)) return true;
  const segs = dialect.segments(u);
  if (!segs) return false;
  const leaf = segs[segs.length - 1];
  if (BOUNDED_LEAVES.has(leaf)) return true;
  if (segs.some((s) => /^(route|routePattern|RoutePattern)$/i.test(s))) return true;
  if ((leaf === 'name' || leaf === 'Name' || leaf === 'getName') && segs.slice(0, -1).some((s) => NAME_OWNERS.has(s))) return true;
  return false;
}

export interface RuleContext {
  facts: FileFacts;
  dialect: Dialect;
  index: LineIndex;
  keys: SensitiveKeyMatcher;
}

export function runSourceRules(ctx: RuleContext): RawFinding[] {
  const out: RawFinding[] = [];
  spanNameRules(ctx, out);
  attributeRules(ctx, out);
  headerCaptureRule(ctx, out);
  hardCodedSecretRule(ctx, out);
  return out;
}

function spanNameRules({ facts, dialect, index }: RuleContext, out: RawFinding[]): void {
  for (const fact of facts.spanNames) {
    const shape = analyseName(fact.nameNode, dialect, facts.constants);
    const range = nodeRange(fact.nameNode);
    const where = fact.rename ? 'renames the span to' : 'names the span with';
    if (shape.kind === 'unknown') {
      if (isUrlPathExpr(fact.nameNode, dialect)) {
        out.push({ ruleId: 'SN002', severity: 'error', range, message: `${fact.api} ${where} the request's URL path (${fact.nameNode.text}); paths contain ids. Name HTTP spans "{method} {http.route}".`, fix: undefined });
      }
      continue;
    }
    if (shape.kind === 'dynamic') {
      const exprs = (shape.parts ?? []).filter((p): p is Extract<NamePart, { expr: Node }> => 'expr' in p).map((p) => p.expr);
      const urlPart = exprs.find((e) => isUrlPathExpr(e, dialect));
      if (urlPart) {
        const method = exprs.find((e) => isMethodExpr(e, dialect));
        out.push({ ruleId: 'SN002', severity: 'error', range, message: `${fact.api} ${where} a name built from the request's URL path (${urlPart.text}); paths contain ids. Name HTTP spans "{method} {http.route}".`, fix: method ? methodOnlyFix(fact.nameNode, method, index) : undefined });
        continue;
      }
      if (shape.parts && exprs.length > 0 && exprs.every((e) => isBoundedExpr(e, dialect))) continue;
      const fix = shape.parts ? buildSpanNameFix(fact, shape.parts, dialect, index) : undefined;
      out.push({ ruleId: 'SN001', severity: 'error', range, message: `${fact.api} ${where} a name built at run time (${shape.how}); every distinct value creates a new span name. Use a static name with {placeholders} and record the value as an attribute.`, fix });
      continue;
    }
    const normalized = normalizeSpanName(shape.value);
    if (normalized.placeholders.length > 0) {
      const isLiteral = dialect.stringValue(dialect.unwrap(fact.nameNode)) !== undefined;
      out.push({
        ruleId: 'SN011', severity: 'warning', range,
        message: `Span name "${shape.value}" contains id-like tokens (${[...new Set(normalized.placeholders)].join(', ')}); as a template: "${normalized.template}".`,
        fix: isLiteral ? { title: `Use '${normalized.template}'`, edits: [replaceNode(fact.nameNode, dialect.quote(normalized.template), index)] } : undefined,
      });
    }
  }
}

function isMethodExpr(expr: Node, dialect: Dialect): boolean {
  const segs = dialect.segments(expr);
  return !!segs && /^(method|Method|getMethod|httpMethod|HttpMethod)$/.test(segs[segs.length - 1]);
}

/**
 * The semantic conventions name an HTTP server span "{method}" when no route template is known.
 * The route itself is framework-specific, so the fix stops at the method.
 */
function methodOnlyFix(nameNode: Node, method: Node, index: LineIndex): QuickFix {
  return { title: `Name the span by the HTTP method only (${method.text}) until a route template is available`, edits: [replaceNode(nameNode, method.text, index)] };
}

/** Serialising these is always a leak; request parts only when they hang off a request. */
const ALWAYS_SENSITIVE_OBJECTS = /^(headers|header|Headers|Header|cookies|Cookies|credentials|Credentials)$/;
const REQUEST_PARTS = /^(req|request|Request|body|Body|params|form|Form|payload|environ|session|Session)$/;

function isWholeSensitiveObject(segs: readonly string[]): boolean {
  const leaf = segs[segs.length - 1];
  if (ALWAYS_SENSITIVE_OBJECTS.test(leaf)) return true;
  if (!REQUEST_PARTS.test(leaf)) return false;
  return segs.length === 1 ? REQUESTISH.test(leaf) : segs.slice(0, -1).some((x) => REQUESTISH.test(x));
}
const SERIALISERS = new Set(['stringify', 'dumps', 'str', 'repr', 'Sprint', 'Sprintf', 'Sprintln', 'toString', 'ToString', 'Serialize', 'SerializeObject', 'toJson', 'writeValueAsString', 'valueOf', 'inspect', 'json', 'dict', 'String']);
const HEADER_GETTERS = new Set(['get', 'getHeader', 'Get', 'GetValues', 'getFirst', 'header', 'headers', 'get_header', 'Values']);

function sensitiveValue(value: Node, ctx: RuleContext): string | undefined {
  const { dialect, keys } = ctx;
  const v = dialect.unwrap(value);
  const call = dialect.callInfo(v);
  if (call) {
    if (SERIALISERS.has(call.name)) {
      const targets = call.name === 'toString' || call.name === 'ToString' ? [call.receiver] : call.args;
      for (const t of targets) {
        const segs = t ? dialect.segments(t) : undefined;
        if (segs && isWholeSensitiveObject(segs)) return `the whole ${t?.text} object serialised`;
      }
    }
    if (HEADER_GETTERS.has(call.name) && call.args[0]) {
      const h = dialect.stringValue(dialect.unwrap(call.args[0]));
      const m = h !== undefined ? keys.matchKey(h) : undefined;
      if (m && m.sensitiveClass !== 'personal') return `the ${h} header (${describeClass(m.sensitiveClass)})`;
    }
    return undefined;
  }
  const segs = dialect.segments(v);
  if (!segs) return undefined;
  const leaf = segs[segs.length - 1];
  if (segs.length > 1 && /^(headers|Headers|Header|cookies|Cookies)$/.test(leaf)) return `the whole ${v.text} object`;
  const m = keys.matchValueName(leaf);
  return m ? `${v.text} (${describeClass(m.sensitiveClass)})` : undefined;
}

/** A boolean "is it set" in the language; Go is left out because its attribute constructors are typed. */
function presenceExpression(value: Node, dialect: Dialect): string | undefined {
  const v = value.text;
  switch (dialect.family) {
    case 'js':
      return `Boolean(${v})`;
    case 'python':
      return `${v} is not None`;
    case 'java':
    case 'csharp':
      return `${v} != null`;
    case 'go':
      return undefined;
  }
}

function attributeRules(ctx: RuleContext, out: RawFinding[]): void {
  const { facts, index, keys } = ctx;
  for (const a of facts.attributes) {
    if (a.key !== undefined) {
      const m = keys.matchKey(a.key);
      if (m) {
        const del = a.remove ? deletionEdit(a.remove.node, index, a.remove.mode === 'chain' ? a.remove.chainFrom : undefined) : undefined;
        out.push({
          ruleId: 'SD001', severity: m.severity, range: nodeRange(a.keyNode), attributeKey: a.key,
          message: `Attribute key "${a.key}" looks like ${describeClass(m.sensitiveClass)} ("${m.term}"). Remove it, record a hash, or add it to traceLens.lint.allowedKeys.`,
          fix: del ? { title: `Remove attribute "${a.key}"`, edits: [del] } : undefined,
        });
      }
    }
    if (a.valueNode) {
      const why = sensitiveValue(a.valueNode, ctx);
      if (why) {
        const presence = presenceExpression(a.valueNode, ctx.dialect);
        out.push({
          ruleId: 'SD002', severity: 'error', range: nodeRange(a.valueNode),
          message: `Attribute value records ${why}. Record a derived value instead (hash, length, boolean).`,
          fix: presence ? { title: 'Record only whether the value is present', edits: [replaceNode(a.valueNode, presence, index)] } : undefined,
        });
      }
    }
  }
}

function headerCaptureRule({ facts, dialect, index }: RuleContext, out: RawFinding[]): void {
  for (const h of facts.headerCaptures) {
    const value = dialect.stringValue(h.node) ?? '';
    const remaining = value.split(/\s*,\s*/).filter((x) => !h.headers.includes(x.trim().toLowerCase()));
    const fix: QuickFix | undefined = value.includes(',') && remaining.length > 0
      ? { title: `Stop capturing ${h.headers.join(', ')}`, edits: [replaceNode(h.node, dialect.quote(remaining.join(',')), index)] }
      : deletionEdit(h.node, index) ? { title: `Stop capturing ${h.headers.join(', ')}`, edits: [deletionEdit(h.node, index)!] } : undefined;
    out.push({
      ruleId: 'SD005', severity: 'error', range: nodeRange(h.node),
      message: `Header capture records ${h.headers.join(', ')}: credentials end up in every span. Remove ${h.headers.length > 1 ? 'them' : 'it'} from the capture list.`,
      fix,
    });
  }
}

const NAME_FIELDS = ['name', 'left', 'key'];
const PASS_THROUGH = new Set(['expression_list', 'literal_element', 'argument', 'equals_value_clause', 'parenthesized_expression']);

function assignedName(s: Node, dialect: Dialect): string | undefined {
  let n: Node = s;
  while (n.parent && PASS_THROUGH.has(n.parent.type)) n = n.parent;
  const p = n.parent;
  if (!p) return undefined;
  if (p.type === 'variable_declarator' && dialect.family === 'csharp') return p.namedChild(0)?.text;
  if (p.type === 'keyed_element') return p.namedChild(0)?.text;
  for (const f of NAME_FIELDS) {
    const c = p.childForFieldName(f);
    if (c && !c.equals(n)) {
      const segs = dialect.segments(c);
      return segs ? segs[segs.length - 1] : dialect.stringValue(c) ?? c.text;
    }
  }
  return undefined;
}

function hardCodedSecretRule({ facts, dialect, keys }: RuleContext, out: RawFinding[]): void {
  for (const s of facts.strings) {
    const value = dialect.stringValue(s);
    if (value === undefined) continue;
    const kind = detectSecret(value);
    if (kind) {
      out.push({ ruleId: 'SD003', severity: 'error', range: nodeRange(s), message: `String literal contains ${VALUE_KIND_LABEL[kind]}. Remove it from the source and rotate it.` });
      continue;
    }
    if (!looksLikeSecretLiteral(value)) continue;
    const name = assignedName(s, dialect);
    const m = name ? keys.matchValueName(name) : undefined;
    if (m && m.sensitiveClass === 'credential') {
      out.push({ ruleId: 'SD003', severity: 'error', range: nodeRange(s), message: `"${name}" is assigned a hard-coded ${m.term}. Load it from the environment or a secret store, and rotate it.` });
    }
  }
}
