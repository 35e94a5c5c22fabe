/**
 * The waterfall's flame-graph toggle: the same columns drawn as a flame graph (webview/flame),
 * sharing the waterfall's selection, search, service filter and detail pane. The layout is computed from the
 * columns the first time the graph is shown (one pass over the rows), never on the host.
 */
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import { layoutFlame } from '../../src/core/flame/flameLayout';
import { SPAN_KINDS, SpanFlag, type WaterfallColumns } from '../../src/core/waterfall/columnLayout';
import { FlameGraph, type FlameData } from '../flame/flameGraph';
import { formatDuration } from './timeFormat';
import { countOf } from '../../src/core/text/plural';

export interface TraceFlameHost {
  /** A frame was clicked: select its span and show its detail. */
  select(row: number): void;
  open(row: number): void;
  /** The graph was shown or hidden (the waterfall's rows hide while it shows). */
  toggled(shown: boolean): void;
}

/** The waterfall's columns as a flame graph's data: one frame per span, as wide as its duration. */
export function traceFlameData(c: WaterfallColumns, names: string[], services: string[]): FlameData {
  const tree = { count: c.rowCount, parent: c.parent, subtreeSize: c.subtreeSize, depth: c.depth, value: c.durationNs };
  const layout = layoutFlame(tree);
  return {
    tree,
    layout,
    label: (i) => names[c.name[i]] ?? '',
    color: (i) => c.service[i],
    isError: (i) => (c.flags[i] & SpanFlag.error) !== 0,
    describe: (i) => {
      const kids = c.subtreeSize[i] - 1;
      const lines = [
        `${services[c.service[i]] ?? ''} · ${names[c.name[i]] ?? ''}`,
        `total ${formatDuration(c.durationNs[i])} · self ${formatDuration(c.selfNs[i])} · ${(layout.width[i] * 100).toPrecision(3)} % of the width`,
        `${SPAN_KINDS[c.kind[i]] ?? 'unspecified'}${kids > 0 ? ` · ${kids.toLocaleString('en-US')} descendants` : ''}${c.flags[i] & SpanFlag.error ? ' · error' : ''}`,
      ];
      return lines;
    },
  };
}

export class TraceFlameView {
  readonly toggle: HTMLElement & { checked: boolean };
  readonly graph: FlameGraph;
  private source: { columns: WaterfallColumns; names: string[]; services: string[] } | undefined;
  private drawn = false;
  private isShown = false;
  /** The waterfall's selection and search, kept while the graph is hidden and applied when it shows. */
  private row = -1;
  private mask: Uint8Array | undefined;
  /** The legend's hidden services (index → 1) and how many there are. */
  private hiddenServices: Uint8Array | undefined;
  private hiddenServiceCount = 0;

  constructor(private readonly host: TraceFlameHost) {
    this.graph = new FlameGraph({ select: (row) => host.select(row), open: (row) => host.open(row) }, 'Flame graph of the trace: arrow keys move between frames, Enter shows the span');
    this.graph.element.hidden = true;
    const toggle = document.createElement('vscode-checkbox') as HTMLElement & { checked: boolean };
    toggle.setAttribute('label', 'Flame graph');
    toggle.title = 'Show the trace as a flame graph: each span as wide as its duration, under its parent';
    toggle.className = 'wf-flame-toggle';
    toggle.addEventListener('change', () => this.show(toggle.checked));
    this.toggle = toggle;
  }

  get element(): HTMLElement { return this.graph.element; }
  get shown(): boolean { return this.isShown; }

  setTrace(columns: WaterfallColumns, names: string[], services: string[]): void {
    this.source = { columns, names, services };
    this.drawn = false;
    this.row = -1;
    this.mask = undefined;
    this.hiddenServices = undefined;
    this.hiddenServiceCount = 0;
    if (this.isShown) this.ensureData();
  }

  show(on: boolean): void {
    this.isShown = on;
    this.toggle.checked = on;
    this.graph.element.hidden = !on;
    this.host.toggled(on);
    if (on) {
      this.ensureData();
      this.graph.draw();
      performance.mark('wf-flame-shown');
    }
  }

  /** The waterfall's selection moved: follow it, zooming out to it if it came from elsewhere. */
  selected(row: number): void {
    this.row = row;
    if (this.drawn && this.graph.selectedFrame !== row) this.graph.setSelected(row, true);
  }

  setMatches(mask: Uint8Array): void {
    this.mask = mask;
    if (this.drawn) this.graph.setMatches(mask);
  }

  /** The waterfall's service filter changed: the frames of hidden services are hidden too. */
  setHiddenServices(hidden: Uint8Array, count: number): void {
    this.hiddenServices = hidden;
    this.hiddenServiceCount = count;
    if (this.drawn) this.applyHidden();
  }

  private applyHidden(): void {
    const hidden = this.hiddenServices;
    const c = this.source?.columns;
    if (!c || !hidden || this.hiddenServiceCount === 0) { this.graph.setHidden(undefined); return; }
    const rows = new Uint8Array(c.rowCount);
    for (let i = 0; i < c.rowCount; i++) rows[i] = hidden[c.service[i]];
    const n = this.hiddenServiceCount;
    this.graph.setHidden(rows, `${countOf(n, 'service')} hidden: their spans are outlines`);
  }

  private ensureData(): void {
    if (this.drawn || !this.source) return;
    const { columns, names, services } = this.source;
    this.graph.setData(traceFlameData(columns, names, services));
    this.drawn = true;
    if (this.mask) this.graph.setMatches(this.mask);
    this.applyHidden();
    if (this.row >= 0) this.graph.setSelected(this.row, true);
  }
}
