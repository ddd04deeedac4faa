// Resolves the settings of a command: flags > environment (HARMONIZE_*) > a config file
// (harmonize JSON, or a classic dwh.cfg INI with [CLUSTER], [S3], [IAM_ROLE], plus optional
// [HARMONIZE] and [CHECK name] sections). One zod schema validates the result.
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { usageError } from '../errors.js';
import type { CheckSpec } from '../quality/checks.js';
import { defaultWarehouseUrl, parseWarehouseUrl, type WarehouseConfig } from '../warehouse/url.js';
import { fromDwhCfg } from './dwh-cfg.js';
import { fingerprintModes, type FingerprintMode } from '../extract/local-source.js';
import { parseFingerprint } from './fingerprint.js';

const fileSchema = z
  .object({
    warehouse: z.string().optional(),
    songs: z.string().optional(),
    logs: z.string().optional(),
    maxRejects: z.number().int().nonnegative().optional(),
    fingerprint: z.enum(fingerprintModes).optional(),
    checks: z
      .array(
        z.object({
          name: z.string(),
          sql: z.string(),
          expected: z.union([z.string(), z.number()]).optional(),
        }),
      )
      .optional(),
  })
  .strict();

export interface FileSettings {
  warehouse?: WarehouseConfig;
  songs?: string;
  logs?: string;
  maxRejects?: number;
  /** How local files are fingerprinted when their mtime moved (fingerprint.ts). */
  fingerprint?: FingerprintMode;
  checks: CheckSpec[];
  iamRole?: string;
  logJsonPath?: string;
  region?: string;
}

export interface Flags {
  warehouse?: string;
  config?: string;
  songs?: string;
  logs?: string;
  maxRejects?: string;
  fingerprint?: string;
}

export interface Settings extends FileSettings {
  warehouse: WarehouseConfig;
}

async function readConfigFile(path: string): Promise<FileSettings> {
  const text = await readFile(path, 'utf8').catch(() => {
    throw usageError('cannot read config file', { where: path, hint: 'check the --config path' });
  });
  if (!path.toLowerCase().endsWith('.json')) return fromDwhCfg(text, path);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw usageError(`config is not valid JSON: ${(e as Error).message}`, { where: path });
  }
  const r = fileSchema.safeParse(json);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw usageError(`bad config: ${issue?.message ?? 'invalid'}`, {
      where: `${path} ${issue?.path.join('.') ?? ''}`.trim(),
    });
  }
  const { warehouse, checks, ...rest } = r.data;
  return {
    ...rest,
    ...(warehouse ? { warehouse: parseWarehouseUrl(warehouse) } : {}),
    checks: (checks ?? []).map((c) => ({ ...c, source: `${path} check "${c.name}"` })),
  };
}

function parseMaxRejects(v: string | undefined, where: string): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v))
    throw usageError(`not a whole number: ${v}`, { where, hint: 'e.g. --max-rejects 100' });
  return Number(v);
}

export async function resolveSettings(flags: Flags, env: NodeJS.ProcessEnv = process.env): Promise<Settings> {
  const configPath = flags.config ?? env.HARMONIZE_CONFIG;
  const file: FileSettings = configPath ? await readConfigFile(configPath) : { checks: [] };
  const whUrl = flags.warehouse ?? env.HARMONIZE_WAREHOUSE;
  const warehouse = whUrl
    ? parseWarehouseUrl(whUrl)
    : (file.warehouse ?? parseWarehouseUrl(defaultWarehouseUrl));
  const maxRejects =
    parseMaxRejects(flags.maxRejects, '--max-rejects') ??
    parseMaxRejects(env.HARMONIZE_MAX_REJECTS, 'HARMONIZE_MAX_REJECTS') ??
    file.maxRejects;
  const fingerprint =
    parseFingerprint(flags.fingerprint, '--fingerprint') ??
    parseFingerprint(env.HARMONIZE_FINGERPRINT, 'HARMONIZE_FINGERPRINT') ??
    file.fingerprint;
  const songs = flags.songs ?? env.HARMONIZE_SONGS ?? file.songs;
  const logs = flags.logs ?? env.HARMONIZE_LOGS ?? file.logs;
  return {
    ...file,
    warehouse,
    ...(songs !== undefined ? { songs } : {}),
    ...(logs !== undefined ? { logs } : {}),
    ...(maxRejects !== undefined ? { maxRejects } : {}),
    ...(fingerprint !== undefined ? { fingerprint } : {}),
  };
}
