// What every message-driven view's custom element starts with (<trace-compare>, <function-flame>,
// <service-map>): the host it calls, its parts built once when first connected, a status line and
// a header, classed by the view's prefix in its stylesheet.
import { el, visibleText } from '../waterfall/dom';

export abstract class ViewElement<Host> extends HTMLElement {
  protected host: Host | undefined;
  protected status!: HTMLElement;
  protected header!: HTMLElement;
  private built = false;
  /** The view's class, and the prefix of its parts' classes (`cmp`, `ff`, `sm`). */
  protected abstract readonly cssPrefix: string;

  connect(host: Host): void {
    this.host = host;
  }

  connectedCallback(): void {
    if (this.built) return;
    this.built = true;
    this.classList.add(this.cssPrefix);
    this.status = el('div', `${this.cssPrefix}-status`);
    this.status.setAttribute('role', 'status');
    this.header = el('header', `${this.cssPrefix}-header`);
    this.build();
  }

  /** Creates the view's own parts and appends them with the status and the header. */
  protected abstract build(): void;

  /** Shows `message` (span data: made visible) in the status line, in the error colour for an error. */
  protected showStatus(message: string, error: boolean): void {
    this.status.textContent = visibleText(message);
    this.status.classList.toggle(`${this.cssPrefix}-status-error`, error);
    this.status.hidden = false;
  }
}
