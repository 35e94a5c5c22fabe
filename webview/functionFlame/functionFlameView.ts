/**
 * <function-flame>: where time goes under one function, as an icicle of the merged subtrees of its
 * calls (webview/flame draws it), with the selected frame's figures and a link to its source beside
 * it. Says plainly when the traces are a sample. Span data reaches the page only as text.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import { layoutFlame } from '../../src/core/flame/flameLayout';
import { functionFlameTree, type FunctionFlame } from '../../src/core/flame/functionFlameTypes';
import type { SourceLocation } from '../../src/core/waterfall/spanDetail';
import type { FunctionFlameMessage } from '../../src/core/protocol/functionFlameProtocol';
import { FlameGraph, type FlameData } from '../flame/flameGraph';
import { ViewElement } from '../shared/viewElement';
import { el, visibleText } from '../waterfall/dom';
import { formatDuration } from '../waterfall/timeFormat';
import { countOf } from '../../src/core/text/plural';

export interface FunctionFlameHost {
  openSource(location: SourceLocation): void;
}

function where(loc: SourceLocation): string {
  return `${loc.file}${loc.line ? `:${loc.line}` : ''}`;
}

export class FunctionFlameElement extends ViewElement<FunctionFlameHost> {
  protected readonly cssPrefix = 'ff';
  private main!: HTMLElement;
  private detail!: HTMLElement;
  private graph!: FlameGraph;
  private flame: FunctionFlame | undefined;
  private labels: string[] = [];
  private services: string[] = [];

  protected build(): void {
    this.main = el('div', 'ff-main');
    this.graph = new FlameGraph({ select: (i) => this.showFrame(i), open: (i) => this.openFrame(i) }, 'Where time goes under the function: arrow keys move between frames, Enter opens the source');
    this.detail = el('aside', 'ff-detail');
    this.detail.setAttribute('aria-live', 'polite');
    this.main.append(this.graph.element, this.detail);
    this.append(this.status, this.header, this.main);
    this.setStatus('Reading traces…', false);
  }

  setStatus(message: string, error: boolean): void {
    this.showStatus(message, error);
    this.header.hidden = error;
    this.main.hidden = true;
  }

  setFlame(msg: FunctionFlameMessage): void {
    const f = msg.flame;
    this.flame = f;
    this.labels = f.labels.map((l) => visibleText(l));
    this.services = f.services.map((s) => visibleText(s));
    const title = el('h1', 'ff-title', visibleText(msg.title));
    const basis = el('p', msg.sample ? 'ff-basis ff-sample' : 'ff-basis', visibleText(msg.basis));
    const calls = f.calls[0];
    const summary = el('p', 'ff-summary', calls === 0
      ? `No call of this function in ${countOf(f.tracesRead, 'trace')}.`
      : `${countOf(calls, 'call')} in ${countOf(f.tracesWithCalls, 'trace')} · ${formatDuration(f.totalNs[0])} in all · ${formatDuration(f.totalNs[0] / calls)} a call · ${countOf(f.labels.length, 'frame')}`
        + (f.framesDropped > 0 ? ` · ${countOf(f.framesDropped, 'span')} beyond the frame limit counted as self time` : ''));
    this.header.replaceChildren(title, basis, summary);
    this.status.hidden = true;
    this.header.hidden = false;
    this.main.hidden = calls === 0;
    if (calls === 0) return;
    const tree = functionFlameTree(f);
    const data: FlameData = {
      tree,
      layout: layoutFlame(tree),
      label: (i) => this.labels[i],
      color: (i) => f.service[i],
      isError: (i) => f.errors[i] > 0,
      describe: (i) => [
        `${this.services[f.service[i]] ?? ''} · ${this.labels[i]}`,
        `total ${formatDuration(f.totalNs[i])} · self ${formatDuration(f.selfNs[i])} · ${countOf(f.calls[i], 'call')}`,
        f.locations[i] ? visibleText(where(f.locations[i]!)) : 'no code location',
      ],
    };
    this.graph.setData(data);
    this.graph.setSelected(0, false);
    this.showFrame(0);
  }

  private showFrame(i: number): void {
    const f = this.flame;
    if (!f) return;
    const loc = f.locations[i];
    const facts = el('dl', 'ff-facts');
    const fact = (k: string, v: string) => facts.append(el('dt', undefined, k), el('dd', undefined, v));
    fact('Service', this.services[f.service[i]] ?? '');
    fact('Calls', f.calls[i].toLocaleString('en-US'));
    fact('Total', `${formatDuration(f.totalNs[i])} (${((f.totalNs[i] / Math.max(1, f.totalNs[0])) * 100).toPrecision(3)} % of the function's)`);
    fact('Self', formatDuration(f.selfNs[i]));
    fact('Per call', formatDuration(f.totalNs[i] / Math.max(1, f.calls[i])));
    fact('Errors', f.errors[i].toLocaleString('en-US'));
    const heading = el('h2', 'ff-frame-title', this.labels[i]);
    heading.id = 'ff-frame-title';
    const parts: HTMLElement[] = [heading, facts];
    if (loc) {
      const go = document.createElement('vscode-button');
      go.className = 'ff-source';
      go.textContent = `Go to ${visibleText(where(loc))}`;
      go.title = 'Open the source of this frame';
      go.addEventListener('click', () => this.host?.openSource(loc));
      parts.push(go);
    } else {
      parts.push(el('p', 'ff-muted', 'The spans of this frame carry no code.* attributes.'));
    }
    this.detail.replaceChildren(...parts);
  }

  private openFrame(i: number): void {
    const loc = this.flame?.locations[i];
    if (loc) this.host?.openSource(loc);
  }
}

customElements.define('function-flame', FunctionFlameElement);
