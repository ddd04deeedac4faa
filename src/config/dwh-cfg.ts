// The classic dwh.cfg of the Sparkify Python projects, read unchanged: [CLUSTER] HOST, DB_NAME,
// DB_USER, DB_PASSWORD, DB_PORT → the warehouse (Redshift when the host is a Redshift endpoint,
// PostgreSQL otherwise); [S3] SONG_DATA, LOG_DATA, LOG_JSONPATH; [IAM_ROLE] ARN. Harmonize's own
// keys go in [HARMONIZE] (WAREHOUSE, SONGS, LOGS, MAX_REJECTS) and checks in [CHECK name] (SQL, EXPECTED).
import { usageError } from '../errors.js';
import type { CheckSpec } from '../quality/checks.js';
import { parseWarehouseUrl, type ServerConfig } from '../warehouse/url.js';
import type { FileSettings } from './config.js';
import { parseIni, section, type Ini } from './ini.js';
import { parseFingerprint } from './fingerprint.js';

function cluster(ini: Ini, file: string): ServerConfig | undefined {
  const c = section(ini, 'CLUSTER');
  if (!c?.get('HOST')) return undefined;
  const need = (k: string) => {
    const v = c.get(k);
    if (!v) throw usageError(`[CLUSTER] ${k} is missing`, { where: file, hint: `add ${k} = … to [CLUSTER]` });
    return v;
  };
  const host = need('HOST');
  const port = c.get('DB_PORT');
  if (port !== undefined && !/^\d+$/.test(port))
    throw usageError(`[CLUSTER] DB_PORT is not a number: ${port}`, { where: file });
  const engine = /redshift/i.test(host) ? 'redshift' : 'postgres';
  const cfg: ServerConfig = {
    engine,
    host,
    port: port ? Number(port) : engine === 'redshift' ? 5439 : 5432,
    database: need('DB_NAME'),
    user: need('DB_USER'),
  };
  const password = c.get('DB_PASSWORD');
  if (password) cfg.password = password;
  const schema = c.get('SCHEMA');
  if (schema) cfg.schema = schema;
  return cfg;
}

function checks(ini: Ini, file: string): CheckSpec[] {
  const out: CheckSpec[] = [];
  for (const [name, s] of ini) {
    if (!/^CHECK\b/i.test(name)) continue;
    const label = name.slice('CHECK'.length).trim() || `check ${out.length + 1}`;
    const sql = s.get('SQL');
    if (!sql)
      throw usageError(`[${name}] has no SQL`, {
        where: file,
        hint: 'add SQL = SELECT … returning failing rows',
      });
    const expected = s.get('EXPECTED');
    out.push({
      name: label,
      sql,
      ...(expected !== undefined ? { expected } : {}),
      source: `${file} [${name}]`,
    });
  }
  return out;
}

export function fromDwhCfg(text: string, file: string): FileSettings {
  const ini = parseIni(text, file);
  const h = section(ini, 'HARMONIZE');
  const s3 = section(ini, 'S3');
  const whUrl = h?.get('WAREHOUSE');
  const warehouse = whUrl ? parseWarehouseUrl(whUrl) : cluster(ini, file);
  const maxRejects = h?.get('MAX_REJECTS');
  if (maxRejects !== undefined && !/^\d+$/.test(maxRejects))
    throw usageError(`[HARMONIZE] MAX_REJECTS is not a whole number`, { where: file });
  const pick = (v: string | undefined) => (v ? v : undefined);
  const out: FileSettings = { checks: checks(ini, file) };
  if (warehouse) out.warehouse = warehouse;
  const songs = pick(h?.get('SONGS')) ?? pick(s3?.get('SONG_DATA'));
  const logs = pick(h?.get('LOGS')) ?? pick(s3?.get('LOG_DATA'));
  if (songs) out.songs = songs;
  if (logs) out.logs = logs;
  if (maxRejects !== undefined) out.maxRejects = Number(maxRejects);
  const fingerprint = parseFingerprint(pick(h?.get('FINGERPRINT')), `${file} [HARMONIZE] FINGERPRINT`);
  if (fingerprint) out.fingerprint = fingerprint;
  const iam = pick(section(ini, 'IAM_ROLE')?.get('ARN'));
  if (iam) out.iamRole = iam;
  const jp = pick(s3?.get('LOG_JSONPATH'));
  if (jp) out.logJsonPath = jp;
  const region = pick(h?.get('REGION')) ?? pick(section(ini, 'AWS')?.get('REGION'));
  if (region) out.region = region;
  return out;
}
