/** A listener registration that can be undone; shaped like vscode.Disposable so the extension can push it. */
export interface Disposable {
  dispose(): void;
}

/** Subscribe function, shaped like vscode.Event so controllers can treat both alike. */
export type Event<T> = (listener: (event: T) => void) => Disposable;

/**
 * A minimal typed event source for core code, which cannot use vscode.EventEmitter.
 * A throwing listener must not stop the others or the receiver that fires.
 */
export class Emitter<T> {
  private readonly listeners = new Set<(event: T) => void>();

  readonly event: Event<T> = (listener) => {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  };

  fire(event: T): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch {
        // A broken subscriber is its own problem; the data path carries on.
      }
    }
  }

  get hasListeners(): boolean {
    return this.listeners.size > 0;
  }

  dispose(): void {
    this.listeners.clear();
  }
}
