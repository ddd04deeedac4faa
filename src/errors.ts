// Typed errors. A HarmonizeError is a user mistake or an environment problem: it carries an exit
// code, where it happened and how to fix it, and the CLI prints it as one line. Any other Error is a
// bug and is reported as such.

export const ExitCode = {
  ok: 0,
  checksFailed: 1,
  usage: 2,
  warehouse: 3,
  input: 4,
  tooManyRejects: 5,
  internal: 70,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export interface ErrorDetails {
  /** Where: a file (with line), a config key, a URL with its password masked. */
  where?: string;
  /** What to do about it. */
  hint?: string;
  cause?: unknown;
}

export class HarmonizeError extends Error {
  readonly exitCode: ExitCode;
  readonly where: string | undefined;
  readonly hint: string | undefined;

  constructor(exitCode: ExitCode, message: string, details: ErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'HarmonizeError';
    this.exitCode = exitCode;
    this.where = details.where;
    this.hint = details.hint;
  }

  /** The one line the CLI prints. */
  oneLine(): string {
    const where = this.where ? `${this.where}: ` : '';
    const hint = this.hint ? ` (${this.hint})` : '';
    return `${where}${this.message}${hint}`;
  }
}

export const usageError = (message: string, details?: ErrorDetails) =>
  new HarmonizeError(ExitCode.usage, message, details);
export const inputError = (message: string, details?: ErrorDetails) =>
  new HarmonizeError(ExitCode.input, message, details);
export const warehouseError = (message: string, details?: ErrorDetails) =>
  new HarmonizeError(ExitCode.warehouse, message, details);
