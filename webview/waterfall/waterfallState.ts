// What the parts of <trace-waterfall> read of the trace shown and of the view: the element owns it,
// the parts (rows, ruler, search, keys) only read it and call back to change it.
import type { WaterfallColumns, WaterfallSummary } from '../../src/core/waterfall/columnLayout';
import type { RowModel } from './rowModel';

export interface WaterfallState {
  readonly columns: WaterfallColumns | undefined;
  readonly summary: WaterfallSummary | undefined;
  readonly model: RowModel | undefined;
  /** The trace's strings, made visible once (control and bidi characters shown as escapes). */
  readonly names: string[];
  readonly services: string[];
  readonly selectedRow: number;
  /** The visible time window (zoom), ns from the trace start. */
  readonly viewFrom: number;
  readonly viewTo: number;
}
