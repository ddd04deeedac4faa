// The fingerprint setting (--fingerprint, HARMONIZE_FINGERPRINT, JSON `fingerprint`, dwh.cfg
// [HARMONIZE] FINGERPRINT): how a local file whose size or mtime moved is told apart from one that
// was only touched (LocalSourceOptions.fingerprint).
import { usageError } from '../errors.js';
import { fingerprintModes, type FingerprintMode } from '../extract/local-source.js';

/** The mode named by v, undefined when v is; a usage error naming where v came from otherwise. */
export function parseFingerprint(v: string | undefined, where: string): FingerprintMode | undefined {
  if (v === undefined) return undefined;
  const mode = fingerprintModes.find((m) => m === v.trim().toLowerCase());
  if (!mode)
    throw usageError(`not a fingerprint mode: ${v}`, {
      where,
      hint: `use ${fingerprintModes.join(' or ')}`,
    });
  return mode;
}
