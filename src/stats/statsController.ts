import * as vscode from 'vscode';
import type { BackendController } from '../backends/backendController';
import type { LatencyQuantiles } from '../core/model/latencyQuantiles';
import type { TimeRange } from '../core/model/timeRange';
import type { TraceBackend } from '../core/backends/traceBackend';
import { CancelledError, isCancellation } from '../core/errors';
import { InsightPass } from '../core/insights/insightDetector';
import { findingsByLocation, groupInsights, type InsightFinding } from '../core/insights/locationInsights';
import { FunctionLensIndex } from '../core/stats/functionLensIndex';
import type { LocationStats } from '../core/stats/latencyStats';
import { formatLookback } from '../core/stats/lookback';
import { locateOperations, mergeLocationStats, statsFromServerQuantiles, unlocatedOperations } from '../core/stats/serverQuantiles';
import { aggregateSpans, aggregateSpansSteps } from '../core/stats/spanAggregator';
import { SampleCache } from '../core/stats/sampleCache';
import { LocalRefreshThrottle, pickSampledServices, RemoteRefreshSchedule, SAMPLING_BUDGET, sampledTraceBudget, slideStepMs } from '../core/stats/refreshPolicy';
import { drawSpreadSample, exampleSpans, sampleRecentTraces, type RemoteSample } from '../core/stats/remoteSample';
import { quantileMethodText, sampleBasis } from '../core/stats/statsBasis';
import { runSliced } from '../core/timeSlicing';
import { describeError } from '../ui/errorPresenter';
import { affectsInsights, readInsightSettings, type InsightSettings } from '../config/insightSettings';
import type { ReceiverController } from '../receiver/receiverController';
import type { OutlineParser } from '../source/outlineClient';
import { QualifiedNameFiles } from '../source/qualifiedNameFiles';
import type { SourceMapping } from '../source/sourceMapping';
import { affectsStatistics, readLatencySettings, type LatencySettings } from './statsSettings';
import { countOf } from '../core/text/plural';

export interface LatencyDependencies {
  log: vscode.LogOutputChannel;
  backends: BackendController;
  receiver: ReceiverController;
  sourceMapping: SourceMapping;
}

/** What the statistics currently are and where they came from; read by Explain Source Mapping and the refresh command. */
export interface StatsSummary {
  locations: number;
  /** Locations whose file was not found in the workspace. */
  unresolved: number;
  /** Where the figures come from; undefined until the first refresh since start or a backend change has finished. */
  origin?: string;
  generatedAtMs?: number;
  lookbackMs: number;
  /** The last refresh failed: the figures are from the last one that worked. */
  lastError?: string;
  sampled?: string;
}

/**
 * Keeps the per-location latency statistics of the current backend and the lens index the editor
 * paths read from. Local receiver: recomputed from the store when spans change (throttled) and on a
 * timer, so the window slides. Remote backends: refreshed in the background with backoff on errors;
 * the last good result keeps serving while the backend is unreachable.
 */
export class StatsController implements vscode.Disposable {
  private index: FunctionLensIndex | undefined;
  private indexResolver: unknown;
  private locations: LocationStats[] = [];
  /** Performance insights of the same pass, every rule (the settings' `off` is applied when read). */
  private findings: InsightFinding[] = [];
  private insightSettings: InsightSettings = readInsightSettings();
  /** Counts detection runs: a run finishing after a newer one started drops its result. */
  private insightRun = 0;
  private settings: LatencySettings = readLatencySettings();
  private origin: string | undefined;
  private sampled: string | undefined;
  private generatedAtMs: number | undefined;
  private lastError: string | undefined;
  private lastFired = '';
  private lastLogged = '';
  private localTimer: ReturnType<typeof setTimeout> | undefined;
  /** The pass over the store under way, and whether another was asked for meanwhile. */
  private localPass: Promise<void> | undefined;
  private localPassAgain = false;
  private readonly localThrottle = new LocalRefreshThrottle();
  private slideTimer: ReturnType<typeof setInterval> | undefined;
  private readonly remoteSchedule = new RemoteRefreshSchedule();
  private remoteRun: { controller: AbortController; promise: Promise<void> } | undefined;
  /** Services whose spans mapped to workspace files: sampled first when `traceLens.serviceNames` is empty. */
  private readonly mappedServices = new Set<string>();
  /** Spread samples per backend origin: a refresh searches only the slice that is new since the last. */
  private readonly sampleCache = new SampleCache();
  private templateWarned = '';
  private disposed = false;
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when lenses or hovers may differ (statistics, source mapping, template). */
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [];
  /** Where the workspace declares the functions that spans name only by qualified name. */
  private readonly qualifiedFiles: QualifiedNameFiles;

