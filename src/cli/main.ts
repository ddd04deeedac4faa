// The CLI entry: builds the commands, runs one, and turns errors into one line and an exit code.
// A HarmonizeError is a user or environment problem; anything else is a bug and says so.
import { Command, CommanderError } from 'commander';
import { ExitCode, HarmonizeError } from '../errors.js';
import { registerDemo } from './commands/demo.js';
import { registerEtl } from './commands/etl.js';
import { registerGenerate } from './commands/generate.js';
import { registerReport } from './commands/report.js';
import { registerWarehouseCommands } from './commands/warehouse-commands.js';

export function buildProgram(): Command {
  const program = new Command('harmonize')
    .description('Sparkify song and event JSON → star schema (DuckDB, PostgreSQL, Redshift)')
    .version('0.1.0')
    .exitOverride()
    .showSuggestionAfterError();
  registerEtl(program);
  registerWarehouseCommands(program);
  registerReport(program);
  registerGenerate(program);
  registerDemo(program);
  for (const c of program.commands) c.exitOverride();
  return program;
}

export async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (e) {
    process.exitCode = report(e);
  }
}

function report(e: unknown): number {
  if (e instanceof CommanderError) {
    // commander already printed the usage message; help and version are not errors.
    return e.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
  }
  if (e instanceof HarmonizeError) {
    process.stderr.write(`harmonize: ${e.oneLine()}\n`);
    return e.exitCode;
  }
  const err = e instanceof Error ? e : new Error(String(e));
  process.stderr.write(`harmonize: internal error (a bug, please report it): ${err.message}\n`);
  if (process.env.HARMONIZE_DEBUG) process.stderr.write(`${err.stack ?? ''}\n`);
  return ExitCode.internal;
}
