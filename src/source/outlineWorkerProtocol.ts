/** Messages between the extension host and the outline worker (src/source/outlineWorker.ts). */
import type { LanguageId } from '../core/lint/languages';
import type { SymbolNode } from '../core/source/symbolMatching';

export type ToOutlineWorker =
  /** Outline `text`; with `key` (a document URI) the worker keeps the tree and re-parses the next version incrementally. */
  | { type: 'outline'; requestId: number; text: string; language: LanguageId; key?: string }
  /** The document was closed: drop its tree. */
  | { type: 'forget'; key: string };

export type FromOutlineWorker =
  | { type: 'outlined'; requestId: number; symbols: SymbolNode[] }
  | { type: 'failed'; requestId: number; message: string };
