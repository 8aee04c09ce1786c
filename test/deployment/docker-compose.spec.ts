/**
 * The deployment file cannot be run here (no Docker engine), so its wiring is checked as data:
 * every process that reads or writes evidence files must see the same volume.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';

interface ComposeService {
  environment?: Record<string, string>;
  volumes?: string[];
}

const compose = parse(readFileSync(path.join(__dirname, '../../docker-compose.yml'), 'utf8'), { merge: true }) as { services: Record<string, ComposeService>; volumes: Record<string, unknown> };

/** The named volume a service mounts at `target`, or undefined. */
function volumeAt(service: ComposeService, target: string): string | undefined {
  const mount = (service.volumes ?? []).map((v) => v.split(':')).find(([, mountedAt]) => mountedAt === target);
  return mount?.[0];
}

describe('docker-compose.yml', () => {
  const { api, worker } = compose.services;
  const evidenceDir = api.environment?.EVIDENCE_DIR;

  it('gives the API and the worker the same EVIDENCE_DIR', () => {
    expect(evidenceDir).toBeDefined();
    expect(worker.environment?.EVIDENCE_DIR).toBe(evidenceDir);
  });

  it('mounts one evidence volume on both the API (which stores uploads) and the worker (whose housekeeping sweeps them)', () => {
    const apiVolume = volumeAt(api, evidenceDir!);
    expect(apiVolume).toBeDefined();
    expect(Object.keys(compose.volumes)).toContain(apiVolume);
    expect(volumeAt(worker, evidenceDir!)).toBe(apiVolume);
  });
});
