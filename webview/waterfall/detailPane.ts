// The span detail pane: rebuilt from a SpanDetail each time a span is opened (small DOM, text only).
import type { DetailAttribute, DetailStackFrame, SourceLocation, SpanDetail } from '../../src/core/waterfall/spanDetail';
import { el, visibleText } from './dom';
import { formatDuration } from './timeFormat';

export interface DetailActions {
  openSource(location: SourceLocation): void;
  openTrace(traceId: string, spanId: string): void;
  copy(text: string): void;
  close(): void;
}

function button(label: string, title: string, onClick: () => void, secondary = true): HTMLElement {
  const b = document.createElement('vscode-button');
  b.textContent = label;
  b.title = title;
  b.setAttribute('aria-label', title);
  if (secondary) b.setAttribute('secondary', '');
  b.addEventListener('click', (e) => { e.stopPropagation(); onClick(); });
  return b;
}

function linkButton(text: string, title: string, onClick: () => void): HTMLButtonElement {
  const b = el('button', 'wf-link', text);
  b.type = 'button';
  b.title = title;
  b.addEventListener('click', onClick);
  return b;
}

function section(title: string, count?: number): { root: HTMLElement; body: HTMLElement } {
  const root = el('section', 'wf-detail-section');
  const h = el('h3', undefined, count === undefined ? title : `${title} (${count})`);
  const body = el('div');
  root.append(h, body);
  return { root, body };
}

/** Attributes as a table; `undefined` when there are none (an event or link then shows only its heading). */
function attributeTable(attrs: DetailAttribute[], label: string): HTMLElement | undefined {
  if (attrs.length === 0) return undefined;
  const table = el('table', 'wf-attrs');
  table.setAttribute('aria-label', label);
  const body = el('tbody');
  for (const a of attrs) {
    const tr = el('tr');
    const k = el('th', undefined, visibleText(a.key));
    k.scope = 'row';
    const v = el('td', `wf-val wf-val-${a.type}`, visibleText(a.value));
    tr.append(k, v);
    body.append(tr);
  }
  table.append(body);
  return table;
}

function idRow(label: string, value: string | undefined, actions: DetailActions): HTMLElement {
  const row = el('div', 'wf-id-row');
  row.append(el('span', 'wf-muted', `${label} `), el('code', undefined, value ?? '—'));
  if (value) row.append(button('Copy', `Copy ${label}`, () => actions.copy(value)));
  return row;
}

/**
 * What a source link's tooltip adds about its line: with a revision the host carries the line
 * through git to the working tree (and says so when it cannot); without one the line is used as is.
 */
export function lineNote(d: SpanDetail): string {
  if (!d.revision) return 'No revision on this span (vcs.ref.head.revision, or a commit in service.version): the line is used as recorded, even if the file changed since.';
  return `Recorded at revision ${d.revision.commit.slice(0, 12)} (${d.revision.attribute}): the line follows your edits since, through git.`;
}

function frameList(frames: DetailStackFrame[], d: SpanDetail, actions: DetailActions): HTMLElement {
  const list = el('ol', 'wf-frames');
  for (const f of frames) {
    const li = el('li');
    if (f.file) {
      const loc: SourceLocation = { file: f.file, line: f.line, column: f.column, function: f.function, revision: d.revision?.commit };
      li.append(linkButton(visibleText(f.text), `Open ${f.file}${f.line ? `:${f.line}` : ''}\n${lineNote(d)}`, () => actions.openSource(loc)));
    } else {
      li.append(el('span', 'wf-muted', visibleText(f.text)));
    }
    list.append(li);
  }
  return list;
}

