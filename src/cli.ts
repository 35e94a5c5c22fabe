#!/usr/bin/env node
/**
 * `trace-lens` command line (bundled to dist/cli.js, the package's `bin`). Subcommands live in
 * src/cli/commands.ts.
 */
import { processIo, UsageError, type CliIo } from './cli/cliIo';
import { COMMANDS } from './cli/commands';
import { escapeControlCharacters, terminalText } from './core/text/terminalText';

function help(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'Usage: trace-lens <command> [options]',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    ...COMMANDS.map((c) => `  ${c.usage}`),
    '',
  ].join('\n');
}

/** Runs the CLI and resolves to the exit code: 0 clean, 1 error-level findings, 2 usage or I/O errors. */
export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(help());
    return name ? 0 : 2;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    io.stderr(terminalText`trace-lens: unknown command "${name}"\n\n` + help());
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout(`${command.usage}\n`);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (e) {
    if (e instanceof UsageError) {
      // Usage messages quote arguments, which may hold anything.
      io.stderr(terminalText`trace-lens ${name}: ${e.message}\nUsage: ` + `${command.usage}\n`);
      return 2;
    }
    // An unexpected error's message may quote input (a file's content, a span name): its lines are ours, the rest is escaped.
    io.stderr(`trace-lens ${name}: ${escapeControlCharacters(e instanceof Error ? e.stack ?? e.message : String(e), { keepLayout: true })}\n`);
    return 2;
  }
}

// Run only as the entry point (node dist/cli.js, tsx src/cli.ts), not when imported by tests.
if (typeof require !== 'undefined' && typeof module !== 'undefined' && require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`${escapeControlCharacters(e instanceof Error ? e.stack ?? e.message : String(e), { keepLayout: true })}\n`);
      process.exitCode = 2;
    },
  );
}
