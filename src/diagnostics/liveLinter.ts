import * as vscode from 'vscode';
import { SensitiveKeyMatcher } from '../core/lint/sensitiveKeys';
import type { TimeRange } from '../core/model/timeRange';
import type { TraceBackend, TraceQuery, TraceSummary } from '../core/backends/traceBackend';
import type { Span } from '../core/model/trace';
import type { SpanStore } from '../core/receiver/spanStore';
import { readLookback } from '../config/settings';
import type { BackendController } from '../backends/backendController';
import { describeError } from '../ui/errorPresenter';
import type { ReceiverController } from '../receiver/receiverController';
import { createDiagnostic, type DiagnosticMeta, type LintDiagnosticStore } from './lintDiagnostics';
import type { LintSettings } from '../config/lintSettings';
import { findingKey, lintSpanAttributes, lintSpanNames, type LiveResult } from './liveLintPasses';
import type { LiveFindingLocator } from './liveFindingLocator';
import { clean, FINDINGS_URI, type LiveFindingSample, type TelemetryFindingsDocument } from './telemetryFindingsDocument';
import { takeTurn } from '../core/timeSlicing';

/** Newly received spans linted per run at most (the newest first); a burst beyond it is sampled. */
const MAX_NEW_SPANS = 10_000;
/** The name rules count distinct names over this many recent spans. */
const NAME_WINDOW_SPANS = 5_000;
/** A remote scan fetches at most this many spans. */
const MAX_REMOTE_SPANS = 10_000;
/** The Problems view is for reading: beyond this many live findings the rest is dropped (and logged). */
const MAX_PUBLISHED = 500;
/** Per-span findings kept from earlier runs at most (oldest dropped first). */
const MAX_KEPT = 2_000;
/** Local spans are linted at most this often while they keep arriving. */
const LOCAL_THROTTLE_MS = 2_000;
const REMOTE_MAX_TRACES = 20;
const REMOTE_MAX_SERVICES = 5;
const REMOTE_CONCURRENCY = 3;
const REMOTE_MAX_LOOKBACK_MS = 60 * 60_000;

export interface RemoteLintSummary {
  traces: number;
  spans: number;
  findings: number;
  skipped?: string;
}

/**
 * Runs the live rules over received spans and reports each finding on the source line that
 * produced it, or in the "Telemetry findings" document. Local spans are linted as they arrive
 * (throttled, only traces that changed since the last run, in slices); their findings stay while
 * the store still holds the trace. A remote backend is sampled only when asked (the workspace lint
 * command): a bounded search, never a poll.
 */
