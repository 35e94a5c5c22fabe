// The waterfall's header: the root span, the trace's figures, the services legend (a chip hides or
// shows a service's spans) and the trace's warnings. Span data only as text, after visibleText.
import type { WaterfallSummary } from '../../src/core/waterfall/columnLayout';
import { el, visibleText } from './dom';
import { PALETTE_SIZE } from './rowList';
import { formatDuration, formatStart } from './timeFormat';

const MAX_LEGEND = 40;

/**
 * Draws the header of `s` into `header`. `services` are already visible text; `toggleService`
 * hides or shows one. Returns the legend's chips, one per service shown in it, so the caller can
 * press a chip again when a service is shown another way (selecting one of its spans).
 */
export function renderTraceHeader(header: HTMLElement, s: WaterfallSummary, services: string[], toggleService: (index: number) => void): HTMLElement[] {
  header.replaceChildren();
  const title = el('h1', 'wf-title');
  title.append(el('span', 'wf-title-service', visibleText(s.rootService)), el('span', 'wf-title-name', visibleText(s.rootName)));
  const meta = el('div', 'wf-meta');
  const item = (label: string, value: string, cls?: string) => {
    const span = el('span', cls ? `wf-meta-item ${cls}` : 'wf-meta-item');
    span.append(el('span', 'wf-muted', `${label} `), el('span', undefined, value));
    meta.append(span);
  };
  item('Trace', s.traceId);
  item('Start', formatStart(s.startUnixNs));
  item('Duration', formatDuration(s.durationNs));
  item('Spans', s.spanCount === s.totalSpanCount ? s.spanCount.toLocaleString('en-US') : `${s.spanCount.toLocaleString('en-US')} of ${s.totalSpanCount.toLocaleString('en-US')}`);
  item('Services', String(s.serviceCount));
  item('Errors', String(s.errorCount), s.errorCount > 0 ? 'wf-error-text' : undefined);
  if (s.partial) item('Partial', 'the source says this trace is incomplete', 'wf-warning-text');
  const chips: HTMLElement[] = [];
  const legend = el('div', 'wf-legend');
  legend.setAttribute('aria-label', 'Services (click to hide or show)');
  services.slice(0, MAX_LEGEND).forEach((name, i) => {
    const chip = el('button', 'wf-chip');
    chip.type = 'button';
    chip.setAttribute('aria-pressed', 'true');
    chip.title = `Show or hide ${name}`;
    chip.append(el('span', `wf-swatch svc-${i % PALETTE_SIZE}`), el('span', undefined, name));
    chip.addEventListener('click', () => toggleService(i));
    chips.push(chip);
    legend.append(chip);
  });
  if (services.length > MAX_LEGEND) legend.append(el('span', 'wf-muted', `+${services.length - MAX_LEGEND} more`));
  header.append(title, meta, legend);
  for (const w of s.warnings.slice(0, 5)) header.append(el('p', 'wf-warning-text wf-warning', visibleText(w)));
  return chips;
}