export function renderDetail(container: HTMLElement, d: SpanDetail, actions: DetailActions): void {
  container.replaceChildren();
  const head = el('div', 'wf-detail-head');
  const title = el('h2', 'wf-detail-title', visibleText(d.name));
  title.id = 'wf-detail-title';
  head.append(title, button('Close', 'Close the span detail', () => actions.close()));
  container.append(head);

  const facts = el('dl', 'wf-facts');
  const fact = (k: string, v: string, cls?: string) => facts.append(el('dt', undefined, k), el('dd', cls, v));
  fact('Service', visibleText(d.service));
  fact('Kind', d.kind);
  fact('Status', d.statusMessage ? `${d.statusCode}: ${d.statusMessage}` : d.statusCode, d.statusCode === 'error' ? 'wf-error-text' : undefined);
  fact('Start', `+${formatDuration(d.startOffsetNs)}`);
  fact('Duration', formatDuration(d.durationNs));
  fact('Self time', formatDuration(d.selfNs));
  fact('Critical path', d.critical ? 'yes' : 'no');
  fact('Scope', d.scopeVersion ? `${d.scopeName} ${d.scopeVersion}` : d.scopeName);
  container.append(facts);

  const ids = el('div', 'wf-ids');
  ids.append(idRow('Span ID', d.spanId, actions), idRow('Parent ID', d.parentSpanId, actions), idRow('Trace ID', d.traceId, actions));
  container.append(ids);

  if (d.source) {
    const src = d.source;
    const p = el('p', 'wf-source');
    p.append(el('span', 'wf-muted', 'Source '), linkButton(visibleText(`${src.file}${src.line ? `:${src.line}` : ''}`), `Open the source of this span\n${lineNote(d)}`, () => actions.openSource(src)));
    container.append(p);
  }
  if (d.stack && d.stack.length > 0) {
    const s = section('Stack (code.stacktrace)', d.stack.length);
    s.body.append(frameList(d.stack, d, actions));
    container.append(s.root);
  }
  for (const note of d.notes) container.append(el('p', 'wf-note', note));
  const dropped = d.dropped.attributes + d.dropped.events + d.dropped.links;
  if (dropped > 0) container.append(el('p', 'wf-note', `Dropped by the SDK: ${d.dropped.attributes} attributes, ${d.dropped.events} events, ${d.dropped.links} links.`));

  for (const [group, attrs] of [['Span attributes', d.attributes.span], ['Resource attributes', d.attributes.resource], ['Scope attributes', d.attributes.scope]] as const) {
    if (group === 'Scope attributes' && attrs.length === 0) continue;
    // The stack trace is shown as frames above, so it is not repeated as one long value.
    const shown = group === 'Span attributes' && d.stack ? attrs.filter((a) => a.key !== 'code.stacktrace') : attrs;
    const s = section(group, shown.length);
    s.body.append(attributeTable(shown, group) ?? el('p', 'wf-muted', 'No attributes'));
    container.append(s.root);
  }

  if (d.events.length > 0) {
    const s = section('Events', d.events.length);
    for (const ev of d.events) {
      const box = el('div', ev.name === 'exception' ? 'wf-event wf-event-error' : 'wf-event');
      box.append(el('div', 'wf-event-head', `+${formatDuration(ev.offsetNs)}  ${visibleText(ev.name)}`));
      const table = attributeTable(ev.attributes.filter((a) => a.key !== 'exception.stacktrace' || !ev.stack), `Attributes of event ${ev.name}`);
      if (table) box.append(table);
      if (ev.stack && ev.stack.length > 0) box.append(frameList(ev.stack, d, actions));
      s.body.append(box);
    }
    container.append(s.root);
  }

  if (d.links.length > 0) {
    const s = section('Links', d.links.length);
    for (const l of d.links) {
      const box = el('div', 'wf-event');
      box.append(linkButton(`Trace ${l.traceId} · span ${l.spanId}`, 'Open the linked trace', () => actions.openTrace(l.traceId, l.spanId)));
      const table = attributeTable(l.attributes, 'Link attributes');
      if (table) box.append(table);
      s.body.append(box);
    }
    container.append(s.root);
  }
}
