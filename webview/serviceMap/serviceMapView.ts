/**
 * <service-map>: the services as boxes and the calls between them as arrows, laid out here with dagre
 * (serviceMapLayout.ts: in the webview's process, not on the extension host) and drawn in SVG. Names reach the page only through textContent after
 * visibleText; nodes and edges are focusable and answer Enter as a click. Geometry goes through
 * SVG attributes, never style attributes (the CSP allows no inline style).
 */
import { layoutServiceMap } from '../../src/core/serviceMap/serviceMapLayout';
import { MAX_LABEL_CHARS, type PlacedEdge, type PlacedNode } from '../../src/core/serviceMap/serviceMapTypes';
import type { ServiceMapMessage } from '../../src/core/protocol/serviceMapProtocol';
import { ViewElement } from '../shared/viewElement';
import { el, visibleText } from '../waterfall/dom';
import { formatDuration } from '../waterfall/timeFormat';
import { countOf } from '../../src/core/text/plural';

const SVG = 'http://www.w3.org/2000/svg';

export interface ServiceMapHost {
  searchService(service: string): void;
  edgeTraces(from: string, to: string): void;
}

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>, className?: string): SVGElementTagNameMap[K] {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (className) node.setAttribute('class', className);
  return node;
}

function label(name: string): string {
  const text = visibleText(name);
  return text.length > MAX_LABEL_CHARS ? `${text.slice(0, MAX_LABEL_CHARS - 1)}…` : text;
}

function percent(rate: number): string {
  return `${(rate * 100).toFixed(rate > 0 && rate < 0.1 ? 1 : 0)} %`;
}

export class ServiceMapElement extends ViewElement<ServiceMapHost> {
  protected readonly cssPrefix = 'sm';
  private canvas!: HTMLElement;
  private resizeObserver: ResizeObserver | undefined;

  protected build(): void {
    this.canvas = el('div', 'sm-canvas');
    this.append(this.status, this.header, this.canvas);
    const activate = (e: Event) => {
      const target = (e.target as Element).closest('[data-service], [data-from]');
      if (!target || !this.host) return;
      const service = target.getAttribute('data-service');
      if (service !== null) this.host.searchService(service);
      else this.host.edgeTraces(target.getAttribute('data-from') ?? '', target.getAttribute('data-to') ?? '');
    };
    this.canvas.addEventListener('click', activate);
    this.canvas.addEventListener('keydown', (e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); activate(e); } });
  }

  setStatus(message: string, error: boolean): void {
    this.showStatus(message, error);
    if (error) { this.header.hidden = true; this.canvas.hidden = true; }
  }

  setMap(msg: ServiceMapMessage): void {
    const l = layoutServiceMap(msg.map);
    this.status.hidden = true;
    this.header.hidden = false;
    this.canvas.hidden = false;
    this.header.replaceChildren(el('p', 'sm-summary',
      `${countOf(l.nodes.length, 'service')} · ${countOf(l.edges.length, 'call path')} · from ${countOf(l.traceCount, 'trace')} (${countOf(l.spanCount, 'span')}) of ${visibleText(msg.source)}. Click a service to search its traces, an arrow for example calls.`));
    if (l.nodes.length === 0) {
      this.canvas.replaceChildren(el('p', 'sm-empty', 'No traces yet: the map shows the services of the traces received.'));
      return;
    }
    // Drawn at its size, or scaled down to fit the panel when bigger (viewBox), never up.
    const root = svg('svg', { viewBox: `0 0 ${l.width} ${l.height}`, preserveAspectRatio: 'xMidYMin meet', role: 'group' }, 'sm-graph');
    const fit = () => {
      const scale = Math.min(1, this.canvas.clientWidth / Math.max(1, l.width), this.canvas.clientHeight / Math.max(1, l.height));
      root.setAttribute('width', String(Math.floor(l.width * scale)));
      root.setAttribute('height', String(Math.floor(l.height * scale)));
    };
    this.resizeObserver?.disconnect();
    this.resizeObserver = new ResizeObserver(fit);
    this.resizeObserver.observe(this.canvas);
    root.setAttribute('aria-label', 'Service map');
    const defs = svg('defs', {});
    const marker = svg('marker', { id: 'sm-arrow', viewBox: '0 0 10 10', refX: 10, refY: 5, markerWidth: 8, markerHeight: 8, orient: 'auto-start-reverse' });
    marker.append(svg('path', { d: 'M 0 0 L 10 5 L 0 10 z' }, 'sm-arrowhead'));
    defs.append(marker);
    root.append(defs, ...l.edges.filter((e) => e.points.length >= 2).map((e) => this.edge(e)), ...l.nodes.map((n) => this.node(n)));
    this.canvas.replaceChildren(root);
    fit();
  }

  private edge(e: PlacedEdge): SVGGElement {
    const g = svg('g', { tabindex: 0, role: 'button', 'data-from': e.from, 'data-to': e.to }, `sm-edge${e.errors > 0 ? ' sm-edge-error' : ''}`);
    const summary = `${e.calls} calls · ${percent(e.errorRate)} errors · p95 ${formatDuration(e.p95Ns)}`;
    g.setAttribute('aria-label', visibleText(`${e.from} calls ${e.to}: ${summary}`));
    const d = e.points.map((p, i) => `${i === 0 ? 'M' : 'L'} ${p.x} ${p.y}`).join(' ');
    const title = svg('title', {});
    title.textContent = visibleText(`${e.from} → ${e.to}\n${summary}`);
    g.append(title, svg('path', { d }, 'sm-edge-hit'), svg('path', { d, 'marker-end': 'url(#sm-arrow)' }, 'sm-edge-line'));
    const mid = e.points[Math.floor(e.points.length / 2)];
    const text = svg('text', { x: mid.x + 6, y: mid.y }, 'sm-edge-label');
    text.textContent = `${e.calls} · ${percent(e.errorRate)} err · p95 ${formatDuration(e.p95Ns)}`;
    g.append(text);
    return g;
  }

  private node(n: PlacedNode): SVGGElement {
    const g = svg('g', { tabindex: 0, role: 'button', 'data-service': n.name, transform: `translate(${n.x - n.width / 2} ${n.y - n.height / 2})` },
      `sm-node${n.external ? ' sm-node-external' : ''}${n.errorCount > 0 ? ' sm-node-error' : ''}`);
    g.setAttribute('aria-label', visibleText(`${n.name}: ${n.spanCount} spans, ${n.errorCount} errors`));
    const title = svg('title', {});
    title.textContent = visibleText(`${n.name}\n${n.external ? 'called, sends no spans' : `${n.spanCount} spans · ${n.errorCount} errors`}`);
    const name = svg('text', { x: n.width / 2, y: 18 }, 'sm-node-name');
    name.textContent = label(n.name);
    const detail = svg('text', { x: n.width / 2, y: 34 }, 'sm-node-detail');
    detail.textContent = n.external ? 'external' : `${n.spanCount.toLocaleString('en-US')} spans${n.errorCount ? ` · ${n.errorCount} err` : ''}`;
    g.append(title, svg('rect', { width: n.width, height: n.height, rx: 4 }), name, detail);
    return g;
  }
}

customElements.define('service-map', ServiceMapElement);
