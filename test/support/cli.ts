// Runs the built CLI (bin/harmonize.js → dist/) as a user would, capturing output and exit code;
// runNode runs any built script the same way (the benchmark harness: bench.test.ts).
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

const bin = resolve(import.meta.dirname, '../../bin/harmonize.js');

/** node with argv (flags, script, arguments) as a child process, its output and exit code. */
export function runNode(
  argv: string[],
  opts: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
): Promise<CliResult> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, argv, {
      env: opts.env ?? process.env,
      ...(opts.cwd ? { cwd: opts.cwd } : {}),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code: code ?? -1, stdout, stderr }));
  });
}

export function harmonize(
  args: string[],
  env: Record<string, string | undefined> = {},
  cwd?: string,
): Promise<CliResult> {
  return runNode([bin, ...args], {
    env: { ...process.env, HARMONIZE_WAREHOUSE: undefined, HARMONIZE_CONFIG: undefined, ...env },
    ...(cwd ? { cwd } : {}),
  });
}
