/** Reading a command's arguments the same way in every command: `--flag value`, `--flag=value`, and the output format. */
import { UsageError } from './cliIo';

export type OutputFormat = 'text' | 'json' | 'sarif';

export function parseOutputFormat(value: string): OutputFormat {
  if (value !== 'text' && value !== 'json' && value !== 'sarif') throw new UsageError(`unknown format "${value}" (text, json or sarif)`);
  return value;
}

/** Walks the arguments; `value()` takes the current flag's value from after its `=` or from the next argument. */
export class ArgCursor {
  private i = -1;
  private inline: string | undefined;
  /** The current argument, and its flag part (before `=` for `--flag=value`). */
  arg = '';
  flag = '';

  constructor(private readonly args: readonly string[]) {}

  next(): boolean {
    if (++this.i >= this.args.length) return false;
    const a = this.args[this.i];
    const eq = a.startsWith('--') ? a.indexOf('=') : -1;
    this.arg = a;
    this.flag = eq >= 0 ? a.slice(0, eq) : a;
    this.inline = eq >= 0 ? a.slice(eq + 1) : undefined;
    return true;
  }

  value(): string {
    const v = this.inline ?? this.args[++this.i];
    if (v === undefined) throw new UsageError(`${this.flag} needs a value`);
    return v;
  }
}