  /** `outlines` parses the files searched for qualified names (off the host thread). */
  constructor(
    private readonly deps: LatencyDependencies,
    outlines: OutlineParser,
  ) {
    this.qualifiedFiles = new QualifiedNameFiles(deps.sourceMapping, outlines, deps.log);
    this.disposables.push(
      this.changed,
      this.qualifiedFiles,
      this.qualifiedFiles.onDidChange(() => {
        this.index?.setQualifiedResolutions(this.qualifiedFiles.resolutions);
        this.fireIfChanged(true);
      }),
      deps.receiver.onDidChangeSpans(() => {
        if (deps.backends.type === 'local') this.scheduleLocal();
      }),
      deps.backends.onDidChangeBackend(() => this.onBackendChanged()),
      deps.sourceMapping.onDidChange(() => void this.onMappingChanged()),
      // git answered (or a file was saved): lines recorded at a revision may now land elsewhere.
      deps.sourceMapping.revisionLines.onDidChange(() => void this.onMappingChanged()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (affectsStatistics(e)) {
          this.settings = readLatencySettings();
          if (this.settings.lookbackProblem) deps.log.warn(this.settings.lookbackProblem);
          this.onBackendChanged();
        } else if (e.affectsConfiguration('traceLens.codeLens.format')) {
          this.settings = readLatencySettings();
          this.applyTemplate();
          this.fireIfChanged();
        }
        if (affectsInsights(e)) this.onInsightSettingsChanged();
      }),
    );
    this.restartSlideTimer();
    void this.createIndex();
  }

  /** The lens index, once the workspace file index is built; undefined before (the editor paths show nothing yet). */
  get lensIndex(): FunctionLensIndex | undefined {
    return this.index;
  }

  get currentSettings(): LatencySettings {
    return this.settings;
  }

  get allLocations(): readonly LocationStats[] {
    return this.locations;
  }

  /** The performance insights of the last pass, without the rules switched off and the services not of this workspace. */
  get insightFindings(): readonly InsightFinding[] {
    if (!this.insightSettings.enabled) return [];
    const services = this.settings.serviceNames;
    return this.findings.filter((f) => this.insightSettings.rules[f.ruleId] !== 'off' && (services.length === 0 || services.includes(f.serviceName)));
  }

  get currentInsightSettings(): InsightSettings {
    return this.insightSettings;
  }

  /** Where a location's line is in the working tree, when its revision's diff is already known (no I/O). */
  currentLine(path: string, location: { lineNumber?: number; revision?: string }): number | undefined {
    const { lineNumber, revision } = location;
    if (lineNumber === undefined || revision === undefined) return lineNumber;
    return this.deps.sourceMapping.revisionLines.cachedLine(path, lineNumber, revision) ?? lineNumber;
  }

  /** The workspace file a path from span data maps to, if the workspace index is ready (no I/O). */
  resolve(filePath: string): string | undefined {
    return this.deps.sourceMapping.resolverIfReady()?.resolve(filePath).resolved;
  }

  statsFor(locationKey: string): LocationStats | undefined {
    return this.index?.statsFor(locationKey) ?? this.locations.find((l) => l.keyString === locationKey);
  }

  summary(): StatsSummary {
    const s: StatsSummary = {
      locations: this.locations.length,
      unresolved: this.index?.unresolved().length ?? 0,
      origin: this.origin,
      lookbackMs: this.settings.lookbackMs,
    };
    if (this.generatedAtMs !== undefined) s.generatedAtMs = this.generatedAtMs;
    if (this.lastError !== undefined) s.lastError = this.lastError;
    if (this.sampled !== undefined) s.sampled = this.sampled;
    return s;
  }

  /** Recomputes now (local) or refetches (remote); `traceLens.refresh` runs this under a progress notification. */
  async refresh(signal?: AbortSignal): Promise<StatsSummary> {
    await this.deps.backends.ready;
    if (this.deps.backends.type === 'local') {
      // A pass under way may have started before the last spans arrived: the refresh is a pass after it.
      if (this.localPass) await this.localPass;
      await this.computeLocal();
    } else {
      this.remoteRun?.controller.abort(new CancelledError());
      this.remoteRun = undefined;
      await this.runRemote(signal);
    }
    return this.summary();
  }

  dispose(): void {
    this.disposed = true;
    if (this.localTimer) clearTimeout(this.localTimer);
    if (this.slideTimer) clearInterval(this.slideTimer);
    this.remoteRun?.controller.abort(new CancelledError());
    for (const d of this.disposables) d.dispose();
  }

  private async createIndex(): Promise<void> {
    try {
      const resolver = await this.deps.sourceMapping.resolver();
      if (this.disposed) return;
      if (this.index && this.indexResolver === resolver) return;
      const lines = this.deps.sourceMapping.revisionLines;
      this.index = new FunctionLensIndex(resolver, { lookbackMs: this.settings.lookbackMs, lineFor: (path, line, revision) => lines.cachedLine(path, line, revision) });
      this.indexResolver = resolver;
      this.applyTemplate();
      this.index.setQualifiedResolutions(this.qualifiedFiles.resolutions);
      this.index.setStats(this.locations, this.settings.lookbackMs);
      this.applyInsights();
      this.qualifiedFiles.want(this.index.qualifiedNamesToResolve());
      this.fireIfChanged(true);
    } catch (err) {
      this.deps.log.error(`Could not index the workspace for source mapping: ${describeError(err)}`);
    }
  }

  private async onMappingChanged(): Promise<void> {
    if (!this.deps.sourceMapping.resolverIfReady()) {
      // The workspace index was reset (folders changed): build the lens index on the new resolver.
      await this.createIndex();
      return;
    }
    // Re-placing is cheap (the resolver caches per version); a new statistics generation makes the
    // index drop its per-document cache even when the mapping changed without a version change.
    this.index?.setStats(this.locations, this.settings.lookbackMs);
    this.fireIfChanged(true);
  }

  private onBackendChanged(): void {
    this.remoteRun?.controller.abort(new CancelledError());
    this.remoteRun = undefined;
    this.remoteSchedule.reset();
    this.lastError = undefined;
    this.sampled = undefined;
    this.mappedServices.clear();
    // Figures of another backend or window would be misleading: start empty, refill at once.
    this.setLocations([], undefined, []);
    this.restartSlideTimer();
    if (this.deps.backends.type === 'local') this.scheduleLocal(true);
    else void this.runRemote().catch(() => undefined);
  }

  private restartSlideTimer(): void {
    if (this.slideTimer) clearInterval(this.slideTimer);
    this.slideTimer = setInterval(() => this.onTick(), slideStepMs(this.settings.lookbackMs));
  }

  private onTick(): void {
    if (this.deps.backends.type === 'local') {
      if (this.locations.length > 0 || this.deps.receiver.spanStore.counts.spansHeld > 0) this.scheduleLocal();
    } else if (!this.remoteRun && this.remoteSchedule.isDue()) {
      void this.runRemote().catch(() => undefined);
    }
  }

  private scheduleLocal(now = false): void {
    if (this.localTimer) {
      if (!now) return;
      clearTimeout(this.localTimer);
    }
    const delay = now ? 0 : this.localThrottle.delayMs();
    this.localTimer = setTimeout(() => {
      this.localTimer = undefined;
      if (!this.disposed && this.deps.backends.type === 'local') void this.computeLocal();
    }, delay);
  }

  /**
   * One pass over the store (~50 ms of CPU at 100k spans), in slices so the host keeps answering
   * while spans pour in, and throttled, so it is never held often. A pass asked for while one runs
   * follows it.
   */
  private computeLocal(): Promise<void> {
    if (this.localTimer) {
      clearTimeout(this.localTimer);
      this.localTimer = undefined;
    }
    if (this.localPass) {
      this.localPassAgain = true;
      return this.localPass;
    }
    this.localPass = this.passOverStore().finally(() => {
      this.localPass = undefined;
      if (this.localPassAgain && !this.disposed) {
        this.localPassAgain = false;
        this.scheduleLocal();
      }
    });
    return this.localPass;
  }

  private async passOverStore(): Promise<void> {
    const startedMs = this.localThrottle.started();
    const store = this.deps.receiver.spanStore;
    try {
      // The insights see the same spans in the same iteration: no second pass over the store.
      const pass = this.insightPass(startedMs);
      const snapshot = await runSliced(aggregateSpansSteps(pass ? pass.spans(store.allSpans()) : store.allSpans(), {
        nowMs: Date.now(),
        lookbackMs: this.settings.lookbackMs,
        services: this.settings.serviceNames,
      }));
      // Switched to a remote backend meanwhile: its figures are not to be replaced by these.
      if (this.disposed || this.deps.backends.type !== 'local') return;
      const took = this.localThrottle.statsDone();
      if (took > 100) this.deps.log.debug(`Latency statistics of ${snapshot.spansSeen} spans took ${took} ms; next pass in ${this.localThrottle.throttleMs} ms at the earliest`);
      this.lastError = undefined;
      this.setLocations(snapshot.locations, `the built-in OTLP receiver (${snapshot.spansSeen} spans held, ${snapshot.spansIgnored} outside the window or of other services)`);
      if (pass) void this.detectLocal(pass, took);
    } catch (err) {
      this.lastError = describeError(err);
      this.deps.log.error(`Could not compute latency statistics: ${this.lastError}`);
    }
  }

  private runRemote(outer?: AbortSignal): Promise<void> {
    const controller = new AbortController();
    const onAbort = (): void => controller.abort(outer?.reason ?? new CancelledError());
    outer?.addEventListener('abort', onAbort, { once: true });
    const promise = (async () => {
      try {
        await this.deps.backends.ready;
        await this.computeRemote(controller.signal);
        this.remoteSchedule.succeeded();
        this.lastError = undefined;
      } catch (err) {
        if (isCancellation(err) || controller.signal.aborted) throw err instanceof Error ? err : new CancelledError();
        const wait = this.remoteSchedule.failed();
        this.lastError = describeError(err);
        this.deps.log.warn(`Latency statistics not refreshed (${this.lastError}); ${this.locations.length > 0 ? 'the last result keeps showing; ' : ''}retrying in ${Math.round(wait / 1000)} s`);
        this.fireIfChanged();
        throw err;
      } finally {
        outer?.removeEventListener('abort', onAbort);
        if (this.remoteRun?.controller === controller) this.remoteRun = undefined;
      }
    })();
    this.remoteRun = { controller, promise };
    return promise;
  }

  private async computeRemote(signal: AbortSignal): Promise<void> {
    const backend = this.deps.backends.current();
    const settings = this.settings;
    const now = Date.now();
    const range: TimeRange = { startMs: now - settings.lookbackMs, endMs: now };
    const services = settings.serviceNames.length > 0 ? settings.serviceNames : await this.pickServices(backend, signal);
    if (signal.aborted) throw new CancelledError();

    // Server figures (Tempo's TraceQL metrics, Jaeger's SPM) cover every call; an empty answer
    // (e.g. Jaeger without SPM) means sampling alone, with no error shown.
    let quantiles: LatencyQuantiles[] = [];
    if (backend.latencyStats) {
      try {
        quantiles = await backend.latencyStats({ range, services: settings.serviceNames, signal });
      } catch (err) {
        // Server figures failing (e.g. SPM's Prometheus down) must not stop the sample from showing.
        if (isCancellation(err) || signal.aborted) throw err;
        this.deps.log.warn(`Server latency figures unavailable (${describeError(err)}); sampling traces instead`);
      }
      if (signal.aborted) throw new CancelledError();
    }
    const skipped = (message: string, err: unknown): void => this.deps.log.debug(`${message}: ${describeError(err)}`);
    const sample: RemoteSample = quantiles.length === 0 && backend.searchTraces
      ? await drawSpreadSample(backend, this.deps.backends.describe(), this.sampleCache, services, range, signal, (message) => this.deps.log.debug(message))
      : await sampleRecentTraces(backend, services, range, sampledTraceBudget(quantiles.length > 0), signal, skipped);
    if (signal.aborted) throw new CancelledError();
    // Per-operation rows (Jaeger SPM) land on code through the code.* of sampled spans; operations
    // the sample missed get one example trace each, a few at most.
    let located = locateOperations(quantiles, sample.spans);
    const missing = unlocatedOperations(located).slice(0, SAMPLING_BUDGET.maxOperationExamples);
    if (missing.length > 0) {
      const extra = await exampleSpans(backend, missing, range, signal, skipped);
      if (extra.length > 0) located = locateOperations(located, extra);
    }
    const server = statsFromServerQuantiles(located, range);
    const serverNote = server.length > 0 ? `server figures for ${countOf(server.length, 'location')} (${quantileMethodText(server[0].basis)}); ` : '';
    // Figures from sampled traces describe the sample: say so, with its size and what the search saw.
    const basis = sampleBasis(sample.traces, sample.found, sample.complete === true);
    const pass = this.insightPass(now);
    const local = aggregateSpans(pass ? pass.spans(sample.spans) : sample.spans, { nowMs: now, lookbackMs: settings.lookbackMs, services: settings.serviceNames }).locations.map((l) => ({ ...l, basis }));
    // Found in the sample only: the findings say so wherever they are shown.
    const findings = pass ? groupInsights(await runSliced(pass.finishSteps()), true) : [];
    if (signal.aborted) throw new CancelledError();
    this.rememberMappedServices(local);
    const merged = mergeLocationStats(local, server);
    this.sampled = `${serverNote}${countOf(sample.traces, 'trace')} (${countOf(sample.spans.length, 'span')}) sampled from ${services.length > 0 ? services.join(', ') : 'no service'}${sample.failed > 0 ? `; ${sample.failed} could not be fetched` : ''}`;
    this.deps.log.info(`Latency statistics from ${this.deps.backends.describe()}: ${this.sampled}`);
    this.setLocations(merged, this.deps.backends.describe(), findings);
  }

  /** Services to sample when `traceLens.serviceNames` is empty: those that mapped to workspace files before, then the rest, a few at most. */
  private async pickServices(backend: TraceBackend, signal: AbortSignal): Promise<string[]> {
    const all = await backend.services(signal);
    const picked = pickSampledServices(all, this.mappedServices);
    if (all.length > picked.length) {
      this.deps.log.info(`Sampling ${picked.length} of ${all.length} services for latency statistics (${picked.join(', ')}); set "traceLens.serviceNames" to choose`);
    }
    return picked;
  }

  private rememberMappedServices(local: readonly LocationStats[]): void {
    const resolver = this.deps.sourceMapping.resolverIfReady();
    if (!resolver) return;
    for (const s of local) {
      if (s.location.filePath !== undefined && resolver.resolve(s.location.filePath).resolved !== undefined) {
        for (const service of s.services) this.mappedServices.add(service);
      }
    }
  }

  /** `findings`: the insights of the same pass when known now; the last ones are kept otherwise (the local pass finds them after). */
  private setLocations(locations: LocationStats[], origin: string | undefined, findings?: InsightFinding[]): void {
    this.locations = locations;
    if (findings) {
      this.insightRun++;
      this.findings = findings;
    }
    this.origin = origin;
    this.generatedAtMs = origin === undefined ? undefined : Date.now();
    this.index?.setStats(locations, this.settings.lookbackMs);
    this.applyInsights();
    if (this.index) this.qualifiedFiles.want(this.index.qualifiedNamesToResolve());
    this.logStatus();
    this.fireIfChanged(true);
  }

  /**
   * The detectors over the traces the local statistics pass just read, in slices with turns of the
   * event loop between them; the time they take slows the next pass like the statistics' own.
   */
  private async detectLocal(pass: InsightPass, statsMs: number): Promise<void> {
    const run = ++this.insightRun;
    const t0 = Date.now();
    try {
      const insights = await runSliced(pass.finishSteps());
      if (run !== this.insightRun || this.disposed) return;
      const took = Date.now() - t0;
      this.localThrottle.insightsDone(statsMs, took);
      if (took > 100) this.deps.log.debug(`Performance insights took ${took} ms in slices; next pass in ${this.localThrottle.throttleMs} ms at the earliest`);
      this.findings = groupInsights(insights, false);
      this.applyInsights();
      this.fireIfChanged(true);
    } catch (err) {
      this.deps.log.error(`Could not find performance insights: ${describeError(err)}`);
    }
  }

  /** The detectors' pass over the statistics window, or none when insights are off. */
  private insightPass(nowMs: number): InsightPass | undefined {
    if (!this.insightSettings.enabled) return undefined;
    return new InsightPass({}, BigInt(Math.floor(nowMs - this.settings.lookbackMs)) * 1_000_000n);
  }

  private applyInsights(): void {
    this.index?.setInsights(findingsByLocation(this.insightFindings));
  }

  /** Severities and `off` apply at once; switching insights on computes them now. */
  private onInsightSettingsChanged(): void {
    const wasEnabled = this.insightSettings.enabled;
    this.insightSettings = readInsightSettings();
    this.applyInsights();
    this.fireIfChanged(true);
    if (this.insightSettings.enabled && !wasEnabled) {
      if (this.deps.backends.type === 'local') this.scheduleLocal(true);
      else if (!this.remoteRun) void this.runRemote().catch(() => undefined);
    }
  }

  private applyTemplate(): void {
    if (!this.index) return;
    const template = this.settings.lensTemplate;
    try {
      this.index.setTemplate(template);
      this.templateWarned = '';
    } catch (err) {
      // Keep the previous template: a typo in settings must not blank every lens.
      const message = describeError(err);
      this.deps.log.warn(message);
      if (this.templateWarned !== template) {
        this.templateWarned = template;
        void vscode.window.showWarningMessage(`Trace Lens: ${message}`, 'Open Settings').then((choice) => {
          if (choice) void vscode.commands.executeCommand('workbench.action.openSettings', 'traceLens.codeLens.format');
        });
      }
    }
  }

  /** One log line whenever the number of locations (or how many map to workspace files) changes. */
  private logStatus(): void {
    const total = this.locations.length;
    const unresolved = this.index?.unresolved().length ?? 0;
    // Nothing computed yet (start-up, a backend change): the first refresh logs.
    if (this.origin === undefined) return;
    const key = `${total}:${unresolved}:${this.origin.split(' (')[0]}`;
    if (key === this.lastLogged) return;
    this.lastLogged = key;
    if (total === 0) {
      this.deps.log.info(`Latency statistics: no locations with spans in the last ${formatLookback(this.settings.lookbackMs)} from ${this.origin}`);
      return;
    }
    this.deps.log.info(`Latency statistics: ${total} location(s) from ${this.origin}; ${total - unresolved} not refused by path mapping, ${unresolved} with a file outside the workspace`);
    if (unresolved === total) {
      this.deps.log.info('No location maps to a workspace file, so no lens shows: run "Trace Lens: Explain Source Mapping" to see why, and add "traceLens.pathMappings" if the service ran from another directory.');
    }
  }

  private fireIfChanged(force = false): void {
    const g = this.index?.generation ?? '';
    if (!force && g === this.lastFired) return;
    this.lastFired = g;
    this.changed.fire();
  }
}