export class LiveLinter implements vscode.Disposable {
  /** Per-span findings of the local store, by findingKey. */
  private localSpans = new Map<string, LiveResult>();
  private localNames: LiveResult[] = [];
  /** Span count of each trace when it was linted: unchanged traces are not linted again. */
  private linted = new Map<string, number>();
  private lintedStore: SpanStore | undefined;
  private remote: LiveResult[] = [];
  /** The last remote sample, kept (bounded) so a settings change re-lints it without fetching again. */
  private remoteSpans: Span[] = [];
  private remoteSource: string | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private placementTimer: ReturnType<typeof setTimeout> | undefined;
  private lastRun = 0;
  private running: Promise<void> | undefined;
  private rerun = false;
  private generation = 0;
  private publishing: Promise<void> = Promise.resolve();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly receiver: ReceiverController,
    private readonly backends: BackendController,
    private readonly store: LintDiagnosticStore,
    private readonly locator: LiveFindingLocator,
    private readonly document: TelemetryFindingsDocument,
    private readonly settings: () => LintSettings,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.disposables.push(
      receiver.onDidChangeSpans(() => this.scheduleLocal()),
      // A finding published before its file was indexed sits in the findings document: place it again.
      locator.onDidChange(() => this.schedulePlacement()),
      // Findings of the previous backend's traces say nothing about the new one.
      backends.onDidChangeBackend(() => {
        if (this.remoteSpans.length === 0 && this.remote.length === 0) return;
        this.remoteSpans = [];
        this.remote = [];
        this.publishing = this.publish();
      }),
    );
  }

  /** Lints everything again from scratch (settings changed, or on start). */
  refresh(): void {
    this.reset();
    const remoteSpans = this.remoteSpans;
    if (remoteSpans.length > 0 && this.settings().enabled) {
      const generation = this.generation;
      void this.lintSpans(remoteSpans).then((results) => {
        if (generation !== this.generation) return;
        this.remote = results;
        this.publishing = this.publish();
      }, (err) => this.log.warn(`Lint: ${describeError(err)}`));
    }
    void this.runLocal();
  }

  clear(): void {
    this.reset();
    this.remoteSpans = [];
    this.store.setLive([]);
    this.document.update([], { source: 'none' });
  }

  /** Forgets every result and stops what is pending: a run still in flight sees another generation and drops its result. */
  private reset(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.generation++;
    this.localSpans.clear();
    this.localNames = [];
    this.linted.clear();
    this.remote = [];
  }

  /**
   * Fetches a bounded sample of recent traces from the configured remote backend and lints it.
   * Does nothing for the local backend (its spans are linted as they arrive) or when no backend is
   * configured; network errors are logged, not shown: the source lint is what the user asked for.
   */
  async lintRemote(signal: AbortSignal): Promise<RemoteLintSummary> {
    if (this.backends.type === 'local') return { traces: 0, spans: 0, findings: 0, skipped: 'the local receiver is linted as spans arrive' };
    let backend: TraceBackend;
    try {
      backend = this.backends.current();
    } catch (err) {
      this.log.info(`Lint: no live lint of remote traces: ${describeError(err)}`);
      return { traces: 0, spans: 0, findings: 0, skipped: describeError(err) };
    }
    const end = Date.now();
    const lookback = Math.min(REMOTE_MAX_LOOKBACK_MS, readLookback().ms);
    const range = { startMs: end - lookback, endMs: end };
    const spans: Span[] = [];
    let traces = 0;
    try {
      const queue = (await this.searchRecent(backend, range, signal)).slice(0, REMOTE_MAX_TRACES);
      const worker = async (): Promise<void> => {
        for (let s = queue.shift(); s && spans.length < MAX_REMOTE_SPANS; s = queue.shift()) {
          signal.throwIfAborted();
          try {
            const trace = await backend.getTrace(s.traceId, { signal, range });
            traces++;
            for (const span of trace.spans) if (spans.length < MAX_REMOTE_SPANS) spans.push(span);
          } catch (err) {
            if (signal.aborted) throw err;
            this.log.debug(`Lint: skipping trace ${s.traceId}: ${describeError(err)}`);
          }
        }
      };
      await Promise.all(Array.from({ length: REMOTE_CONCURRENCY }, worker));
    } catch (err) {
      if (signal.aborted) throw err;
      this.log.warn(`Lint: could not fetch recent traces from ${this.backends.describe()}: ${describeError(err)}`);
      return { traces, spans: spans.length, findings: 0, skipped: describeError(err) };
    }
    this.remoteSpans = spans;
    this.remote = await this.lintSpans(spans, signal);
    this.remoteSource = `${traces} recent traces from ${this.backends.describe()}`;
    this.publishing = this.publish();
    await this.publishing;
    return { traces, spans: spans.length, findings: this.remote.length };
  }

  /**
   * Recent traces of this workspace's services (`traceLens.serviceNames`), or of any service. Jaeger
   * cannot search without a service: it gets a few of its services, a share of the limit each.
   */
  private async searchRecent(backend: TraceBackend, range: TimeRange, signal: AbortSignal): Promise<TraceSummary[]> {
    const configured = (vscode.workspace.getConfiguration('traceLens').get<unknown[]>('serviceNames', []) ?? []).filter((x): x is string => typeof x === 'string' && x !== '');
    let services: Array<string | undefined> = configured.slice(0, REMOTE_MAX_SERVICES);
    if (services.length === 0) services = backend.type === 'jaeger' ? (await backend.services(signal)).slice(0, REMOTE_MAX_SERVICES) : [undefined];
    const limit = Math.max(1, Math.ceil(REMOTE_MAX_TRACES / Math.max(1, services.length)));
    const out: TraceSummary[] = [];
    for (const service of services) {
      const query: TraceQuery = { range, limit };
      if (service !== undefined) query.service = service;
      out.push(...(await backend.search(query, signal)));
    }
    const seen = new Set<string>();
    return out.filter((t) => !seen.has(t.traceId) && seen.add(t.traceId));
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.placementTimer) clearTimeout(this.placementTimer);
    this.generation++;
    for (const d of this.disposables) d.dispose();
  }

  private async lintSpans(spans: readonly Span[], signal?: AbortSignal): Promise<LiveResult[]> {
    const s = this.settings();
    const perSpan = await lintSpanAttributes(spans, s, signal);
    return [...lintSpanNames(spans.slice(-NAME_WINDOW_SPANS), s), ...perSpan];
  }

  /** Publishes the same findings again, at most once per throttle period, after the places changed. */
  private schedulePlacement(): void {
    if (this.placementTimer || !this.settings().enabled) return;
    if (this.localSpans.size + this.localNames.length + this.remote.length === 0) return;
    this.placementTimer = setTimeout(() => {
      this.placementTimer = undefined;
      // After any publication under way, so an older placement never lands last.
      this.publishing = this.publishing
        .catch(() => undefined)
        .then(() => this.publish())
        .catch((err) => this.log.warn(`Lint: could not place findings again: ${describeError(err)}`));
    }, LOCAL_THROTTLE_MS);
  }

  private scheduleLocal(): void {
    if (!this.settings().enabled || this.timer) return;
    const wait = Math.max(0, this.lastRun + LOCAL_THROTTLE_MS - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.runLocal();
    }, wait);
  }

  private async runLocal(): Promise<void> {
    if (!this.settings().enabled) return;
    if (this.running) {
      // One run at a time; the spans that arrived meanwhile are picked up right after.
      this.rerun = true;
      return;
    }
    this.lastRun = Date.now();
    this.running = this.lintLocal().catch((err) => this.log.warn(`Lint: live lint failed: ${describeError(err)}`));
    await this.running;
    this.running = undefined;
    if (this.rerun) {
      this.rerun = false;
      this.scheduleLocal();
    }
  }

  private async lintLocal(): Promise<void> {
    const generation = this.generation;
    const store = this.receiver.spanStore;
    if (store !== this.lintedStore) {
      // The receiver replaced its store (local.maxSpans changed): start over.
      this.lintedStore = store;
      this.linted.clear();
      this.localSpans.clear();
    }
    const ids = store.traceIds();
    const fresh: Span[] = [];
    const window: Span[] = [];
    // Traces are ordered by last reception: walking from the newest, the first trace that is
    // unchanged since it was linted means every older one is unchanged too.
    let changed = true;
    for (let i = ids.length - 1; i >= 0 && (changed || window.length < NAME_WINDOW_SPANS); i--) {
      const trace = store.peekTrace(ids[i]);
      if (!trace) continue;
      if (changed && this.linted.get(ids[i]) === trace.spans.length) changed = false;
      if (changed && fresh.length < MAX_NEW_SPANS) {
        for (const span of trace.spans) fresh.push(span);
        this.linted.set(ids[i], trace.spans.length);
      }
      if (window.length < NAME_WINDOW_SPANS) for (const span of trace.spans) window.push(span);
    }
    const perSpan = await lintSpanAttributes(fresh, this.settings());
    if (generation !== this.generation) return;
    for (const r of perSpan) {
      const key = findingKey(r.finding);
      this.localSpans.delete(key); // re-insert: the newest sample, and last in eviction order
      this.localSpans.set(key, r);
    }
    for (const key of this.localSpans.keys()) {
      if (this.localSpans.size <= MAX_KEPT) break;
      this.localSpans.delete(key);
    }
    // Each step below walks every trace held or a window of spans: a turn of its own.
    await takeTurn();
    if (generation !== this.generation) return;
    // Findings last only as long as their evidence: drop those whose trace the store evicted.
    const held = new Set(ids);
    for (const [key, r] of this.localSpans) if (!held.has(r.finding.span.traceId)) this.localSpans.delete(key);
    for (const id of this.linted.keys()) if (!held.has(id)) this.linted.delete(id);
    await takeTurn();
    if (generation !== this.generation) return;
    this.localNames = lintSpanNames(window.reverse(), this.settings());
    this.publishing = this.publish();
    await this.publishing;
  }

  private async publish(): Promise<void> {
    const generation = this.generation;
    let results = [...this.localNames, ...this.localSpans.values(), ...this.remote];
    if (results.length > MAX_PUBLISHED) {
      // Debug level: this repeats on every run while the spans keep arriving.
      this.log.debug(`Lint: ${results.length} findings in received telemetry; showing the first ${MAX_PUBLISHED}`);
      results = results.slice(0, MAX_PUBLISHED);
    }
    const texts = new Map<string, string | undefined>();
    const placed: Array<{ result: LiveResult; uri?: vscode.Uri; range?: vscode.Range }> = [];
    for (const result of results) {
      const place = await this.locator.locate(result.finding, texts);
      placed.push({ result, uri: place?.uri, range: place?.range });
    }
    if (generation !== this.generation || !this.settings().enabled) return;
    const samples: LiveFindingSample[] = placed.map((p) => ({
      finding: p.result.finding,
      span: p.result.span,
      placedAt: p.uri && p.range ? `${vscode.workspace.asRelativePath(p.uri)}:${p.range.start.line + 1}` : undefined,
    }));
    const s = this.settings();
    const sources = [
      this.localSpans.size + this.localNames.length > 0 || this.backends.type === 'local' ? 'spans received by the built-in OTLP receiver' : '',
      this.remote.length > 0 ? (this.remoteSource ?? '') : '',
    ].filter(Boolean);
    const headings = this.document.update(samples, {
      matcher: new SensitiveKeyMatcher({ sensitiveKeys: s.sensitiveKeys, allowedKeys: s.allowedKeys }),
      source: sources.join(' and ') || 'none',
    });
    const entries: Array<{ uri: vscode.Uri; diagnostic: vscode.Diagnostic; meta: DiagnosticMeta }> = [];
    placed.forEach((p, i) => {
      const f = p.result.finding;
      const meta: DiagnosticMeta = { ruleId: f.ruleId };
      if (f.ruleId === 'SD001' && f.attributeKey) meta.attributeKey = f.attributeKey;
      const sampleRange = new vscode.Range(headings[i], 0, headings[i], 200);
      if (p.uri && p.range) {
        const d = createDiagnostic(f.ruleId, f.severity, `${clean(f.message, 500)} (seen in received span "${clean(f.span.name, 100)}" of ${clean(f.span.serviceName, 100)})`, p.range);
        d.relatedInformation = [new vscode.DiagnosticRelatedInformation(new vscode.Location(FINDINGS_URI, sampleRange), 'Sample span')];
        entries.push({ uri: p.uri, diagnostic: d, meta });
      } else {
        entries.push({ uri: FINDINGS_URI, diagnostic: createDiagnostic(f.ruleId, f.severity, clean(f.message, 500), sampleRange), meta });
      }
    });
    this.store.setLive(entries);
  }
}

